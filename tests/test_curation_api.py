"""The admin API's gate and the store behind it, on SQLite and on PostgreSQL.

The route test enumerates every /admin route from the app itself, so a route added later cannot
escape the token check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from directory.backends.memory import MemoryBackend
from directory.backends.sqlite import SQLiteBackend
from directory.curation import tables
from directory.curation.store import CurationStore
from directory.search_params import SearchParams
from directory.search_service import build_query
from search_api import admin_auth
from search_api.admin_auth import FailureLimiter
from search_api.app import create_app
from tests import factories
from tests.conftest import TODAY
from tests.curation_fixtures import STORES


@dataclass
class Tokens:
    admin: str
    editor: str
    expired: str
    revoked: str


@pytest.fixture
def app(store: CurationStore, vocab) -> FastAPI:
    backend = MemoryBackend(vocab)
    backend.replace_all(factories.population())
    return create_app(backend=backend, vocab=vocab, today=TODAY, curation=store)


@pytest.fixture
def tokens(store: CurationStore) -> Tokens:
    _, admin = store.create_user("root-admin", "admin", "test")
    _, editor = store.create_user("ed", "editor", "test")
    _, expired = store.create_user("old", "admin", "test")
    with store.engine.begin() as conn:
        conn.execute(
            update(tables.tokens).where(tables.tokens.c.lookup == expired.split("_")[1]).values(expires_at="2020-01-01T00:00:00+00:00")
        )
    _, revoked = store.create_user("gone", "admin", "test")
    store.revoke_token(revoked.split("_")[1], "test", "left")
    return Tokens(admin, editor, expired, revoked)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _calls(dependant: Dependant) -> Iterator[object]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def admin_routes(app: FastAPI) -> list[tuple[str, str, bool]]:
    """(method, path with its parameters filled, admin-only) for every route under /admin."""
    found = []
    for route in iter_route_contexts(app.routes):  # routers included in the app, flattened
        if route.path and route.path.startswith("/admin"):
            path = re.sub(r"\{[^}]*_id\}", "1", route.path)
            path = re.sub(r"\{[^}]*\}", "x", path)
            dependant = getattr(route, "dependant", None)
            admin_only = dependant is not None and admin_auth.admin in set(_calls(dependant))
            found += [(method, path, admin_only) for method in sorted(route.methods or ())]
    return found


def _refused(response, status: int, code: str) -> None:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    assert response.json() == {"error": {"code": code, "parameter": None, "reason": response.json()["error"]["reason"], "suggestions": []}}
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"


@STORES
def test_every_admin_route_refuses_missing_bad_expired_revoked_tokens_and_the_wrong_role(
    app: FastAPI, client: TestClient, tokens: Tokens
) -> None:
    app.state.auth_failures = FailureLimiter(allowed=10**6)  # this test fails on purpose, many times
    routes = admin_routes(app)
    assert len(routes) >= 18
    admin_only = {(m, p) for m, p, only in routes if only}
    assert {("POST", "/admin/users"), ("GET", "/admin/users"), ("DELETE", "/admin/requests/1")} <= admin_only
    wrong = {
        "none": {},
        "not a bearer": {"Authorization": f"Basic {tokens.admin}"},
        "garbage": bearer("let-me-in"),
        "unknown": bearer("tdir_0123456789abcdef_" + "A" * 43),
        "wrong secret": bearer(tokens.admin[:-4] + "AAAA"),
        "expired": bearer(tokens.expired),
        "revoked": bearer(tokens.revoked),
    }
    for method, path, only in routes:
        for name, headers in wrong.items():
            response = client.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (name, method, path, response.text)
            _refused(response, 401, "unauthorized")
        as_editor = client.request(method, path, headers=bearer(tokens.editor), json={})
        if only:
            _refused(as_editor, 403, "forbidden")
        else:
            assert as_editor.status_code not in (401, 403), (method, path, as_editor.text)
        assert client.request(method, path, headers=bearer(tokens.admin), json={}).status_code not in (401, 403), (method, path)


@STORES
def test_failed_authentications_are_rate_limited_per_address(client: TestClient, tokens: Tokens) -> None:
    for _ in range(admin_auth.FAILURES_ALLOWED):
        assert client.get("/admin/me", headers=bearer("nope")).status_code == 401
    locked = client.get("/admin/me", headers=bearer(tokens.admin))
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert locked.json()["error"]["code"] == "too_many_requests"


@STORES
def test_tokens_are_shown_once_stored_hashed_and_revocable(client: TestClient, store: CurationStore, tokens: Tokens) -> None:
    made = client.post("/admin/users", headers=bearer(tokens.admin), json={"name": "newbie", "role": "editor", "days": 7})
    assert made.status_code == 201
    token = made.json()["token"]
    assert client.get("/admin/me", headers=bearer(token)).json()["name"] == "newbie"
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM tokens")).mappings().all()
    assert all(token.split("_")[2].encode() not in bytes(row["digest"]) and len(row["digest"]) == 32 for row in stored)
    listed = client.get("/admin/users", headers=bearer(tokens.admin)).json()
    assert token not in str(listed) and any(u["user"]["name"] == "newbie" for u in listed)
    lookup = token.split("_")[1]
    assert client.post(f"/admin/tokens/{lookup}/revoke", headers=bearer(tokens.admin), json={"reason": "lost laptop"}).status_code == 200
    assert client.get("/admin/me", headers=bearer(token)).status_code == 401
    duplicate = client.post("/admin/users", headers=bearer(tokens.admin), json={"name": "newbie", "role": "admin"})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "conflict"
    bad_role = client.post("/admin/users", headers=bearer(tokens.admin), json={"name": "x", "role": "owner"})
    assert bad_role.status_code == 422 and bad_role.json()["error"]["parameter"] == "role"


@STORES
def test_openapi_describes_every_admin_route_with_its_security_scheme(app: FastAPI) -> None:
    document = app.openapi()
    assert document["components"]["securitySchemes"]["AdminToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": admin_auth.bearer.model.description,
    }
    for method, path, _ in admin_routes(app):
        template = next(t for t in document["paths"] if re.fullmatch(re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(t)), path))
        operation = document["paths"][template][method.lower()]
        assert operation["security"] == [{"AdminToken": []}], (method, template)
        assert "401" in operation["responses"] and operation.get("summary"), (method, template)


@STORES
def test_the_audit_log_is_append_only_in_the_database(store: CurationStore) -> None:
    store.create_user("someone", "editor", "test")
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory'"))
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    assert [e.actor for e in store.audit_log()] == ["test"]


@STORES
def test_hide_and_correct_apply_to_the_serving_index_at_once(client: TestClient, tokens: Tokens, store: CurationStore) -> None:
    before = client.get("/search", params={"condition": "sciatica", "near": "78704", "license_status": "any"}).json()
    assert "t_0001" in [r["id"] for r in before["results"]]
    hidden = client.post("/admin/listings/t_0001/hide", headers=bearer(tokens.editor), json={"reason": "duplicate of a practice page"})
    assert hidden.status_code == 201
    after = client.get("/search", params={"condition": "sciatica", "near": "78704", "license_status": "any"}).json()
    assert "t_0001" not in [r["id"] for r in after["results"]] and after["total"] == before["total"] - 1
    assert client.get("/therapists/t_0001").status_code == 404
    assert client.post("/admin/listings/t_0001/hide", headers=bearer(tokens.editor), json={"reason": "again"}).status_code == 409

    fixed = client.post(
        "/admin/listings/t_0002/corrections",
        headers=bearer(tokens.editor),
        json={"field": "phone", "value": "+15125550177", "reason": "called them"},
    )
    assert fixed.status_code == 201
    page = client.get("/therapists/t_0002").json()
    assert page["phone"] == "+15125550177"
    assert page["corrections"] == [
        {"field": "phone", "published": "+15125550100", "corrected": "+15125550177", "on": fixed.json()["created_at"][:10]}
    ]
    refused = client.post(
        "/admin/listings/t_0002/corrections", headers=bearer(tokens.editor), json={"field": "licenses", "value": [], "reason": "x"}
    )
    assert refused.status_code == 422 and refused.json()["error"]["parameter"] == "field"
    entries = client.get("/admin/audit", headers=bearer(tokens.editor), params={"listing_id": "t_0002"}).json()
    assert [(e["action"], e["before"], e["after"]["payload"]) for e in entries] == [
        ("override_correct", {"phone": "+15125550100"}, {"field": "phone", "value": "+15125550177"})
    ]


@STORES
def test_public_requests_are_validated_size_and_rate_limited(client: TestClient, tokens: Tokens) -> None:
    good = {"kind": "remove", "contact": {"name": "Ana", "email": "ana@example.org"}, "evidence": "I am Ana; my licence is MT000001."}
    assert client.post("/therapists/t_0001/requests", json={**good, "kind": "delete"}).json()["error"]["parameter"] == "kind"
    bad_email = client.post("/therapists/t_0001/requests", json={**good, "contact": {"name": "Ana", "email": "nope"}})
    assert bad_email.status_code == 422 and bad_email.json()["error"]["parameter"] == "contact"
    bad_field = client.post("/therapists/t_0001/requests", json={**good, "kind": "correct", "changes": {"npi": "1"}})
    assert bad_field.status_code == 422 and bad_field.json()["error"]["parameter"] == "changes"
    huge = client.post("/therapists/t_0001/requests", json={**good, "evidence": "x" * 20000})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "payload_too_large"
    assert client.post("/therapists/t_9999/requests", json=good).status_code == 404
    accepted = client.post("/therapists/t_0001/requests", json=good)
    assert accepted.status_code == 202
    queue = client.get("/admin/review", headers=bearer(tokens.editor), params={"kind": "request"}).json()
    assert [(q["listing_ids"], q["detail"]["request_kind"]) for q in queue] == [(["t_0001"], "remove")]
    for _ in range(4):
        assert client.post("/therapists/t_0002/requests", json={**good, "kind": "claim"}).status_code == 202
    limited = client.post("/therapists/t_0003/requests", json=good)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3600"


@pytest.mark.parametrize("kind", ["memory", "sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def test_every_backend_honours_exclude_ids(tmp_path, vocab, kind: str, request) -> None:
    if kind == "memory":
        backend = MemoryBackend(vocab)
    elif kind == "sqlite":
        backend = SQLiteBackend(tmp_path / "index.db", vocab)
    else:
        backend = request.getfixturevalue("make_es")()
    backend.replace_all(factories.population())
    query, _ = build_query(SearchParams(condition="sciatica", near="78704", license_status="any"), vocab, TODAY, 40.0, 365)
    everyone = backend.search(query)
    ids = [h.listing.id for h in everyone.hits]
    fewer = backend.search(replace(query, exclude_ids=frozenset({ids[0], "t_not_there"})))
    assert [h.listing.id for h in fewer.hits] == ids[1:], backend.name
    assert fewer.total == everyone.total - 1


@STORES
def test_a_licence_verified_by_hand_shows_as_the_directorys_until_its_expiry(
    app: FastAPI, client: TestClient, tokens: Tokens, store
) -> None:
    auth = bearer(tokens.editor)
    body = {
        "state": "TX",
        "number": "MT000010",
        "evidence": "Called the TDLR on 2026-11-23",
        "expires_on": "2027-05-31",
        "reason": "no board file",
    }
    assert client.get("/therapists/t_0010").json()["licenses"][0]["verified"] is False
    assert (
        client.post("/admin/listings/t_0010/license-verifications", headers=auth, json={**body, "expires_on": "2026-01-01"}).status_code
        == 422
    )
    assert client.post("/admin/listings/t_0010/license-verifications", headers=auth, json={**body, "number": "MT999"}).status_code == 422
    made = client.post("/admin/listings/t_0010/license-verifications", headers=auth, json=body)
    assert made.status_code == 201, made.text
    (lic,) = client.get("/therapists/t_0010").json()["licenses"]
    assert (lic["verified"], lic["verified_by"], lic["verified_on"]) == (True, "directory", made.json()["created_at"][:10])
    board = client.get("/therapists/t_0001").json()["licenses"][0]
    assert board["verified"] is True and "verified_by" not in board  # a board match says nothing of the directory
    # A licence its board suspended is never verified by hand.
    suspended = client.post("/admin/listings/t_0005/license-verifications", headers=auth, json={**body, "number": "MT000005"})
    assert suspended.status_code == 409
    # Past the verification's expiry it no longer counts.
    later = TestClient(create_app(backend=app.state.backend.inner, vocab=app.state.vocab, today=date(2027, 6, 1), curation=store))
    assert later.get("/therapists/t_0010").json()["licenses"][0]["verified"] is False


@STORES
def test_conditions_and_techniques_can_be_added_and_removed(client: TestClient, tokens: Tokens) -> None:
    auth = bearer(tokens.editor)
    removed = client.post(
        "/admin/listings/t_0001/terms",
        headers=auth,
        json={"action": "remove", "kind": "condition", "term": "sciatica", "reason": "not offered"},
    )
    assert removed.status_code == 201
    added = client.post(
        "/admin/listings/t_0001/terms",
        headers=auth,
        json={"action": "add", "kind": "condition", "term": "headache", "reason": "on the phone"},
    )
    assert added.status_code == 201
    page = client.get("/therapists/t_0001").json()
    assert page["conditions"] == ["Headaches"]
    assert [(e["term"], e["source"]) for e in page["evidence"] if e["kind"] == "condition"] == [("Headaches", "directory")]
    assert (
        client.post(
            "/admin/listings/t_0001/terms", headers=auth, json={"action": "add", "kind": "condition", "term": "headache", "reason": "x"}
        ).status_code
        == 409
    )
    unknown = client.post(
        "/admin/listings/t_0001/terms", headers=auth, json={"action": "add", "kind": "modality", "term": "reiki_magic", "reason": "x"}
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["parameter"] == "term"


@STORES
def test_an_approved_correction_request_becomes_an_override_and_a_rejected_one_changes_nothing(client: TestClient, tokens: Tokens) -> None:
    auth = bearer(tokens.editor)
    ask = {"kind": "correct", "contact": {"name": "Ben", "email": "ben@example.org"}, "evidence": "My practice moved its phone line."}
    assert client.post("/therapists/t_0002/requests", json={**ask, "changes": {"phone": "+15125550123"}}).status_code == 202
    assert client.post("/therapists/t_0003/requests", json={**ask, "changes": {"accepting_new_clients": False}}).status_code == 202
    first, second = client.get("/admin/review", headers=auth, params={"kind": "request"}).json()
    approved = client.post(f"/admin/review/{first['id']}/resolve", headers=auth, json={"action": "accept", "reason": "checked"}).json()
    assert [(o["kind"], o["payload"]["field"], o["payload"]["value"]) for o in approved["overrides"]] == [
        ("correct", "phone", "+15125550123")
    ]
    assert client.get("/therapists/t_0002").json()["phone"] == "+15125550123"
    rejected = client.post(f"/admin/review/{second['id']}/resolve", headers=auth, json={"action": "reject", "reason": "no evidence"}).json()
    assert rejected["overrides"] == [] and client.get("/therapists/t_0003").json()["corrections"] == []
    statuses = {r["listing_id"]: r["status"] for r in client.get("/admin/requests", headers=auth).json()}
    assert statuses == {"t_0002": "approved", "t_0003": "rejected"}
