"""Incremental re-index: after a few raw lines change (edits, additions, removals, a record that
joins another person, one that splits off, a name change that alters how many licences a full
name holds, an admin's override or a suppression added between builds), the incremental build
gives exactly the index a full build gives, re-linking and re-merging only what the changes
touch; a run that dies leaves the previous index serving, and a changed fingerprint means a full build."""

from __future__ import annotations

import io
import json
import logging
import shutil
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.synthetic_raw import write_raw
from directory.backends.sqlite import SQLiteBackend
from directory.curation.overrides import Curation, Override, OverrideKind
from directory.presenter import present_listing
from directory.query import SearchQuery
from indexer.build import IndexReport, run_index
from indexer.incremental import run_incremental_index
from indexer.incremental_state import GRAPH_FILE, STATE_FILE
from indexer.suppress import SuppressionList
from tests.conftest import TODAY


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in _lines(path)]


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def change_one_percent(raw: Path) -> None:
    """Edits, additions, removals, a join and a split: about 1 % of the lines."""
    rows = _rows(raw / "board.jsonl")
    rows[10]["data"]["phone"] = "(212) 555-0100"  # an edit
    rows[20]["data"]["city"] = "Miami"  # an edit
    rows[50]["data"]["license_number"] = "MA999001"  # the other sources' records of this licence split off
    rows[50]["data"]["full_name"] = "ZYXWVUT, QUENTIN"
    joined = dict(rows[60], data=dict(rows[70]["data"], license_number=rows[60]["data"]["license_number"]))
    rows[60] = joined  # now names the person of line 70 with line 60's licence: its people become one or the review pair
    added = dict(rows[0], data=dict(rows[0]["data"], license_number="MA999002", full_name="NEWCOMER, ALICE", row_number="9999"))
    del rows[30]  # a removal
    rows.append(added)  # an addition
    _write(raw / "board.jsonl", rows)
    nppes = _lines(raw / "nppes.jsonl")
    del nppes[40]  # a removal
    (raw / "nppes.jsonl").write_text("".join(nppes), encoding="utf-8")


QUERIES = [
    SearchQuery(name_text="maria", limit=50, today=TODAY),
    SearchQuery(name_text="newcomer", limit=50, today=TODAY),
    SearchQuery(limit=100, today=TODAY, license_status="any"),
    SearchQuery(language="spanish", limit=100, today=TODAY),
]


def _index(backend: SQLiteBackend) -> dict:
    ids = backend.all_ids()
    presented = {i: present_listing(backend.get(i), backend.vocab, TODAY).model_dump(mode="json") for i in ids}  # type: ignore[arg-type]
    identity = backend.identity()
    meta = backend.metadata()
    return {
        "ids": ids,
        "presented": presented,
        "listings": {i: backend.get(i) for i in ids},
        "identity": (identity.build, identity.records, identity.redirects, identity.first_build, identity.first_seen),
        "review": backend.review_queue(),
        "search": [[(h.listing.id, h.score) for h in backend.search(q).hits] + [backend.search(q).total] for q in QUERIES],
        "columnar": _columnar(backend),
        "counts": {k: meta[k] for k in ("listings", "source_records", "quarantined", "suppressed", "review_pairs", "hidden")},
    }


def _columnar(backend: SQLiteBackend) -> dict:
    """The stored columnar index, array by array (a patched one must hold what a full build writes)."""
    with sqlite3.connect(backend.path) as conn:
        blob = conn.execute("SELECT data FROM columnar WHERE name = 'search'").fetchone()[0]
    data = np.load(io.BytesIO(blob), allow_pickle=False)
    return {
        name: json.loads(data[name].tobytes()) if name == "header" else (data[name].dtype.str, data[name].tobytes()) for name in data.files
    }


@dataclass
class Recorder:
    """A curation hook: the overrides given, and what each build told the store."""

    curation: Curation = field(default_factory=Curation)
    builds: list[tuple[Any, ...]] = field(default_factory=list)

    def snapshot(self) -> Curation:
        return self.curation

    def record_build(self, *found: Any) -> dict[str, int]:
        """Review pairs, quarantine, licence states, orphaned overrides, date, conflicts."""
        review, quarantine, listings, *rest = found
        self.builds.append((review, quarantine, [(x.id, x.name, x.licenses) for x in listings], *rest))
        return {}


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory, vocab) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("incremental")
    raw = base / "raw"
    write_raw(raw, 400)
    db = base / "index.db"
    run_incremental_index(raw, SQLiteBackend(db, vocab), today=TODAY)  # no state yet: a full build that stores it
    assert (raw / STATE_FILE).is_file() and (raw / GRAPH_FILE).is_file()
    return raw, db


