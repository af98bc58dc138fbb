"""The index on disk: schema, codec, writing in batches, numpy snapshots and the files beside it.

Sources and folder syncing, duplicates and the topic space live here too. Imports ``analysis``
and ``ingest``, never ``ranking``, ``views`` or the edges.
"""
