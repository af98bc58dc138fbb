"""Which articles match a query and in what order: query syntax, scoring, filters, facets.

Folding of duplicates and spelling suggestions too. Imports ``analysis`` and ``store``, never
``views`` or the edges.
"""
