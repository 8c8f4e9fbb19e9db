"""Incremental re-index against a full build of the same raw files, after 1 % of the lines changed.

The incremental build's state is made by a first `--incremental` build; then 1 % of the lines are
edited (a re-crawl's fetched_at and a changed phone) and both a full build and an incremental one
index the changed files into copies of the same previous index, alternating, twice each. The
figure is the ratio of their best wall times, measured in the same run; CPU times (this process
and its reaped worker processes: a full build's extraction and merge workers count) and the
phases of the incremental build's best run are reported too.

`python -m bench.incremental_bench 20000 80000` measures at several sizes: the incremental time
should grow with the lines changed (1 % of each), not with the corpus, but for hashing the lines.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.synthetic_raw import write_raw

PEOPLE = 20_000  # about 50,000 source records
# "dense" (two states, typo-like surnames: big linkage components) or "national" (bench/synthetic_raw.py).
SHAPE = os.environ.get("THERAPISTS_BENCH_INCREMENTAL_SHAPE", "dense")
TODAY = date(2026, 11, 23)
REPEATS = 2


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _change(raw: Path, fraction: float, seed: int = 3) -> int:
    rng = random.Random(seed)
    changed = 0
    for path in sorted(raw.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for i in rng.sample(range(len(lines)), int(len(lines) * fraction)):
            row = json.loads(lines[i])
            row["fetched_at"] = "2026-11-22T12:00:00+00:00"  # a re-crawl that saw the record again, plus a changed phone
            data = row["data"]
            if "phone" in data:
                data["phone"] = f"(212) 555-{rng.randrange(10_000):04d}"
            lines[i] = json.dumps(row) + "\n"
            changed += 1
        path.write_text("".join(lines), encoding="utf-8")
    return changed


def incremental_benchmark(people: int = PEOPLE) -> dict:
    from directory.backends.sqlite import SQLiteBackend
    from indexer.build import run_index
    from indexer.incremental import run_incremental_index
    from indexer.incremental_state import GRAPH_FILE, STATE_FILE

    work = Path(tempfile.mkdtemp(prefix="incremental-bench-"))
    try:
        raw, db = work / "raw", work / "index.db"
        write_raw(raw, people, shape=SHAPE)
        report = run_incremental_index(raw, SQLiteBackend(db), today=TODAY)  # stores the state
        changed = _change(raw, 0.01)
        state = {name: (raw / name).read_bytes() for name in (STATE_FILE, GRAPH_FILE)}
        times: dict[str, list[tuple[float, float]]] = {"full": [], "incremental": []}
        phases: dict[str, float] = {}
        for _ in range(REPEATS):
            for kind in times:
                target = work / f"{kind}.db"
                shutil.copy(db, target)
                for name, content in state.items():  # each incremental run starts from the first build's state
                    (raw / name).write_bytes(content)
                wall, cpu = time.perf_counter(), _cpu()
                done = (run_incremental_index if kind == "incremental" else run_index)(raw, SQLiteBackend(target), today=TODAY)
                times[kind].append((time.perf_counter() - wall, _cpu() - cpu))
                if kind == "incremental" and times[kind][-1] == min(times[kind]):
                    phases = done.seconds
        full, incremental = min(times["full"]), min(times["incremental"])
        return {
            "incremental_people": people,
            "incremental_source_records": report.source_records,
            "incremental_changed_lines": changed,
            "incremental_full_s": round(full[0], 2),
            "incremental_s": round(incremental[0], 2),
            "incremental_full_cpu_s": round(full[1], 2),
            "incremental_cpu_s": round(incremental[1], 2),
            "incremental_phases_s": phases,
            "incremental_to_full_ratio": round(incremental[0] / full[0], 3),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [PEOPLE]:
        print(json.dumps(incremental_benchmark(size)), flush=True)
