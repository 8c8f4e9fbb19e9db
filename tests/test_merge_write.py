"""Merging without re-validation, and the SQLite write split in two: listings prepared in another
process (pickled there and back) write the same index file as the listings themselves; and
`SQLiteBackend.patch` (a byte copy of the live file, only the changed rows rewritten) writes what
`replace_all` writes for the same listings: ids landing between the live ones, replaced and
dropped listings, the columnar arrays, the identity map whether or not the backend read the live
file's map first or carries its records over."""

from __future__ import annotations

import io
import multiprocessing
import sqlite3
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.synthetic_raw import write_raw
from directory.backends import sqlite as sqlite_backend
from directory.backends.sqlite import PreparedListing, SQLiteBackend
from directory.identity import CarriedRecords, IdentityMap, Redirect
from directory.models import Listing
from directory.query import SearchQuery
from indexer.build import BuiltIndex, build_listings, plan_listings
from indexer.merge import licence_state, merge
from tests.conftest import TODAY

METADATA = {"built_for_date": TODAY.isoformat(), "generation": "1"}
QUERY = SearchQuery(limit=5, today=TODAY, license_status="any")
write_carried = sqlite_backend._write_carried


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltIndex:
    raw = tmp_path_factory.mktemp("raw")
    write_raw(raw, 300)
    return build_listings(raw, TODAY)


def _prepare(path: str, metadata: dict[str, str], listings: list[Listing]) -> list[PreparedListing]:
    preparer = SQLiteBackend(path).preparer(metadata)
    return [preparer.prepare(listing) for listing in listings]


