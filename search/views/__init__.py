"""What a reader or analyst sees: result pages, snippets, related articles, trends, exports.

Imports ``analysis``, ``store`` and ``ranking``; never the archive, the CLI or the site.
"""
