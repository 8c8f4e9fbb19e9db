"""Extraction alone: raw JSONL lines → `SourceRecord`s (`indexer.reading.extract_lines`) in one
process, in the chunks an index worker gets, on the synthetic crawl of bench/index_scale_bench.py
(2.5 source records a person), in source records per CPU-second; beside the floor measured in the
same child: JSON-decoding the same lines.

The child runs as an index worker does: vocabulary and ZIP tables loaded before the clock starts,
the cyclic collector off (`indexer.build` turns it off for a build), each chunk dropped once
counted (a worker sends it back to the parent). `THERAPISTS_BENCH_EXTRACT_PEOPLE` sets the number
of people (default 40,000: about 100,000 raw lines).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.index_scale_bench import raw_crawl

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("THERAPISTS_BENCH_EXTRACT_PEOPLE", "40000"))

CHILD = """
import gc, json, sys, time
from datetime import date
from pathlib import Path
from directory.geo import zip_place
from directory.vocabulary import get_vocabulary
from indexer.build import raw_files
from indexer.reading import CHUNK_LINES, extract_lines
vocab, today = get_vocabulary(), date(2026, 11, 23)
zip_place("10001")  # the ZIP tables, loaded before a worker forks
files = [(p.name, p.read_text(encoding="utf-8").splitlines(keepends=True)) for p in raw_files(Path(sys.argv[1]))]
gc.disable()

def decode():
    cpu = time.process_time()
    for _, lines in files:
        for line in lines:
            json.loads(line)
    return time.process_time() - cpu

floor = decode()
cpu, records, raw_lines = time.process_time(), 0, 0
for name, lines in files:
    for start in range(0, len(lines), CHUNK_LINES):
        chunk = extract_lines(name, start + 1, lines[start:start + CHUNK_LINES], vocab, today)
        records += len(chunk.records)
        raw_lines += chunk.raw_records
spent = time.process_time() - cpu
floor = min(floor, decode())
print(json.dumps({"cpu_seconds": spent, "records": records, "raw_lines": raw_lines, "decode_cpu_seconds": floor}))
"""


def extract_benchmark() -> dict:
    raw = raw_crawl(PEOPLE)
    result = subprocess.run([sys.executable, "-c", CHILD, str(raw)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    run = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "extract_records": run["records"],
        "extract_cpu_s": round(run["cpu_seconds"], 2),
        "extract_records_per_cpu_s": round(run["records"] / run["cpu_seconds"]),
        "extract_json_decode_lines_per_cpu_s": round(run["raw_lines"] / run["decode_cpu_seconds"]),
        "extract_cpu_ratio_to_json_decode": round(run["decode_cpu_seconds"] / run["cpu_seconds"], 3),
    }
