#!/usr/bin/env python3
"""Validate the linkage set: raw-record shape, truth pointers, and that the indexer reads it.

    .venv/bin/python tests/data/linkage/check_linkage_set.py [-v]

Every line must be a JSON object with the raw-record fields; every truth line must point at an
existing record (and every record must have exactly one truth line); and
`indexer.extract.extract` must return exactly one SourceRecord per record. With -v, prints how the
extractor read each record (name, licences, NPI, city/state, phone) for eyeballing.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from directory.raw import RawRecord  # noqa: E402
from directory.vocabulary import get_vocabulary  # noqa: E402
from indexer.extract import extract  # noqa: E402

FILES = {
    "nppes.jsonl": "nppes",
    "tx_board.jsonl": "license_csv",
    "fl_board.jsonl": "license_csv",
    "sites.jsonl": "profile_site",
    "roster.jsonl": "cert_roster",
}
FIELDS = {"record_type", "data", "context", "source", "kind", "url", "fetched_at", "content_sha256"}


def main() -> int:
    verbose = "-v" in sys.argv
    vocab = get_vocabulary()
    today = date(2026, 11, 23)
    problems: list[str] = []
    lines: dict[tuple[str, int], dict] = {}
    keys: Counter[str] = Counter()
    for fname, kind in FILES.items():
        for n, text in enumerate((HERE / fname).read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{fname}:{n}"
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: not JSON ({exc})")
                continue
            if set(obj) != FIELDS:
                problems.append(f"{where}: fields {sorted(obj)}")
            if obj.get("kind") != kind or obj.get("source") != fname.removesuffix(".jsonl"):
                problems.append(f"{where}: kind/source {obj.get('kind')}/{obj.get('source')}")
            lines[(fname, n)] = obj
            try:
                out = extract(RawRecord.from_json(obj), vocab, today)
            except Exception as exc:
                problems.append(f"{where}: extract raised {type(exc).__name__}: {exc}")
                continue
            if len(out) != 1:
                problems.append(f"{where}: extract returned {len(out)} SourceRecords")
                continue
            rec = out[0]
            keys[rec.key] += 1
            if verbose:
                lic = ",".join(f"{item.state}:{item.number}" for item in rec.licenses)
                loc = rec.location
                print(
                    f"{where:18} {rec.name.first!r:14} {rec.name.middle!r:12} {rec.name.last!r:20} {rec.name.suffix!r:6} "
                    f"npi={rec.npi or '-':10} lic={lic or '-':22} city={rec.city}/{rec.state} "
                    f"zip={loc.postal_code if loc else '-'} phone={rec.phone or '-'}"
                )
    truth_seen: Counter[tuple[str, int]] = Counter()
    for n, text in enumerate((HERE / "truth.jsonl").read_text(encoding="utf-8").splitlines(), start=1):
        t = json.loads(text)
        if set(t) != {"file", "line", "person_id"}:
            problems.append(f"truth.jsonl:{n}: fields {sorted(t)}")
        if (t["file"], t["line"]) not in lines:
            problems.append(f"truth.jsonl:{n}: points at a missing record {t['file']}:{t['line']}")
        truth_seen[(t["file"], t["line"])] += 1
    for where in lines:
        if truth_seen[where] != 1:
            problems.append(f"{where[0]}:{where[1]}: {truth_seen[where]} truth lines")
    for key, count in keys.items():
        if count > 1:
            problems.append(f"SourceRecord key {key} produced {count} times")
    for p in problems:
        print("PROBLEM", p)
    print(f"{len(lines)} records, {sum(truth_seen.values())} truth lines, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
