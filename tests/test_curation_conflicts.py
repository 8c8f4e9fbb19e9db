"""Facts a listing's sources disagree on reach the review queue, through the real indexer, the
real app and the curation store (SQLite and PostgreSQL): a board row and the therapist's own page
give two different practice phones for one licensed person."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from directory.backends.sqlite import SQLiteBackend
from directory.curation.overrides import OverrideKind
from directory.curation.store import CurationStore, default_url
from indexer.build import run_index
from search_api.app import create_app
from tests.conftest import TODAY
from tests.curation_fixtures import STORES
from tests.test_identity import board_row, page, person, write_raw


def _two_phones(raw: Path, board_phone: str = "512-555-0101") -> Path:
    return write_raw(
        raw,
        {
            "tx_board": [board_row(2, "MT100001", "Dana", "Okafor", phone=board_phone, postal_code="78704")],
            "sites": [page("https://okafor.example/", person("Dana Okafor", phone="512-555-0199", license_number="MT100001"))],
        },
    )


@STORES
def test_sources_disagreeing_on_a_phone_queue_a_conflict_whose_accepted_value_holds_across_rebuilds(
    tmp_path: Path, vocab, store: CurationStore
) -> None:
    raw, backend = _two_phones(tmp_path / "raw"), SQLiteBackend(tmp_path / "index.db", vocab)
    run_index(raw, backend, today=TODAY, curation=store)
    (listing_id,) = backend.all_ids()
    _, token = store.create_user("curator", "editor", "test")
    client, auth = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY, curation=store)), {"Authorization": f"Bearer {token}"}

    (item,) = client.get("/admin/review", headers=auth, params={"kind": "conflict"}).json()
    assert item["listing_ids"] == [listing_id] and item["detail"]["field"] == "phone"
    by_source = {tuple(v["sources"]): v["value"] for v in item["detail"]["values"]}
    assert set(by_source) == {("tx_board",), ("sites",)}
    board, site = by_source[("tx_board",)], by_source[("sites",)]
    assert board.replace("-", "").endswith("5125550101") and site.replace("-", "").endswith("5125550199"), by_source
    shown = client.get(f"/therapists/{listing_id}").json()
    assert item["detail"]["shown"] == site and site in str(shown)  # the merge prefers the practice page
    assert sorted(item["record_keys"]) == sorted(k for k, lid in backend.identity().records.items() if lid == listing_id)

    wrong = client.post(f"/admin/review/{item['id']}/resolve", headers=auth, json={"action": "accept", "reason": "x", "value": "1"})
    assert wrong.status_code == 422 and "value" in wrong.text
    done = client.post(
        f"/admin/review/{item['id']}/resolve", headers=auth, json={"action": "accept", "value": board, "reason": "called the board number"}
    )
    assert done.status_code == 200, done.text
    (override,) = done.json()["overrides"]
    assert override["kind"] == OverrideKind.correct and override["payload"]["field"] == "phone" and override["payload"]["value"] == board
    assert board in str(client.get(f"/therapists/{listing_id}").json())  # at once, before a rebuild

    for _ in range(2):  # a re-crawl of the same data: the item is found again, still resolved, the value kept
        run_index(raw, backend, today=TODAY, curation=store)
        assert client.get("/admin/review", headers=auth, params={"kind": "conflict", "status": "open"}).json() == []
        (again,) = client.get("/admin/review", headers=auth, params={"kind": "conflict", "status": "resolved"}).json()
        assert again["id"] == item["id"] and again["current"] and again["resolution"] == "accept"
        rebuilt = backend.get(listing_id)
        assert rebuilt is not None and rebuilt.phone == board
        assert [(c.field, c.published, c.corrected) for c in rebuilt.corrections] == [("phone", site, board)]

    # The board's number changes: a new disagreement, a new open item; the old one is no longer current.
    _two_phones(raw, board_phone="512-555-0177")
    run_index(raw, backend, today=TODAY, curation=store)
    (fresh,) = client.get("/admin/review", headers=auth, params={"kind": "conflict", "status": "open"}).json()
    assert fresh["id"] != item["id"] and fresh["current"]
    dismissed = client.post(f"/admin/review/{fresh['id']}/resolve", headers=auth, json={"action": "reject", "reason": "page is right"})
    assert dismissed.status_code == 200 and dismissed.json()["overrides"] == []
    assert [e.action for e in store.audit_log()[:1]] == ["resolve_review"]


def test_sources_that_agree_queue_no_conflict(tmp_path: Path, vocab) -> None:
    raw = write_raw(
        tmp_path / "raw",
        {
            "tx_board": [
                board_row(2, "MT100001", "Dana", "Okafor", phone="(512) 555-0142", postal_code="78704"),
            ],
            "sites": [page("https://okafor.example/", person("Dana Okafor", phone="512-555-0142", license_number="MT100001"))],
        },
    )
    backend = SQLiteBackend(tmp_path / "index.db", vocab)
    store = CurationStore(default_url(tmp_path / "index.db"))
    run_index(raw, backend, today=TODAY, curation=store)
    (dana,) = backend.all_ids()
    assert {s.source for s in backend.get(dana).sources} == {"tx_board", "sites"}  # type: ignore[union-attr]  # merged
    assert store.review(kind="conflict") == []


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_a_conflict_is_decided_from_the_review_page_by_picking_a_value(tmp_path: Path, vocab) -> None:
    raw, backend = _two_phones(tmp_path / "raw"), SQLiteBackend(tmp_path / "index.db", vocab)
    store = CurationStore(default_url(tmp_path / "index.db"))
    run_index(raw, backend, today=TODAY, curation=store)
    (listing_id,) = backend.all_ids()
    _, token = store.create_user("alice", "editor", "test")
    client = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY, curation=store), base_url="http://127.0.0.1")
    signed = client.post("/manage/sign-in", data={"csrf_token": _csrf(client, "/manage/sign-in"), "token": token, "next": "/manage"})
    assert signed.status_code == 200

    (item,) = store.review(kind="conflict")
    queue = client.get("/manage").text
    board = next(v for v in item.detail["values"] if v["sources"] == ["tx_board"])
    position = item.detail["values"].index(board)
    assert f'value="accept:{position}">keep {board["value"]} (tx_board)' in queue
    csrf = _csrf(client, "/manage")
    bad = client.post(f"/manage/review/{item.id}/resolve", data={"csrf_token": csrf, "action": "accept:9", "reason": "x"})
    assert bad.status_code == 422 and store.review_item(item.id).status == "open"
    done = client.post(f"/manage/review/{item.id}/resolve", data={"csrf_token": csrf, "action": f"accept:{position}", "reason": "board"})
    assert done.status_code == 200 and "Review item resolved." in done.text
    assert client.get(f"/therapists/{listing_id}").json()["phone"] == board["value"]
