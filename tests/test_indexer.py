"""The indexer over real crawl output: idempotence, updates, retirement, suppression, staleness,
crash safety and the review queue."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from directory.backends.sqlite import SQLiteBackend
from directory.search_service import SearchParams, build_query
from indexer.build import build_listings, run_index
from tests.cli_helpers import ROOT, therapists
from tests.conftest import TODAY
from therapists.demo import write_demo_sources
from therapists.mirror import MirrorServer

LINKAGE_DIR = ROOT / "tests" / "data" / "linkage"


@pytest.fixture(scope="module")
def crawl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("crawl")
    with MirrorServer() as mirror:
        config = write_demo_sources(mirror.base_url, work / "sources.toml")
        result = therapists("crawl", "--config", str(config), "--out", str(work / "raw"))
        assert result.returncode == 0, result.stderr[-2000:]
    return work / "raw"


@pytest.fixture
def raw(crawl_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(crawl_dir, copy)
    return copy


def _docs(db: Path) -> dict[str, str]:
    backend = SQLiteBackend(db)
    return {i: backend.get(i).model_dump_json() for i in backend.all_ids()}  # type: ignore[union-attr]


def test_reindexing_the_same_raw_data_changes_nothing(raw: Path, tmp_path: Path, vocab) -> None:
    run_index(raw, SQLiteBackend(tmp_path / "a.db", vocab), today=TODAY)
    run_index(raw, SQLiteBackend(tmp_path / "b.db", vocab), today=TODAY)
    first, second = _docs(tmp_path / "a.db"), _docs(tmp_path / "b.db")
    assert first == second and len(first) == 76


def _rewrite(path: Path, keep) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows if keep(r)), encoding="utf-8")


def test_a_changed_record_updates_its_listing_and_a_vanished_one_is_retired(raw: Path, tmp_path: Path, vocab) -> None:
    db = tmp_path / "index.db"
    backend = SQLiteBackend(db, vocab)
    run_index(raw, backend, today=TODAY)
    before = {backend.get(i).name: backend.get(i) for i in backend.all_ids()}  # type: ignore[union-attr]
    jenny = before["Jenny Alvarez"]
    assert "profile_site" in {s.kind for s in jenny.sources} and "sciatica" in jenny.conditions

    # Jenny's practice pages vanish from the site; a TX board-only licensee leaves the board file.
    _rewrite(
        raw / "practice_sites.jsonl", lambda r: "jenny-alvarez" not in r["url"] and "barton-creek-therapeutic-massage/index" not in r["url"]
    )
    board_only = next(
        item for item in before.values() if {s.kind for s in item.sources} == {"license_csv"} and item.licenses[0].state == "TX"
    )
    _rewrite(raw / "tx_tdlr.jsonl", lambda r: r["data"]["license_number"] != board_only.licenses[0].number)
    # And the board renews someone's licence.
    lines = (raw / "tx_tdlr.jsonl").read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    renewed_number, row["data"]["expires_on"] = row["data"]["license_number"], "12312029"
    (raw / "tx_tdlr.jsonl").write_text("\n".join([json.dumps(row), *lines[1:]]) + "\n", encoding="utf-8")

    run_index(raw, backend, today=TODAY)
    after = {backend.get(i).name if backend.get(i) else None: backend.get(i) for i in backend.all_ids()}  # type: ignore[union-attr]
    jenny_after = backend.get(jenny.id)
    assert jenny_after is not None and jenny_after.id == jenny.id  # the same listing, same URL
    assert "profile_site" not in {s.kind for s in jenny_after.sources}
    assert "sciatica" not in jenny_after.conditions  # facts from the vanished page are gone
    assert backend.get(board_only.id) is None and board_only.name not in after
    renewed = [lic for i in backend.all_ids() for lic in backend.get(i).licenses if lic.number == renewed_number]  # type: ignore[union-attr]
    assert renewed[0].expires_on == date(2029, 12, 31)


def test_suppressed_therapists_stay_out_after_every_recrawl(raw: Path, tmp_path: Path, vocab) -> None:
    listings = build_listings(raw, TODAY, vocab).listings
    target = next(item for item in listings if item.npi)
    licensed = next(item for item in listings if item.licenses and item.id != target.id)
    suppressions = tmp_path / "suppress.toml"
    suppressions.write_text(
        f'[[suppress]]\nnpi = "{target.npi}"\nreason = "asked by email"\nrequested_on = 2026-10-01\n\n'
        f'[[suppress]]\nlicense = "{licensed.licenses[0].state}:{licensed.licenses[0].number}"\nreason = "asked"\n',
        encoding="utf-8",
    )
    db = tmp_path / "index.db"
    result = therapists("index", "--from", str(raw), "--db", str(db), "--suppressions", str(suppressions))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "2 suppressed" in result.stdout
    ids = set(SQLiteBackend(db).all_ids())
    assert target.id not in ids and licensed.id not in ids and len(ids) == len(listings) - 2


def test_a_bad_suppression_list_is_a_clear_error(raw: Path, tmp_path: Path) -> None:
    bad = tmp_path / "suppress.toml"
    bad.write_text('[[suppress]]\nreason = "no one named"\n', encoding="utf-8")
    result = therapists("index", "--from", str(raw), "--db", str(tmp_path / "x.db"), "--suppressions", str(bad))
    assert result.returncode == 1
    assert "entry 1: Value error, give npi" in result.stderr.strip().splitlines()[-1]


def test_listings_no_source_has_confirmed_lately_are_demoted_and_labelled(raw: Path, tmp_path: Path, vocab) -> None:
    db = tmp_path / "index.db"
    backend = SQLiteBackend(db, vocab)
    run_index(raw, backend, today=TODAY)
    fresh_query, _ = build_query(SearchParams(q="sciatica near Austin, TX"), vocab, TODAY)
    later = date.fromordinal(TODAY.toordinal() + 400)
    stale_query, _ = build_query(SearchParams(q="sciatica near Austin, TX", license_status="any"), vocab, later, stale_after_days=365)
    fresh, stale = backend.search(fresh_query), backend.search(stale_query)
    assert fresh.hits and stale.hits
    assert not any("Not confirmed" in w for h in fresh.hits for w in h.why)
    assert all(any(w.startswith("Not confirmed by any source since") for w in h.why) for h in stale.hits)
    by_id = {h.listing.id: h.score for h in fresh.hits}
    common = [h for h in stale.hits if h.listing.id in by_id]
    assert common and all(h.score < by_id[h.listing.id] for h in common)


def test_a_run_killed_mid_write_leaves_the_previous_index_serving(raw: Path, tmp_path: Path, vocab) -> None:
    db = tmp_path / "index.db"
    run_index(raw, SQLiteBackend(db, vocab), today=TODAY)
    served = _docs(db)
    killer = (
        "import os, signal, sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from directory.backends.sqlite import SQLiteBackend\n"
        "from indexer.build import build_listings\n"
        "built = build_listings(Path(sys.argv[1]), date(2026, 11, 23))\n"
        "def dying():\n"
        "    for n, listing in enumerate(built.listings):\n"
        "        if n == 30:\n"
        "            os.kill(os.getpid(), signal.SIGKILL)\n"
        "        yield listing\n"
        "SQLiteBackend(Path(sys.argv[2])).replace_all(dying())\n"
    )
    result = subprocess.run([sys.executable, "-c", killer, str(raw), str(db)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == -signal.SIGKILL
    assert any(p.name.startswith(".index.db.building-") for p in tmp_path.iterdir())  # it died half-way
    assert _docs(db) == served  # readers still get the complete previous index
    run_index(raw, SQLiteBackend(db, vocab), today=TODAY)  # and the next run cleans up after it
    assert not any(p.name.startswith(".index.db.building-") for p in tmp_path.iterdir())


def test_ambiguous_pairs_reach_the_review_queue(tmp_path: Path, vocab) -> None:
    raw = tmp_path / "linkage"
    shutil.copytree(LINKAGE_DIR, raw, ignore=shutil.ignore_patterns("truth.jsonl", "*.py", "*.md", "manifest.json"))
    backend = SQLiteBackend(tmp_path / "index.db", vocab)
    report = run_index(raw, backend, today=TODAY)
    queue = backend.review_queue()
    assert report.review_pairs == len(queue) > 0
    assert all(item.listing_a != item.listing_b and 0 < item.score for item in queue)
    assert {item.listing_a for item in queue} <= set(backend.all_ids())


def _board_row(row: int, data: dict, address_kind: str = "practice") -> dict:
    return {
        "record_type": "license_row",
        "source": "tx_board",
        "kind": "license_csv",
        "url": "https://board.example/licensees.csv",
        "fetched_at": "2026-11-20T10:00:00+00:00",
        "content_sha256": "x",
        "context": {"state": "TX", "date_format": "%m/%d/%Y", "address_kind": address_kind, "status_map": {"Current": "active"}},
        "data": {"row_number": row, "first_name": "Dana", "last_name": f"Okafor{row}", "city": "Austin", "state": "TX", **data},
    }


def test_values_that_do_not_parse_are_kept_as_published_and_flagged(tmp_path: Path, vocab) -> None:
    from fastapi.testclient import TestClient

    from search_api.app import create_app

    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [
        _board_row(
            1,
            {
                "license_number": "MT100001",
                "status": "Pending board review",
                "expires_on": "31/31/2027",
                "issued_on": "03/01/2015",
                "phone": "call the front desk",
                "postal_code": "787I1",
                "address": "1 Main St",
            },
        ),
        # A mailing address's bad values stay in the raw layer: not even flagged on the listing.
        _board_row(
            2,
            {
                "license_number": "MT100002",
                "status": "Current",
                "expires_on": "04/30/2027",
                "phone": "call me at home",
                "postal_code": "7870I",
            },
            address_kind="mailing",
        ),
    ]
    (raw / "tx_board.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    backend = SQLiteBackend(tmp_path / "index.db", vocab)
    report = run_index(raw, backend, today=TODAY)
    assert report.listings == 2
    listings = {backend.get(i).name: backend.get(i) for i in backend.all_ids()}  # type: ignore[union-attr]
    flagged = listings["Dana Okafor1"]
    assert {(u.field, u.raw, u.source) for u in flagged.unparsed} == {
        ("license_status", "Pending board review", "tx_board"),
        ("expires_on", "31/31/2027", "tx_board"),
        ("phone", "call the front desk", "tx_board"),
        ("postal_code", "787I1", "tx_board"),
    }
    assert flagged.licenses[0].status.value == "unknown" and not flagged.licenses[0].verified
    assert flagged.phone is None and flagged.licenses[0].issued_on == date(2015, 3, 1)
    assert listings["Dana Okafor2"].unparsed == []
    assert report.unparsed_values == {"expires_on": 1, "license_status": 1, "phone": 1, "postal_code": 1}
    client = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY))
    detail = client.get(f"/therapists/{flagged.id}").json()
    assert {"field": "phone", "raw": "call the front desk", "source": "tx_board"} in detail["unparsed"]
    assert "call me at home" not in json.dumps(client.get(f"/therapists/{listings['Dana Okafor2'].id}").json())