@pytest.fixture
def copied(before: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    raw0, db0 = before
    shutil.copytree(raw0, tmp_path / "raw")
    shutil.copy(db0, tmp_path / "index.db")
    return tmp_path / "raw", tmp_path / "index.db"


def _both(
    raw: Path, db: Path, vocab, curation: Curation | None = None, suppressions: SuppressionList | None = None
) -> tuple[dict, dict, IndexReport, IndexReport, Recorder, Recorder]:
    """A full build and an incremental one of `raw`, each into a copy of the index `db`."""
    full_db, incr_db = db.with_name("full.db"), db.with_name("incr.db")
    shutil.copy(db, full_db)
    shutil.copy(db, incr_db)
    full_hook, incr_hook = Recorder(curation or Curation()), Recorder(curation or Curation())
    full = run_index(raw, SQLiteBackend(full_db, vocab), today=TODAY, suppressions=suppressions, curation=full_hook)
    incr = run_incremental_index(raw, SQLiteBackend(incr_db, vocab), today=TODAY, suppressions=suppressions, curation=incr_hook)
    return _index(SQLiteBackend(full_db, vocab)), _index(SQLiteBackend(incr_db, vocab)), full, incr, full_hook, incr_hook


def _assert_same(full: dict, incr: dict, full_report: IndexReport, incr_report: IndexReport, hooks: tuple[Recorder, Recorder]) -> None:
    for part in full:
        assert incr[part] == full[part], part
    assert replace(incr_report, seconds={}, cpu_seconds={}) == replace(full_report, seconds={}, cpu_seconds={})
    assert incr_report.seconds.keys() == full_report.seconds.keys() == incr_report.cpu_seconds.keys()
    assert hooks[1].builds == hooks[0].builds


def test_incremental_reindex_equals_a_full_build(copied: tuple[Path, Path], vocab, caplog: pytest.LogCaptureFixture) -> None:
    raw, db = copied
    previous_ids = set(SQLiteBackend(db, vocab).all_ids())
    change_one_percent(raw)
    with caplog.at_level(logging.INFO, logger="indexer.incremental"):
        full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab)
    assert set(full["ids"]) != previous_ids  # the changes did change the directory
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
    assert full_report.ids["split"] + full_report.ids["minted"] > 0
    (message,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("incremental:")]
    assert "(a full build)" not in message
    re_merged = int(message.split(" re-linked, ")[1].split(" ")[0])
    assert 0 < re_merged < len(full["ids"]) / 10  # only what the changes touched


def test_a_name_change_that_alters_a_names_licence_count(copied: tuple[Path, Path], vocab) -> None:
    raw, db = copied
    rows = _rows(raw / "board.jsonl")
    # Line 5's person takes line 6's full name: that name now holds two licences, its old one fewer.
    rows[5]["data"]["full_name"] = rows[6]["data"]["full_name"]
    rows[8]["data"]["full_name"] = rows[9]["data"]["full_name"]
    rows[8]["data"]["phone"] = rows[9]["data"].get("phone")
    _write(raw / "board.jsonl", rows)
    full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab)
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]


def test_overrides_and_suppressions_added_between_builds(copied: tuple[Path, Path], vocab) -> None:
    raw, db = copied
    ids = SQLiteBackend(db, vocab).all_ids()
    listing = SQLiteBackend(db, vocab).get(ids[3])
    assert listing is not None
    at = "2026-11-20T10:00:00+00:00"
    curation = Curation(
        [
            Override(id=1, kind=OverrideKind.correct, listing_id=ids[3], record_keys=[], payload={"field": "phone", "value": "(617) 555-0199"},
                     reason="asked", created_by="admin", created_at=at),
            Override(id=2, kind=OverrideKind.hide, listing_id=ids[5], record_keys=[], payload={}, reason="asked", created_by="admin", created_at=at),
            Override(id=3, kind=OverrideKind.correct, listing_id="t_000000000000", record_keys=[], payload={"field": "bio", "value": "x"},
                     reason="gone", created_by="admin", created_at=at),
        ]
    )  # fmt: skip
    suppressed = SQLiteBackend(db, vocab).get(ids[7])
    assert suppressed is not None and suppressed.npi
    suppressions = SuppressionList({suppressed.npi}, set(), set())
    full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab, curation, suppressions)
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
    assert full_report.hidden == 1 and full_report.suppressed == 1 and full_report.orphaned_overrides == [3]
    assert incr["listings"][ids[3]].phone == "(617) 555-0199"
    assert ids[5] not in incr["ids"] and ids[7] not in incr["ids"]


