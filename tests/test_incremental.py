"""Incremental re-index: after about 1 % of the raw lines change (edits, additions, removals, a
record that joins another person, one that splits off), the incremental build gives exactly the
index a full build gives, and a run that dies leaves the previous index serving."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.synthetic_raw import write_raw
from directory.backends.sqlite import SQLiteBackend
from directory.presenter import present_listing
from indexer.build import run_index
from indexer.incremental import STATE_FILE, ExtractionState
from tests.conftest import TODAY


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def change_one_percent(raw: Path) -> None:
    """Edits, additions, removals, a join and a split: about 1 % of the lines."""
    board = _lines(raw / "board.jsonl")
    rows = [json.loads(line) for line in board]
    rows[10]["data"]["phone"] = "(212) 555-0100"  # an edit
    rows[20]["data"]["city"] = "Miami"  # an edit
    rows[50]["data"]["license_number"] = "MA999001"  # the other sources' records of this licence split off
    rows[50]["data"]["full_name"] = "ZYXWVUT, QUENTIN"
    joined = dict(rows[60], data=dict(rows[70]["data"], license_number=rows[60]["data"]["license_number"]))
    rows[60] = joined  # now names the person of line 70 with line 60's licence: its people become one or the review pair
    added = dict(rows[0], data=dict(rows[0]["data"], license_number="MA999002", full_name="NEWCOMER, ALICE", row_number="9999"))
    del rows[30]  # a removal
    rows.append(added)  # an addition
    (raw / "board.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    nppes = _lines(raw / "nppes.jsonl")
    del nppes[40]  # a removal
    (raw / "nppes.jsonl").write_text("".join(nppes), encoding="utf-8")


def _index(backend: SQLiteBackend) -> dict:
    ids = backend.all_ids()
    presented = {i: present_listing(backend.get(i), backend.vocab, TODAY).model_dump(mode="json") for i in ids}  # type: ignore[arg-type]
    identity = backend.identity()
    return {
        "ids": ids,
        "presented": presented,
        "listings": {i: backend.get(i) for i in ids},
        "identity": (identity.build, identity.records, identity.redirects, identity.first_build, identity.first_seen),
        "review": sorted(backend.review_queue(), key=lambda r: (r.record_a, r.record_b)),
    }


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory, vocab) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("incremental")
    raw = base / "raw"
    write_raw(raw, 400)
    db = base / "index.db"
    run_index(raw, SQLiteBackend(db, vocab), today=TODAY, incremental=True)  # no state yet: a full build that stores it
    assert (raw / STATE_FILE).is_file()
    return raw, db


def test_incremental_reindex_equals_a_full_build(before: tuple[Path, Path], tmp_path: Path, vocab) -> None:
    raw0, db0 = before
    raw = tmp_path / "raw"
    shutil.copytree(raw0, raw)
    change_one_percent(raw)
    full_db, incr_db = tmp_path / "full.db", tmp_path / "incr.db"
    shutil.copy(db0, full_db)
    shutil.copy(db0, incr_db)
    previous_ids = set(SQLiteBackend(db0, vocab).all_ids())

    run_index(raw, SQLiteBackend(full_db, vocab), today=TODAY)
    state = ExtractionState.load(raw, TODAY)
    assert len(state.lines) > 900  # so the 7 lines changed are about 1 %
    report = run_index(raw, SQLiteBackend(incr_db, vocab), today=TODAY, incremental=True)
    reloaded = ExtractionState.load(raw, TODAY)

    full, incr = _index(SQLiteBackend(full_db, vocab)), _index(SQLiteBackend(incr_db, vocab))
    assert set(full["ids"]) != previous_ids  # the changes did change the directory
    assert incr["ids"] == full["ids"]
    assert incr["presented"] == full["presented"]
    assert incr["listings"] == full["listings"]
    assert incr["identity"] == full["identity"]
    assert incr["review"] == full["review"]
    assert report.listings == len(full["ids"])
    # Only the changed and added lines were extracted; the removed ones left the state.
    assert len(reloaded.lines) == len(state.lines) - 5 + 4


def test_a_changed_date_or_vocabulary_means_a_full_extraction(before: tuple[Path, Path]) -> None:
    raw, _ = before
    assert ExtractionState.load(raw, TODAY).lines
    assert not ExtractionState.load(raw, TODAY.replace(year=TODAY.year + 1)).lines


def test_a_crashed_incremental_run_leaves_the_previous_index_serving(
    before: tuple[Path, Path], tmp_path: Path, vocab, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw0, db0 = before
    raw = tmp_path / "raw"
    shutil.copytree(raw0, raw)
    db = tmp_path / "index.db"
    shutil.copy(db0, db)
    served = _index(SQLiteBackend(db, vocab))
    state_bytes = (raw / STATE_FILE).read_bytes()
    change_one_percent(raw)
    written = 0

    def dying(self: SQLiteBackend, conn, listing) -> None:  # type: ignore[no-untyped-def]
        nonlocal written
        written += 1
        if written > 50:
            raise RuntimeError("killed mid-write")
        original(self, conn, listing)

    original = SQLiteBackend._insert
    monkeypatch.setattr(SQLiteBackend, "_insert", dying)
    with pytest.raises(RuntimeError, match="killed mid-write"):
        run_index(raw, SQLiteBackend(db, vocab), today=TODAY, incremental=True)
    monkeypatch.undo()
    assert _index(SQLiteBackend(db, vocab)) == served
    assert (raw / STATE_FILE).read_bytes() == state_bytes  # the state describes the index that serves
    assert not list(tmp_path.glob(".index.db.building-*"))


def test_an_unchanged_crawl_reuses_every_line(before: tuple[Path, Path], tmp_path: Path, vocab) -> None:
    raw0, db0 = before
    raw = tmp_path / "raw"
    shutil.copytree(raw0, raw)
    db = tmp_path / "index.db"
    shutil.copy(db0, db)
    served = _index(SQLiteBackend(db, vocab))
    state = ExtractionState.load(raw, TODAY)
    stored = (raw / STATE_FILE).stat().st_mtime_ns
    run_index(raw, SQLiteBackend(db, vocab), today=TODAY, incremental=True)
    assert (raw / STATE_FILE).stat().st_mtime_ns == stored  # nothing to store again
    again = _index(SQLiteBackend(db, vocab))
    assert again["presented"] == served["presented"] and again["review"] == served["review"]
    assert ExtractionState.load(raw, TODAY).lines.keys() == state.lines.keys()
