"""Indexing at national scale: `therapists index`'s work (read, extract over worker processes,
link, merge, write SQLite) on about 1,000,000 synthetic source records, with wall time, CPU time
(the parent and its extraction workers) and peak memory, beside the floor measured in the same
child: reading and JSON-decoding every raw line.

The raw crawl is generated once into `.bench-cache/` (bench/synthetic_raw.py, 2.5 records a person).
`THERAPISTS_BENCH_INDEX_PEOPLE` sets the number of people (default 400,000);
`THERAPISTS_BENCH_INDEX_SHAPE` the corpus: "national" (default: people spread over the states by
population, realistic surname and phone frequencies) or "dense" (everyone in two states with
typo-like surnames and shared phones: a linkage stress case, see `synthetic_raw.write_raw`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.scale_bench import cache_dir
from bench.synthetic_raw import write_raw

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("THERAPISTS_BENCH_INDEX_PEOPLE", "400000"))
SHAPE = os.environ.get("THERAPISTS_BENCH_INDEX_SHAPE", "national")

CHILD = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from directory.backends.sqlite import SQLiteBackend
from bench.index_bench import decode_floor
from indexer.build import run_index
started, cpu = time.perf_counter(), time.process_time()
report = run_index(Path(sys.argv[1]), SQLiteBackend(Path(sys.argv[2])), today=date(2026, 11, 23))
seconds, own = time.perf_counter() - started, time.process_time() - cpu
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, workers.ru_maxrss) / 1024
lines, baseline, baseline_cpu = decode_floor(Path(sys.argv[1]))
print(json.dumps({"seconds": seconds, "cpu_seconds": own + workers.ru_utime + workers.ru_stime,
                  "records": report.source_records, "raw_lines": report.raw_records, "listings": report.listings,
                  "phases": report.seconds,
                  "peak_rss_mb": peak, "baseline_seconds": baseline,
                  "baseline_cpu_seconds": baseline_cpu, "baseline_lines": lines}))
"""


def raw_crawl(people: int, shape: str = "dense") -> Path:
    path = cache_dir() / (f"raw_{people}" if shape == "dense" else f"raw_{shape}_{people}")
    if not (path / ".complete").exists():
        shutil.rmtree(path, ignore_errors=True)
        write_raw(path, people, shape=shape)
        (path / ".complete").touch()
    return path


def index_scale_benchmark() -> dict:
    raw = raw_crawl(PEOPLE, SHAPE)
    db = cache_dir() / f"index_{PEOPLE}.db"
    db.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-c", CHILD, str(raw), str(db)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    run = json.loads(result.stdout.strip().splitlines()[-1])
    db.unlink(missing_ok=True)
    return {
        "index_scale_corpus": SHAPE,
        "index_scale_records": run["records"],
        "index_scale_listings": run["listings"],
        "index_scale_s": round(run["seconds"], 1),
        "index_scale_cpu_s": round(run["cpu_seconds"], 1),
        "index_scale_records_per_s": round(run["records"] / run["seconds"]),
        "index_scale_records_per_cpu_s": round(run["records"] / run["cpu_seconds"]),
        "index_scale_json_decode_lines_per_s": round(run["baseline_lines"] / run["baseline_seconds"]),
        "index_scale_ratio_to_json_decode": round(run["baseline_seconds"] / run["seconds"], 3),
        "index_scale_cpu_ratio_to_json_decode": round(run["baseline_cpu_seconds"] / run["cpu_seconds"], 3),
        "index_scale_peak_rss_mb": round(run["peak_rss_mb"]),
        **{f"index_scale_{phase}_s": round(seconds, 1) for phase, seconds in run["phases"].items()},
    }


if __name__ == "__main__":
    print(json.dumps(index_scale_benchmark(), indent=2))