def _contents(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        blob = np.load(io.BytesIO(conn.execute("SELECT data FROM columnar").fetchone()[0]))
        return {
            # The npz archive's members carry the time they were written: compared member by member.
            "columnar": {name: (blob[name].dtype.str, blob[name].tobytes()) for name in blob.files},
            **{
                table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("listings", "meta", "review_queue", "identity", "listing_ids", "redirects")
            },
        }
    finally:
        conn.close()


def test_listings_prepared_in_another_process_write_the_same_file(built: BuiltIndex, tmp_path: Path) -> None:
    def write(name: str, items: list[Any]) -> dict[str, Any]:
        stats = SQLiteBackend(tmp_path / name).replace_all(items, metadata=METADATA, review=built.review, identity=built.identity)
        assert stats.listings == len(built.listings)
        return _contents(tmp_path / name)

    with multiprocessing.get_context("spawn").Pool(1) as pool:  # a fresh interpreter: all it gets is pickled
        prepared = pool.apply(_prepare, (str(tmp_path / "unused.db"), METADATA, built.listings))
    assert all(type(p) is PreparedListing for p in prepared)
    assert [p.id for p in prepared] == [listing.id for listing in built.listings]
    direct = write("direct.db", built.listings)
    assert len(direct["listings"]) == len(built.listings) > 100
    assert write("prepared.db", prepared) == direct
    half = len(prepared) // 2
    assert write("mixed.db", [*prepared[:half], *built.listings[half:]]) == direct


def test_a_prepared_listing_is_written_as_prepared(built: BuiltIndex, tmp_path: Path) -> None:
    backend = SQLiteBackend(tmp_path / "index.db")
    first = backend.prepare(built.listings[0], TODAY)
    assert first == backend.preparer(METADATA).prepare(built.listings[0])
    renamed = first._replace(doc=built.listings[0].model_copy(update={"name": "Prepared Elsewhere"}).model_dump_json())
    backend.replace_all([renamed, *built.listings[1:]], metadata=METADATA)
    assert backend.get(first.id).name == "Prepared Elsewhere"  # type: ignore[union-attr]
    # The build day is part of what is prepared: a later day's row has licences and certifications lapsed.
    later = [backend.prepare(listing, date(2100, 1, 1)).columns for listing in built.listings]
    assert later != [backend.prepare(listing, TODAY).columns for listing in built.listings]


def test_merged_listings_are_what_validating_their_values_gives(tmp_path: Path) -> None:
    write_raw(tmp_path, 200)
    plan = plan_listings(tmp_path, TODAY)
    checked = 0
    for i in plan.order:
        group = plan.sources.spool.get_many(plan.people[i])
        merged = merge(group, TODAY, plan.ids[i])
        validated = Listing(**{name: getattr(merged, name) for name in merged.model_fields_set})
        assert merged.model_dump_json() == validated.model_dump_json()
        assert merged.model_fields_set == validated.model_fields_set
        for name in Listing.model_fields:
            assert type(getattr(merged, name)) is type(getattr(validated, name)), name
        assert merged.sources == validated.sources and type(merged.sources[0].kind) is type(validated.sources[0].kind)
        state = licence_state(merged)
        assert state == Listing.model_construct(id=merged.id, name=merged.name, licenses=merged.licenses)
        assert state.model_fields_set == {"id", "name", "licenses"}
        state.credentials.append("fresh defaults")
        assert licence_state(merged).credentials == []
        checked += 1
    assert checked > 50


def _patched_contents(db: Path) -> dict[str, Any]:
    """`_contents` with the listing rows by id (a patched file's rowids differ) and the planner's stats."""
    conn = sqlite3.connect(db)
    try:
        return _contents(db) | {
            "listings": conn.execute("SELECT id, name_key, doc FROM listings ORDER BY id").fetchall(),
            "stats": conn.execute("SELECT * FROM sqlite_stat1 ORDER BY 1, 2").fetchall(),
        }
    finally:
        conn.close()


def _changed(identity: IdentityMap, gone: str, carried: IdentityMap | None) -> IdentityMap:
    """The map with a record forgotten (unless the records are `carried` over from that stored
    map, as a build carries them), another moved, an id absorbed and one minted."""
    keys = sorted(identity.records)
    records: Mapping[str, str] = {k: v for k, v in identity.records.items() if k != keys[0]}
    records[keys[1]] = "t_minted000000"  # type: ignore[index]
    first_build = {k: v for k, v in identity.first_build.items() if k != gone} | {"t_minted000000": 2}
    first_seen = {k: v for k, v in identity.first_seen.items() if k != gone} | {"t_minted000000": TODAY.isoformat()}
    redirects = {**identity.redirects, gone: Redirect("t_minted000000", "merged", TODAY.isoformat())}
    if carried is not None:
        records = CarriedRecords(carried.records, {keys[1]: "t_minted000000"}, redirects)
    return replace(identity, build=2, records=records, first_build=first_build, first_seen=first_seen, redirects=redirects)


@pytest.mark.parametrize("identity_read", ["not read", "read", "carried"])
def test_a_patch_writes_what_a_full_write_writes(
    built: BuiltIndex, tmp_path: Path, identity_read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    stored = patched.identity() if identity_read != "not read" else None
    if stored is not None:
        assert stored.records == built.identity.records
    new_identity = _changed(built.identity, dropped[0], stored if identity_read == "carried" else None)
    if identity_read == "carried":  # the records of the absorbed id move to the one that absorbed it
        assert new_identity.records[next(k for k, v in built.identity.records.items() if v == dropped[0])] == "t_minted000000"
    meta = METADATA | {"generation": "2"}
    carried: list[object] = []  # the carried records are written as what changed, not read whole
    monkeypatch.setattr(sqlite_backend, "_write_carried", lambda conn, records: carried.append(write_carried(conn, records)))
    stats = patched.patch([edited, *held_back], dropped, metadata=meta, review=built.review[1:], identity=new_identity)

    wanted: list[Listing] = sorted([edited, *(x for x in listings if x.id not in {*dropped, edited.id})], key=lambda listing: listing.id)
    full = SQLiteBackend(tmp_path / "full.db")
    full.replace_all(wanted, metadata=meta, review=built.review[1:], identity=new_identity)
    assert stats.listings == len(wanted)
    assert len(carried) == (identity_read == "carried")
    assert _patched_contents(tmp_path / "patched.db") == _patched_contents(tmp_path / "full.db")
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
