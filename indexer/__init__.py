"""The indexer: raw JSONL → normalised, linked listings → a search backend.

Re-runnable over the raw files without crawling again. Stages, one module each:
reader (raw files) → extract (one `SourceRecord` per person mention) → linkage (clusters of
records of one real person) → merge (a `Listing` per cluster) → build (write to the backend).
"""
