"""The Elasticsearch leg of `make bench`: 20,000 synthetic listings indexed into osmem-server (or
the cluster at ES_URL) and into SQLite in the same run; indexing docs/s and search p50 over the
same query mix, as ratios to SQLite.

osmem-server is an in-memory test server written for correctness, not speed: its figures say
nothing about how a real Elasticsearch cluster performs. They are here so a change that makes the
Elasticsearch path slower relative to SQLite shows up.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.search_bench import _params, query_mix, synthetic_listings
from directory.backends.es import ElasticsearchBackend
from directory.backends.sqlite import SQLiteBackend
from directory.search_service import build_query
from directory.vocabulary import get_vocabulary

TODAY = date(2026, 11, 23)


def _p50_ms(backend, queries, vocab) -> float:
    times = []
    for _, raw in queries:
        query, _ = build_query(_params(raw), vocab, TODAY)
        start = time.perf_counter()
        backend.search(query)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def es_benchmark(n: int = 20_000, queries: int = 60) -> dict:
    vocab = get_vocabulary()
    listings = synthetic_listings(n, seed=11)
    mix = query_mix(seed=5)[:queries]
    server = None
    url = os.environ.get("ES_URL")
    if not url:
        from osmem_server import OsmemServer

        server = OsmemServer.start(japanese=False)
        url = server.url
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = SQLiteBackend(Path(tmp) / "index.db", vocab)
            start = time.perf_counter()
            sqlite.replace_all(listings)
            sqlite_docs_s = n / (time.perf_counter() - start)
            es = ElasticsearchBackend(url, "bench", vocab, plain_json=server is not None)
            start = time.perf_counter()
            es.replace_all(listings)
            es_docs_s = n / (time.perf_counter() - start)
            sqlite_p50, es_p50 = _p50_ms(sqlite, mix, vocab), _p50_ms(es, mix, vocab)
            es.close()
    finally:
        if server is not None:
            server.close()
    return {
        "es_n": n,
        "es_server": "osmem-server (not a performance proxy)" if server is not None else "ES_URL",
        "es_index_docs_per_s": round(es_docs_s),
        "es_sqlite_index_docs_per_s": round(sqlite_docs_s),
        "es_index_docs_per_s_ratio_to_sqlite": round(es_docs_s / sqlite_docs_s, 4),
        "es_search_p50_ms": round(es_p50, 2),
        "es_sqlite_search_p50_ms": round(sqlite_p50, 3),
        "es_search_p50_ratio_to_sqlite": round(es_p50 / sqlite_p50, 1),
    }
