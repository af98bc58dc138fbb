"""French text analysis: the analyzers, the stopword list and the folding of written forms.

The first layer: imports nothing of Fouille but ``errors`` and ``models``.
"""
