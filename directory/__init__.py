"""The shared core of the therapist directory.

Everything the indexer and the search API both need lives here, so neither imports the other:
the listing model, the raw-record contract written by the crawler, the vocabulary, geography,
the query tree, ranking, and the search backends.
"""
