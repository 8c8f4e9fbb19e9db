"""`therapists export-fhir`: every listing as FHIR R4 (Plan-Net) resources, bulk-data style NDJSON."""

from __future__ import annotations

import argparse
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path

from tqdm import tqdm

from directory.errors import DirectoryError

log = logging.getLogger(__name__)
RESOURCE_TYPES = ("Practitioner", "PractitionerRole", "Location")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export-fhir",
        help="write every listing as FHIR R4 Plan-Net resources, one NDJSON file per resource type",
        description="Writes DIR/Practitioner.ndjson, DIR/PractitionerRole.ndjson and DIR/Location.ndjson (one resource a line, "
        "as a FHIR bulk-data $export would) and DIR/manifest.json naming them with their counts.",
    )
    export.add_argument("--out", type=Path, required=True, help="directory to write the NDJSON files into (created if missing)")
    export.add_argument("--db", type=Path, default=None, help="SQLite index file (default: $THERAPISTS_DB or ./therapists.db)")
    export.set_defaults(handler=cmd_export_fhir)


def cmd_export_fhir(args: argparse.Namespace) -> int:
    from directory.backends import open_backend
    from directory.fhir import resources_of
    from directory.settings import get_settings
    from directory.vocabulary import get_vocabulary

    settings = get_settings(db=args.db)
    if not settings.db.exists():
        raise DirectoryError(f"no index at {settings.db}; run `therapists index` first")
    backend, vocab, today = open_backend(settings), get_vocabulary(), date.today()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(RESOURCE_TYPES, 0)
    files = {t: (out / f"{t}.ndjson").open("w", encoding="utf-8") for t in RESOURCE_TYPES}
    try:
        for listing_id in tqdm(backend.all_ids(), desc="exporting FHIR", unit="listing"):
            listing = backend.get(listing_id)
            if listing is None:  # the index was swapped during the export; the rest still comes from one file
                continue
            for resource in resources_of(listing, vocab, today):
                files[resource.get_resource_type()].write(resource.model_dump_json() + "\n")
                counts[resource.get_resource_type()] += 1
    finally:
        for fh in files.values():
            fh.close()
    manifest = {
        "transactionTime": datetime.now(UTC).isoformat(timespec="seconds"),
        "requiresAccessToken": False,
        "output": [{"type": t, "url": f"{t}.ndjson", "count": counts[t]} for t in RESOURCE_TYPES],
        "error": [],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {', '.join(f'{counts[t]} {t}' for t in RESOURCE_TYPES)} to {out}")
    return 0
