"""Linkage at national scale: `link_records` on about 1,000,000 LinkRecords of the synthetic corpus,
in records per CPU second and peak memory above the records themselves.

The LinkRecords are extracted once from the raw crawl (bench/index_scale_bench.py's, 2.5 records a
person) and pickled into `.bench-cache/`; extracting takes minutes, linking is what is measured.
`THERAPISTS_BENCH_LINKAGE_PEOPLE` sets the number of people (default 400,000: about 1M records).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

from bench.index_scale_bench import raw_crawl
from bench.scale_bench import cache_dir

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("THERAPISTS_BENCH_LINKAGE_PEOPLE", "400000"))

# In a child: its peak RSS is linking's alone (and the records'), not the extraction's.
CHILD = """
import json, pickle, resource, sys, time
from indexer.linkage import link_records
with open(sys.argv[1], "rb") as fh:
    records = pickle.load(fh)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started, cpu = time.perf_counter(), time.process_time()
linkage = link_records(records)
print(json.dumps({"records": len(records), "seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                  "records_rss_mb": before, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "listings": len(linkage.clusters), "review": len(linkage.review)}))
"""


def link_records_file(people: int) -> Path:
    """The corpus's LinkRecords, pickled (made once)."""
    path = cache_dir() / f"link_records_{people}.pickle"
    if not path.exists():
        from directory.vocabulary import get_vocabulary
        from indexer.build import IndexReport, read_source_records
        from indexer.link_record import LinkRecord

        records = read_source_records(raw_crawl(people), get_vocabulary(), date(2026, 11, 23), IndexReport(), [], False)
        links = [LinkRecord.of(rec) for rec in records]
        del records
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(links, fh, protocol=5)
        tmp.replace(path)
    return path


def linkage_scale_benchmark() -> dict:
    path = link_records_file(PEOPLE)
    result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    run = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "linkage_scale_records": run["records"],
        "linkage_scale_listings": run["listings"],
        "linkage_scale_review_pairs": run["review"],
        "linkage_scale_s": round(run["seconds"], 1),
        "linkage_scale_cpu_s": round(run["cpu_seconds"], 1),
        "linkage_scale_records_per_cpu_s": round(run["records"] / run["cpu_seconds"]),
        "linkage_scale_peak_rss_mb": round(run["peak_rss_mb"]),
        "linkage_scale_rss_above_records_mb": round(run["peak_rss_mb"] - run["records_rss_mb"]),
    }


if __name__ == "__main__":
    print(json.dumps(linkage_scale_benchmark(), indent=2))
