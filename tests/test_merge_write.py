"""Merging without re-validation, and the SQLite write split in two: listings prepared in another
process (pickled there and back) write the same index file as the listings themselves."""

from __future__ import annotations

import io
import multiprocessing
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.synthetic_raw import write_raw
from directory.backends.sqlite import PreparedListing, SQLiteBackend
from directory.models import Listing
from indexer.build import BuiltIndex, build_listings, plan_listings
from indexer.merge import licence_state, merge
from tests.conftest import TODAY

METADATA = {"built_for_date": TODAY.isoformat(), "generation": "1"}


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
