"""Indexing throughput (read + extract + link + merge + write SQLite) at national scale, with peak memory,
plus linkage and vocabulary quality on their labelled sets."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 80_000  # about 200k source records (2.5 a person)

CHILD = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from directory.backends.sqlite import SQLiteBackend
from bench.index_bench import decode_floor
from indexer.build import run_index
started = time.perf_counter()
report = run_index(Path(sys.argv[1]), SQLiteBackend(Path(sys.argv[2])), today=date(2026, 11, 23))
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
lines, baseline, _ = decode_floor(Path(sys.argv[1]))
print(json.dumps({"seconds": elapsed, "records": report.source_records, "listings": report.listings,
                  "peak_rss_mb": peak, "baseline_seconds": baseline, "baseline_lines": lines}))
"""


def decode_floor(raw_dir: Path) -> tuple[int, float, float]:
    """The baseline of an index build, the floor of any indexer in Python: only reading and
    JSON-decoding every raw line. Lines, wall seconds, CPU seconds."""
    from indexer.build import raw_files

    started, cpu = time.perf_counter(), time.process_time()
    lines = 0
    for path in raw_files(raw_dir):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                json.loads(line)
                lines += 1
    return lines, time.perf_counter() - started, time.process_time() - cpu


def vocab_accuracy() -> float:
    from directory.vocabulary import get_vocabulary

    vocab = get_vocabulary()
    with open(ROOT / "tests/data/vocab_labelled.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    right = sum(((m.id if (m := vocab.match(r["text"], r["kind"])) else "NONE") == r["expected"]) for r in rows)  # type: ignore[arg-type]
    return right / len(rows)


def index_benchmark() -> dict:
    from bench.linkage_eval import evaluate
    from bench.synthetic_raw import write_raw

    work = Path(tempfile.mkdtemp(prefix="index-bench-"))
    try:
        write_raw(work / "raw", PEOPLE)
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(work / "raw"), str(work / "index.db")], capture_output=True, text=True, cwd=ROOT
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-3000:])
        run = json.loads(result.stdout.strip().splitlines()[-1])
        db_mb = (work / "index.db").stat().st_size / 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)
    quality = evaluate()
    return {
        "index_records": run["records"],
        "index_listings": run["listings"],
        "index_seconds": round(run["seconds"], 1),
        "index_records_per_s": round(run["records"] / run["seconds"]),
        "index_baseline_json_decode_records_per_s": round(run["baseline_lines"] / run["baseline_seconds"]),
        "index_ratio_to_json_decode": round(run["baseline_seconds"] / run["seconds"], 3),
        "index_peak_rss_mb": round(run["peak_rss_mb"]),
        "index_db_mb": round(db_mb, 1),
        "linkage_precision": round(quality.precision, 4),
        "linkage_recall": round(quality.recall, 4),
        "linkage_f1": round(quality.f1, 4),
        "vocab_accuracy": round(vocab_accuracy(), 4),
    }
