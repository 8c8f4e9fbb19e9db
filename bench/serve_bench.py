"""`therapists serve --workers 2` against `--workers 1` at 500,000 listings, in the same run.

A bounded load generator on loopback (wrk, a C program: a few percent of a core, so on a 2-core
machine the server's own CPU dominates) runs a fixed duration of the mixed search workload of
`bench/search_bench.py` (conditions, free text, ICD-10 codes, dense near-only searches) against each
server in turn, and reports requests/s, p50/p99 latency, and each process's memory as RSS and as
PSS (proportional set size: a page shared by two workers counts half to each, so the PSS of the
processes adds up to the memory they really take; RSS would count shared pages once per process).

wrk comes from Debian (`apt-get install -y wrk`); the bench installs it when it is missing and it
may (root, apt-get present), and otherwise falls back to a Python load generator in a separate
process and says so (`load_generator`), since that one costs the server CPU on a small machine.

The 500k index is built once from `search_bench.synthetic_listings` and cached on disk
(`$THERAPISTS_BENCH_CACHE`, default `~/.cache/therapist-directory/bench`), keyed by the schema
version and size.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_bench import synthetic_listings  # noqa: E402
from directory.backends.sqlite import SCHEMA_VERSION, SQLiteBackend  # noqa: E402
from directory.vocabulary import get_vocabulary  # noqa: E402

N = 500_000


def cache_dir() -> Path:
    return Path(os.environ.get("THERAPISTS_BENCH_CACHE", Path.home() / ".cache" / "therapist-directory" / "bench"))


def cached_index(n: int = N) -> Path:
    """The synthetic index of `n` listings, built once and kept (the build takes minutes)."""
    path = cache_dir() / f"serve-{n}-schema{SCHEMA_VERSION}.db"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"  building the {n:,}-listing index once into {path} ...", flush=True)
    started = time.perf_counter()
    SQLiteBackend(path, get_vocabulary()).replace_all(
        synthetic_listings(n), metadata={"generation": "1", "built_at": "2026-11-20T00:00:00+00:00", "listings": str(n)}
    )
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


if __name__ == "__main__":
    print(cached_index())
