"""Admins' decisions through the real indexer: SQLite index files rebuilt from raw JSONL, the real
app over them, the curation store on SQLite and on PostgreSQL. Decisions made through the API must
hold across rebuilds, and the review queue must fill from what the builds found."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient

from directory.backends.sqlite import SQLiteBackend
from directory.curation.overrides import OverrideKind
from directory.curation.store import CurationStore
from indexer.build import IndexReport, run_index
from search_api.app import create_app
from tests.conftest import TODAY
from tests.curation_fixtures import STORES
from tests.test_identity import BOARD, board_row, page, person, write_raw


def build(raw: Path, backend: SQLiteBackend, store: CurationStore) -> IndexReport:
    return run_index(raw, backend, today=TODAY, curation=store)


def admin_client(backend: SQLiteBackend, store: CurationStore, vocab) -> tuple[TestClient, dict[str, str]]:
    _, token = store.create_user("curator", "editor", "test")
    client = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY, curation=store))
    return client, {"Authorization": f"Bearer {token}"}


def keys_by_listing(backend: SQLiteBackend) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, lid in backend.identity().records.items():
        out.setdefault(lid, []).append(key)
    return {lid: sorted(keys) for lid, keys in out.items() if lid in backend.all_ids()}


@STORES
def test_merge_then_split_restores_the_original_listings_and_ids(tmp_path: Path, vocab, store: CurationStore) -> None:
    raw, backend = write_raw(tmp_path / "raw", {"tx_board": BOARD}), SQLiteBackend(tmp_path / "index.db", vocab)
    build(raw, backend, store)
    original = {lid: backend.get(lid) for lid in backend.all_ids()}
    records = keys_by_listing(backend)
    assert len(original) == 2
    client, auth = admin_client(backend, store, vocab)

    merged = client.post("/admin/merges", headers=auth, json={"listing_ids": sorted(original), "reason": "same person (test)"})
    assert merged.status_code == 201, merged.text
    survivor = merged.json()["listing_id"]
    (absorbed,) = set(original) - {survivor}
    moved = client.get(f"/therapists/{absorbed}", follow_redirects=False)  # at once, before any rebuild
    assert moved.status_code == 301 and moved.headers["location"] == f"/therapists/{survivor}"
    assert absorbed not in [r["id"] for r in client.get("/search", params={"license_status": "any"}).json()["results"]]

    build(raw, backend, store)
    assert backend.all_ids() == [survivor]
    one = backend.get(survivor)
    assert one is not None and {lic.number for lic in one.licenses} == {lic.number for x in original.values() for lic in x.licenses}  # type: ignore[union-attr]
    assert client.get(f"/therapists/{absorbed}", follow_redirects=False).status_code == 301
    build(raw, backend, store)  # a re-crawl of the same data keeps the merge
    assert backend.all_ids() == [survivor]

    listed = client.get(f"/admin/listings/{survivor}", headers=auth).json()
    assert listed["record_keys"] == sorted(k for ks in records.values() for k in ks)
    split = client.post(
        f"/admin/listings/{survivor}/split",
        headers=auth,
        json={"groups": [records[survivor], records[absorbed]], "reason": "two people after all"},
    )
    assert split.status_code == 201, split.text
    build(raw, backend, store)
    assert sorted(backend.all_ids()) == sorted(original)
    for lid, listing in original.items():
        assert backend.get(lid) == listing, lid  # the same listing, field for field, under its old id
    assert client.get(f"/therapists/{absorbed}", follow_redirects=False).status_code == 200
    build(raw, backend, store)  # and the split holds: the linker may not join them again
    assert sorted(backend.all_ids()) == sorted(original)

    # The split retired the merge it undid; each step is in the audit log with before and after.
    assert [o.kind for o in store.overrides()] == [OverrideKind.keep_apart]
    actions = [(e.action, e.before is not None, e.after is not None) for e in reversed(store.audit_log())]
    assert actions[-3:] == [("override_merge", True, True), ("retire_override", True, True), ("override_split", True, True)]


def _doubtful_crawl(expires: str = "12/31/2027") -> dict[str, list]:
    """Two licensed David Nguyens in one ZIP and a practice page that fits either; one broken line."""
    return {
        "tx_board": [
            board_row(2, "MT400001", "David", "Nguyen", phone="512-555-0101", postal_code="78704", expires=expires),
            board_row(3, "MT400002", "David", "Nguyen", phone="512-555-0102", postal_code="78704"),
        ],
        "sites": [page("https://dnguyen.example/", person("David Nguyen", phone="512-555-0199", postal_code="78704"))],
    }


def _write(raw: Path, malformed: bool, **kwargs: str) -> Path:
    write_raw(raw, _doubtful_crawl(**kwargs))
    if malformed:
        with open(raw / "sites.jsonl", "a", encoding="utf-8") as fh:
            fh.write('{"record_type": "profile_page", "truncated\n')
    return raw


@STORES
def test_the_review_queue_fills_from_a_build_and_a_resolved_pair_stays_resolved(tmp_path: Path, vocab, store: CurationStore) -> None:
    raw, backend = _write(tmp_path / "raw", malformed=True), SQLiteBackend(tmp_path / "index.db", vocab)
    report = build(raw, backend, store)
    assert report.review_pairs == 2 and report.quarantined == 1
    client, auth = admin_client(backend, store, vocab)
    queue = client.get("/admin/review", headers=auth).json()
    pairs = [q for q in queue if q["kind"] == "pair"]
    site = "sites:page:https://dnguyen.example/#david-nguyen"
    assert sorted(sorted(q["record_keys"]) for q in pairs) == [[site, "tx_board:lic:TX:400001"], [site, "tx_board:lic:TX:400002"]]
    (quarantined,) = [q for q in queue if q["kind"] == "quarantine"]
    assert quarantined["detail"]["file"] == "sites.jsonl" and "truncated" in quarantined["detail"]["raw"]

    # The board now says licence MT400001 lapsed: the listing leaves default search, and the change is queued.
    _write(raw, malformed=True, expires="11/01/2026")
    build(raw, backend, store)
    changes = client.get("/admin/review", headers=auth, params={"kind": "status_change"}).json()
    assert [(c["detail"]["license"], c["detail"]["before"], c["detail"]["after"]) for c in changes] == [
        ("TX:MT400001", "active", "expired")
    ]
    lapsed = changes[0]["listing_ids"][0]
    shown = [r["id"] for r in client.get("/search", params={"near": "78704"}).json()["results"]]
    assert lapsed not in shown and len(shown) == 1  # the other Nguyen stays (the page alone holds no licence)
    # The same quarantined line found again is the same item, not a second one.
    assert len(client.get("/admin/review", headers=auth, params={"kind": "quarantine"}).json()) == 1

    # An admin decides: the page is the MT400002 Nguyen's; it is not the MT400001 one's.
    to_second = next(q for q in pairs if "tx_board:lic:TX:400002" in q["record_keys"])
    to_first = next(q for q in pairs if "tx_board:lic:TX:400001" in q["record_keys"])
    assert (
        client.post(
            f"/admin/review/{to_second['id']}/resolve", headers=auth, json={"action": "accept", "reason": "same phone on call"}
        ).status_code
        == 200
    )
    rejected = client.post(f"/admin/review/{to_first['id']}/resolve", headers=auth, json={"action": "reject", "reason": "different person"})
    assert rejected.status_code == 200 and rejected.json()["item"]["status"] == "resolved"
    again = client.post(f"/admin/review/{to_first['id']}/resolve", headers=auth, json={"action": "accept", "reason": "changed my mind"})
    assert again.status_code == 409

    for _ in range(2):  # rebuilds keep both decisions
        build(raw, backend, store)
        groups = sorted(sorted(keys) for keys in keys_by_listing(backend).values())
        assert [site, "tx_board:lic:TX:400002"] in groups and ["tx_board:lic:TX:400001"] in groups
        assert client.get("/admin/review", headers=auth, params={"kind": "pair", "status": "open"}).json() == []
        decided = {
            q["id"]: q["resolution"]
            for q in client.get("/admin/review", headers=auth, params={"kind": "pair", "status": "resolved"}).json()
        }
        assert decided == {to_second["id"]: "accept", to_first["id"]: "reject"}
    assert json.loads(backend.metadata()["review_pairs"]) == 0


@STORES
def test_every_change_writes_an_audit_entry_with_before_and_after(tmp_path: Path, vocab, store: CurationStore) -> None:
    raw, backend = write_raw(tmp_path / "raw", {"tx_board": BOARD}), SQLiteBackend(tmp_path / "index.db", vocab)
    build(raw, backend, store)
    dana, lee = sorted(backend.all_ids())
    _, admin_token = store.create_user("boss", "admin", "test")
    client = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY, curation=store))
    auth = {"Authorization": f"Bearer {admin_token}"}
    done: set[tuple[str, str]] = set()

    def change(
        method: str, template: str, path: str, body: dict | None = None, params: dict | None = None, *, has_before: bool = True
    ) -> dict:
        before = len(store.audit_log())
        response = client.request(method, path, headers=auth, json=body, params=params)
        assert response.status_code in (200, 201), (path, response.text)
        entries = store.audit_log()
        assert len(entries) > before, f"{method} {path} wrote no audit entry"
        latest = entries[0]
        assert latest.actor == "boss" and latest.after is not None and (latest.before is not None or not has_before), latest
        done.add((method, template))
        return response.json()

    made = change("POST", "/admin/users", "/admin/users", {"name": "helper", "role": "editor"}, has_before=False)
    change("POST", "/admin/users/{name}/tokens", "/admin/users/helper/tokens", {"days": 5}, has_before=False)
    change("POST", "/admin/tokens/{lookup}/revoke", f"/admin/tokens/{made['token'].split('_')[1]}/revoke", {"reason": "test"})
    change("POST", "/admin/listings/{listing_id}/hide", f"/admin/listings/{lee}/hide", {"reason": "test"})
    change("POST", "/admin/listings/{listing_id}/unhide", f"/admin/listings/{lee}/unhide", {"reason": "test"})
    fix = change(
        "POST",
        "/admin/listings/{listing_id}/corrections",
        f"/admin/listings/{dana}/corrections",
        {"field": "bio", "value": "Hi.", "reason": "t"},
    )
    change("POST", "/admin/overrides/{override_id}/retire", f"/admin/overrides/{fix['id']}/retire", {"reason": "test"})
    change(
        "POST",
        "/admin/listings/{listing_id}/terms",
        f"/admin/listings/{dana}/terms",
        {"action": "add", "kind": "condition", "term": "headache", "reason": "test"},
    )
    change(
        "POST",
        "/admin/listings/{listing_id}/license-verifications",
        f"/admin/listings/{dana}/license-verifications",
        {
            "state": "TX",
            "number": backend.get(dana).licenses[0].number,
            "evidence": "board phone line",
            "expires_on": "2027-06-30",
            "reason": "test",
        },  # type: ignore[union-attr]
    )
    keys = keys_by_listing(backend)
    survivor = change("POST", "/admin/merges", "/admin/merges", {"listing_ids": [dana, lee], "reason": "test"})["listing_id"]
    build(raw, backend, store)
    change(
        "POST",
        "/admin/listings/{listing_id}/split",
        f"/admin/listings/{survivor}/split",
        {"groups": [keys[dana], keys[lee]], "reason": "test"},
    )
    client.post(
        f"/therapists/{dana}/requests", json={"kind": "claim", "contact": {"name": "D", "email": "d@example.org"}, "evidence": "It is me."}
    )
    (item,) = client.get("/admin/review", headers=auth, params={"kind": "request"}).json()
    change("POST", "/admin/review/{item_id}/resolve", f"/admin/review/{item['id']}/resolve", {"action": "accept", "reason": "test"})
    change("DELETE", "/admin/requests/{request_id}", f"/admin/requests/{item['detail']['request']}", params={"reason": "asked to forget"})

    # Every route that changes something was exercised (enumerated from the OpenAPI document).
    changing = {
        (m.upper(), p)
        for p, ops in client.get("/openapi.json").json()["paths"].items()
        if p.startswith("/admin")
        for m in ops
        if m != "get"
    }
    assert changing == done

    # Filterable by listing, user and date; exportable as CSV with the same rows.
    mine = client.get("/admin/audit", headers=auth, params={"listing_id": dana}).json()
    assert mine and all(e["listing_id"] == dana for e in mine)
    assert {e["actor"] for e in client.get("/admin/audit", headers=auth, params={"actor": "test"}).json()} == {"test"}
    assert client.get("/admin/audit", headers=auth, params={"since": "2999-01-01"}).json() == []
    today_only = client.get("/admin/audit", headers=auth, params={"until": mine[0]["at"][:10], "since": mine[0]["at"][:10]}).json()
    assert len(today_only) == len(store.audit_log())
    exported = client.get("/admin/audit.csv", headers=auth, params={"listing_id": dana})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [int(r["id"]) for r in rows] == [e["id"] for e in mine]
    assert json.loads(rows[0]["after"]) == mine[0]["after"]
    assert client.get("/admin/audit", headers=auth, params={"since": "yesterday"}).json()["error"]["parameter"] == "since"


@STORES
def test_an_override_whose_listing_vanished_is_reported_not_lost(tmp_path: Path, vocab, store: CurationStore) -> None:
    raw, backend = write_raw(tmp_path / "raw", {"tx_board": BOARD}), SQLiteBackend(tmp_path / "index.db", vocab)
    build(raw, backend, store)
    lee = next(i for i in backend.all_ids() if backend.get(i).name.startswith("Lee"))  # type: ignore[union-attr]
    client, auth = admin_client(backend, store, vocab)
    fix = client.post(
        f"/admin/listings/{lee}/corrections", headers=auth, json={"field": "phone", "value": "+15125550111", "reason": "t"}
    ).json()
    write_raw(raw, {"tx_board": BOARD[:1]})  # the board dropped Lee
    report = build(raw, backend, store)
    assert report.orphaned_overrides == [fix["id"]] and backend.metadata()["orphaned_overrides"] == "1"
    assert [o["id"] for o in client.get("/admin/overrides", headers=auth, params={"orphaned": "true"}).json()] == [fix["id"]]
    write_raw(raw, {"tx_board": BOARD})  # back again: the correction applies again, no longer orphaned
    assert build(raw, backend, store).orphaned_overrides == []
    assert backend.get(lee).phone == "+15125550111"  # type: ignore[union-attr]
    assert client.get("/admin/overrides", headers=auth, params={"orphaned": "true"}).json() == []
