"""Admins' decisions through the real indexer: SQLite index files rebuilt from raw JSONL, the real
app over them, the curation store on SQLite and on PostgreSQL. Decisions made through the API must
hold across rebuilds, and the review queue must fill from what the builds found."""

from __future__ import annotations

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
