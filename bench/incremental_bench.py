"""Incremental re-index against a full build of the same raw files, after 1 % of the lines changed.

The incremental build's state is made by a first `--incremental` build; then 1 % of the lines are
edited and both a full build and an incremental one index the changed files into copies of the
same previous index. The figure is their time ratio, measured in the same run."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.synthetic_raw import write_raw

PEOPLE = 20_000  # about 50,000 source records
TODAY = date(2026, 11, 23)


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


def incremental_benchmark() -> dict:
    from directory.backends.sqlite import SQLiteBackend
    from indexer.build import run_index

    work = Path(tempfile.mkdtemp(prefix="incremental-bench-"))
    try:
        raw, db = work / "raw", work / "index.db"
        write_raw(raw, PEOPLE)
        report = run_index(raw, SQLiteBackend(db), today=TODAY, incremental=True)  # stores the state
        changed = _change(raw, 0.01)
        shutil.copy(db, work / "full.db")
        shutil.copy(db, work / "incr.db")
        started = time.perf_counter()
        run_index(raw, SQLiteBackend(work / "full.db"), today=TODAY)
        full = time.perf_counter() - started
        started = time.perf_counter()
        run_index(raw, SQLiteBackend(work / "incr.db"), today=TODAY, incremental=True)
        incremental = time.perf_counter() - started
        return {
            "incremental_source_records": report.source_records,
            "incremental_changed_lines": changed,
            "incremental_full_s": round(full, 2),
            "incremental_s": round(incremental, 2),
            "incremental_to_full_ratio": round(incremental / full, 3),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(incremental_benchmark()))
