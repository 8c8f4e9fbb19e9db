"""`SQLiteBackend.patch` (a byte copy of the live file with only the changed rows rewritten) writes
what `replace_all` writes for the same listings: listings whose ids land between the live ones,
replaced and dropped listings, the columnar arrays, and the identity map whether or not the
backend read the live file's map first."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.synthetic_raw import write_raw
from directory.backends.sqlite import SQLiteBackend
from directory.identity import IdentityMap, Redirect
from directory.models import Listing
from directory.query import SearchQuery
from indexer.build import BuiltIndex, build_listings
from tests.conftest import TODAY

METADATA = {"built_for_date": TODAY.isoformat(), "generation": "1"}
QUERY = SearchQuery(limit=5, today=TODAY, license_status="any")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltIndex:
    raw = tmp_path_factory.mktemp("raw")
    write_raw(raw, 300)
    return build_listings(raw, TODAY)


def _contents(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        blob = np.load(io.BytesIO(conn.execute("SELECT data FROM columnar").fetchone()[0]))
        return {
            "columnar": {name: (blob[name].dtype.str, blob[name].tobytes()) for name in blob.files},
            "listings": conn.execute("SELECT id, name_key, doc FROM listings ORDER BY id").fetchall(),
            "stats": conn.execute("SELECT * FROM sqlite_stat1 ORDER BY 1, 2").fetchall(),
            **{
                table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("meta", "review_queue", "identity", "listing_ids", "redirects")
            },
        }
    finally:
        conn.close()


def _changed(identity: IdentityMap, gone: str) -> IdentityMap:
    """The map with a record forgotten, another moved, an id absorbed and one minted."""
    keys = sorted(identity.records)
    records = {k: v for k, v in identity.records.items() if k != keys[0]}
    records[keys[1]] = "t_minted000000"
    first_build = {k: v for k, v in identity.first_build.items() if k != gone} | {"t_minted000000": 2}
    first_seen = {k: v for k, v in identity.first_seen.items() if k != gone} | {"t_minted000000": TODAY.isoformat()}
    redirects = {**identity.redirects, gone: Redirect("t_minted000000", "merged", TODAY.isoformat())}
    return replace(identity, build=2, records=records, first_build=first_build, first_seen=first_seen, redirects=redirects)


@pytest.mark.parametrize("read_identity_first", [True, False])
def test_a_patch_writes_what_a_full_write_writes(built: BuiltIndex, tmp_path: Path, read_identity_first: bool) -> None:
    listings = built.listings
    assert len(listings) > 100
    assert [x.id for x in listings] == sorted(x.id for x in listings)
    held_back = listings[3::7]  # ids that land between the live ones
    held_ids = {x.id for x in held_back}
    dropped = [x.id for x in listings[5::11] if x.id not in held_ids]
    edited = listings[1].model_copy(update={"name": "Patched Name"})
    live = [x for x in listings if x.id not in held_ids]
    patched = SQLiteBackend(tmp_path / "patched.db")
    patched.replace_all(live, metadata=METADATA, review=built.review, identity=built.identity)
    if read_identity_first:
        assert patched.identity().records == built.identity.records
    new_identity = _changed(built.identity, dropped[0])
    meta = METADATA | {"generation": "2"}
    stats = patched.patch([edited, *held_back], dropped, metadata=meta, review=built.review[1:], identity=new_identity)

    wanted: list[Listing] = sorted([edited, *(x for x in listings if x.id not in {*dropped, edited.id})], key=lambda listing: listing.id)
    full = SQLiteBackend(tmp_path / "full.db")
    full.replace_all(wanted, metadata=meta, review=built.review[1:], identity=new_identity)
    assert stats.listings == len(wanted)
    assert _contents(tmp_path / "patched.db") == _contents(tmp_path / "full.db")
    assert patched.get(edited.id).name == "Patched Name"  # type: ignore[union-attr]
    assert [h.listing.id for h in patched.search(QUERY).hits] == [h.listing.id for h in full.search(QUERY).hits]
    assert patched.search(QUERY).total == len(wanted)


def test_rows_written_out_of_id_order_store_the_columnar_index_in_id_order(built: BuiltIndex, tmp_path: Path) -> None:
    ordered = SQLiteBackend(tmp_path / "ordered.db")
    ordered.replace_all(built.listings, metadata=METADATA)
    shuffled = SQLiteBackend(tmp_path / "shuffled.db")
    shuffled.replace_all(list(reversed(built.listings)), metadata=METADATA)
    assert _contents(tmp_path / "shuffled.db")["columnar"] == _contents(tmp_path / "ordered.db")["columnar"]
    query = QUERY
    assert [h.listing.id for h in shuffled.search(query).hits] == [h.listing.id for h in ordered.search(query).hits]
