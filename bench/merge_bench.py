"""Merging and writing, per listing: the CPU a build spends after linkage on each listing of the
100k-record synthetic corpus (40,000 people), in the three steps a build may spread over processes:

- merge: the cluster's records into a `Listing`, its fact conflicts, its overrides, its licence state
  (`indexer.build.ListingPlan.listings`'s work);
- prepare: `SQLiteBackend`'s `Preparer.prepare` (doc JSON, name key, columnar row), purely from the listing;
- append: `replace_all` of the prepared listings (the SQLite inserts, the columnar blob, the identity
  map), the part left to the one process that writes the file;

and what a prepared listing costs to pickle to that process and back. Run in a child process, with
the cyclic collector off as `run_index` has it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.index_scale_bench import raw_crawl
from bench.scale_bench import cache_dir

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 40_000

CHILD = """
import gc, json, pickle, sys, time
from datetime import date
from pathlib import Path
from directory.backends.sqlite import SQLiteBackend
from directory.curation.overrides import apply_overrides
from indexer.build import plan_listings
from indexer.conflicts import fact_conflicts
from indexer.merge import licence_state, merge
gc.disable()
today = date(2026, 11, 23)
plan = plan_listings(Path(sys.argv[1]), today)
backend = SQLiteBackend(Path(sys.argv[2]))
metadata = {"built_for_date": today.isoformat(), "generation": str(plan.identity.build)}
groups = [plan.sources.spool.get_many(plan.people[i]) for i in plan.order]  # read back from the spool, not timed
cpu = time.process_time()
listings, states, conflicts = [], [], []
for i, group in zip(plan.order, groups):
    merged = merge(group, today, plan.ids[i])
    conflicts += fact_conflicts(group, merged, today)
    listing = apply_overrides(merged, plan.curation.for_ids(plan.aliases[i]))
    states.append(licence_state(listing))
    listings.append(listing)
merge_s = time.process_time() - cpu
cpu = time.process_time()
preparer = backend.preparer(metadata)
prepared = [preparer.prepare(listing) for listing in listings]
prepare_s = time.process_time() - cpu
cpu = time.process_time()
pickled = pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
prepared = pickle.loads(pickled)
pickle_s = time.process_time() - cpu
cpu = time.process_time()
backend.replace_all(prepared, metadata=metadata, review=plan.review, identity=plan.identity)
append_s = time.process_time() - cpu
print(json.dumps({"listings": len(listings), "merge_s": merge_s, "prepare_s": prepare_s, "append_s": append_s,
                  "pickle_s": pickle_s, "pickled_bytes": len(pickled)}))
"""


def merge_benchmark() -> dict:
    raw = raw_crawl(PEOPLE)
    db = cache_dir() / f"merge_{PEOPLE}.db"
    result = subprocess.run([sys.executable, "-c", CHILD, str(raw), str(db)], capture_output=True, text=True, cwd=ROOT)
    db.unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    run = json.loads(result.stdout.strip().splitlines()[-1])
    n = run["listings"]

    def per_listing_us(seconds: float) -> float:
        return round(seconds / n * 1e6, 1)

    return {
        "merge_listings": n,
        "merge_cpu_us_per_listing": per_listing_us(run["merge_s"]),
        "merge_prepare_cpu_us_per_listing": per_listing_us(run["prepare_s"]),
        "merge_append_cpu_us_per_listing": per_listing_us(run["append_s"]),
        "merge_total_cpu_us_per_listing": per_listing_us(run["merge_s"] + run["prepare_s"] + run["append_s"]),
        "merge_pickle_roundtrip_cpu_us_per_listing": per_listing_us(run["pickle_s"]),
        "merge_pickled_bytes_per_listing": round(run["pickled_bytes"] / n),
    }


if __name__ == "__main__":
    print(json.dumps(merge_benchmark(), indent=2))
