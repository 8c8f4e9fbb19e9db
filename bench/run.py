"""`make bench`: every benchmark, each figure beside its same-run baseline; the last line is JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.crawl_bench import crawl_benchmark  # noqa: E402
from bench.index_bench import index_benchmark  # noqa: E402

BENCHES = {"crawl": crawl_benchmark, "index": index_benchmark}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHES), action="append", help="run only these benchmarks")
    args = parser.parse_args()
    results: dict = {}
    for name in args.only or BENCHES:
        print(f"== {name}", flush=True)
        figures = BENCHES[name]()
        for key, value in figures.items():
            print(f"  {key:<40} {value}")
        results.update(figures)
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
