"""Scrapy crawlers: fetch and parse public sources into raw JSONL with provenance.

A spider outputs records as published; cleaning happens in the indexer so it can be improved and
re-run without fetching again. One spider class per source kind; a concrete source is configuration
in sources.toml (see `crawler.config`).
"""