def test_overrides_and_suppressions_withdrawn_again(copied: tuple[Path, Path], vocab, caplog: pytest.LogCaptureFixture) -> None:
    """The listings a previous incremental build hid, suppressed or corrected come back as a full
    build gives them once the admins withdraw those decisions (the state remembers which they were)."""
    raw, db = copied
    ids = SQLiteBackend(db, vocab).all_ids()
    at = "2026-11-20T10:00:00+00:00"
    curation = Curation(
        [
            Override(id=1, kind=OverrideKind.correct, listing_id=ids[3], record_keys=[], payload={"field": "phone", "value": "(617) 555-0199"},
                     reason="asked", created_by="admin", created_at=at),
            Override(id=2, kind=OverrideKind.hide, listing_id=ids[5], record_keys=[], payload={}, reason="asked", created_by="admin", created_at=at),
        ]
    )  # fmt: skip
    suppressed = SQLiteBackend(db, vocab).get(ids[7])
    assert suppressed is not None and suppressed.npi
    full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab, curation, SuppressionList({suppressed.npi}, set(), set()))
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
    assert ids[5] not in incr["ids"] and ids[7] not in incr["ids"]
    shutil.copy(db.with_name("incr.db"), db)  # the index the state now describes serves
    with caplog.at_level(logging.INFO, logger="indexer"):
        full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab)
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
    assert not [r for r in caplog.records if "a full build" in r.getMessage()]
    assert ids[5] in incr["ids"] and ids[7] in incr["ids"] and incr["listings"][ids[3]].phone != "(617) 555-0199"


def test_a_crashed_incremental_run_leaves_the_previous_index_serving(
    copied: tuple[Path, Path], vocab, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    raw, db = copied
    served = _index(SQLiteBackend(db, vocab))
    state_bytes = [(raw / name).read_bytes() for name in (STATE_FILE, GRAPH_FILE)]
    change_one_percent(raw)
    written = 0

    def dying(self: SQLiteBackend, conn, listing) -> None:  # type: ignore[no-untyped-def]
        nonlocal written
        written += 1
        if written > 2:
            raise RuntimeError("killed mid-write")
        original(self, conn, listing)

    original = SQLiteBackend._insert
    monkeypatch.setattr(SQLiteBackend, "_insert", dying)
    with pytest.raises(RuntimeError, match="killed mid-write"):
        run_incremental_index(raw, SQLiteBackend(db, vocab), today=TODAY)
    monkeypatch.undo()
    assert written == 3  # it died in the partial write
    assert _index(SQLiteBackend(db, vocab)) == served
    assert [(raw / name).read_bytes() for name in (STATE_FILE, GRAPH_FILE)] == state_bytes  # it still describes the index that serves
    assert not list(db.parent.glob(".index.db.building-*"))
    # The next run still re-indexes incrementally, to what a full build gives.
    with caplog.at_level(logging.INFO, logger="indexer.incremental"):
        full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab)
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
    assert not [r for r in caplog.records if "a full build" in r.getMessage()]


def test_a_changed_fingerprint_or_another_index_means_a_full_build(
    copied: tuple[Path, Path], vocab, caplog: pytest.LogCaptureFixture
) -> None:
    raw, db = copied
    run_index(raw, SQLiteBackend(db, vocab), today=TODAY)  # a plain build: the state no longer describes the index
    change_one_percent(raw)
    with caplog.at_level(logging.INFO, logger="indexer"):
        full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab)
    assert any("describes another index" in r.getMessage() for r in caplog.records)
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="indexer"):
        run_incremental_index(raw, SQLiteBackend(db.with_name("incr.db"), vocab), today=date(TODAY.year + 1, 1, 5))
    assert any("for another date" in r.getMessage() for r in caplog.records)
    caplog.clear()
    graph = raw / GRAPH_FILE
    graph.write_bytes(graph.read_bytes()[:-100])  # a graph written half-way
    with caplog.at_level(logging.INFO, logger="indexer"):
        run_incremental_index(raw, SQLiteBackend(db.with_name("incr.db"), vocab), today=TODAY)
    assert any("unreadable" in r.getMessage() for r in caplog.records)


def test_an_unchanged_crawl_rewrites_nothing(copied: tuple[Path, Path], vocab, caplog: pytest.LogCaptureFixture) -> None:
    raw, db = copied
    served = _index(SQLiteBackend(db, vocab))
    with caplog.at_level(logging.INFO, logger="indexer.incremental"):
        run_incremental_index(raw, SQLiteBackend(db, vocab), today=TODAY)
    (message,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("incremental:")]
    assert message.startswith("incremental: 0 lines extracted, 0 records dirty, 0 re-linked, 0 listings re-merged, 0 dropped")
    again = _index(SQLiteBackend(db, vocab))
    assert again["presented"] == served["presented"] and again["review"] == served["review"] and again["search"] == served["search"]


def test_identical_lines_added_and_removed(copied: tuple[Path, Path], vocab) -> None:
    raw, db = copied
    board = _lines(raw / "board.jsonl")
    (raw / "board.jsonl").write_text("".join([*board, board[12], board[12]]), encoding="utf-8")  # the same line three times
    (raw / "sites.jsonl").write_text("".join([*_lines(raw / "sites.jsonl"), board[12]]), encoding="utf-8")  # and in another file
    full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab)
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
    shutil.copy(db.with_name("incr.db"), db)
    (raw / "board.jsonl").write_text("".join([*board, board[12]]), encoding="utf-8")  # one copy goes again
    full, incr, full_report, incr_report, *hooks = _both(raw, db, vocab)
    _assert_same(full, incr, full_report, incr_report, tuple(hooks))  # type: ignore[arg-type]
