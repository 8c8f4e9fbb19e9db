"""`make bench`: every benchmark, each figure beside its same-run baseline; the last line is one JSON
object (keys from every benchmark: `n`, `search_p50_ms`, `search_p95_ms`, `http_p50_ms`,
`numpy_p50_ms`, `index_s`, `rss_mb`, `ndcg_at_10`, `index_records_per_s`, `linkage_precision`,
`linkage_recall`, `vocab_accuracy`, the crawl figures, ...)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.crawl_bench import crawl_benchmark
from bench.e2e_quality.evaluate import e2e_quality_benchmark
from bench.es_bench import es_benchmark
from bench.extract_bench import extract_benchmark
from bench.incremental_bench import incremental_benchmark
from bench.index_bench import index_benchmark
from bench.index_scale_bench import index_scale_benchmark
from bench.linkage_scale_bench import linkage_scale_benchmark
from bench.merge_bench import merge_benchmark
from bench.relevance_eval import evaluate as relevance
from bench.scale_bench import scale_benchmark
from bench.search_bench import search_benchmark
from bench.serve_bench import serve_benchmark


def relevance_benchmark() -> dict:
    results = relevance()
    return {
        "ndcg_at_10": round(sum(r.ndcg for r in results) / len(results), 4),
        "judged_queries": len(results),
        "lapsed_licences_in_default_results": sum(len(r.lapsed_shown) for r in results),
    }


BENCHES = {
    "crawl": crawl_benchmark,
    "index": index_benchmark,
    "relevance": relevance_benchmark,
    "search": search_benchmark,
    "e2e_quality": e2e_quality_benchmark,
    "scale": scale_benchmark,  # national-scale sources: board file and NPPES bulk crawls
    "index_scale": index_scale_benchmark,  # indexing about a million source records, with peak memory
    "linkage_scale": linkage_scale_benchmark,  # link_records on about a million LinkRecords: records per CPU-s, memory
    "serve": serve_benchmark,  # `serve --workers 2` against 1 at 500k listings, wrk on loopback
    "elasticsearch": es_benchmark,
    "incremental": incremental_benchmark,  # re-index after 1 % of the lines changed, against a full build
    "merge": merge_benchmark,  # merging, preparing and appending each listing after linkage, CPU per listing
    "extract": extract_benchmark,  # raw lines → source records in one process, against JSON-decoding them
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHES), action="append", help="run only these benchmarks")
    args = parser.parse_args()
    results: dict = {}
    for name in args.only or BENCHES:
        print(f"== {name}", flush=True)
        figures = BENCHES[name]()
        for key, value in figures.items():
            print(f"  {key:<40} {value}", flush=True)
        results.update(figures)
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
