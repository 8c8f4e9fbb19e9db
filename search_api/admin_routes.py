"""The admin API: /admin/..., every route behind `Authorization: Bearer` (see README, "Admin API").

Editors curate (overrides, review queue, audit log); only admins manage users and tokens and
hard-delete. Every change writes an audit entry with its before and after.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from directory.curation.overrides import Override
from directory.curation.store import AuditEntry, CurationStore, PublicRequest, ReviewEntry, Role, TokenInfo, User
from directory.models import Listing
from directory.presenter import ErrorResponse
from search_api import curation_actions as actions
from search_api.admin_auth import Admin, Editor, Store, authenticated
from search_api.deps import Backend, Today, Vocab

ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorResponse} for status in (401, 403, 404, 409, 422, 429, 503)}
# The router-level dependency makes a route added here later refuse anonymous callers too.
router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(authenticated)], responses=ERRORS)

Reason = Annotated[str, Field(min_length=1, max_length=2000, description="Why: kept in the audit log.")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReasonIn(Strict):
    reason: Reason


class UserIn(Strict):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")
    role: Role
    days: int = Field(90, ge=1, le=3650, description="Days until the token expires.")


class TokenIn(Strict):
    days: int = Field(90, ge=1, le=3650, description="Days until the token expires.")


class NewTokenOut(BaseModel):
    user: User
    token: str = Field(description="Shown once; only its scrypt digest is stored.")


class UserOut(BaseModel):
    user: User
    tokens: list[TokenInfo]


class CorrectionIn(Strict):
    field: str = Field(
        description="One of the correctable fields: name, phone, bio, gender, price_range, languages, accepting_new_clients, mobile, wheelchair_accessible."
    )
    value: Any
    reason: Reason


class TermIn(Strict):
    action: Literal["add", "remove"]
    kind: Literal["condition", "modality"]
    term: str = Field(min_length=1, max_length=100, description="The vocabulary id, as /vocabulary/conditions lists it.")
    reason: Reason


class VerificationIn(Strict):
    state: str = Field(min_length=2, max_length=2)
    number: str = Field(min_length=1, max_length=40)
    evidence: str = Field(min_length=1, max_length=4000, description="How it was checked: whom you called, what document you saw.")
    expires_on: date = Field(description="The manual verification stops counting after this day.")
    reason: Reason


class MergeIn(Strict):
    listing_ids: list[str] = Field(min_length=2, max_length=10)
    reason: Reason


class SplitIn(Strict):
    groups: list[list[str]] = Field(min_length=2, max_length=20, description="The listing's record keys, grouped by person.")
    reason: Reason


class ResolveIn(Strict):
    action: Literal["accept", "reject", "merge", "split"]
    reason: Reason
    value: str | float | dict[str, Any] | None = Field(
        None, description="For a conflict item with action=accept: the value to keep, one of the item's detail.values[].value."
    )


class ListingOut(BaseModel):
    listing: Listing = Field(description="As served now, overrides applied.")
    record_keys: list[str]
    overrides: list[Override]


class ResolvedOut(BaseModel):
    item: ReviewEntry
    overrides: list[Override]


@router.get("/me", response_model=User, summary="Who this token belongs to")
def me(user: Editor) -> User:
    return user


@router.get("/users", response_model=list[UserOut], summary="Accounts and their tokens (admin)")
def users(_: Admin, store: Store) -> list[UserOut]:
    return [UserOut(user=u, tokens=ts) for u, ts in store.users()]


@router.post("/users", response_model=NewTokenOut, status_code=201, summary="Create an account; its token is shown once (admin)")
def create_user(body: UserIn, user: Admin, store: Store) -> NewTokenOut:
    created, token = store.create_user(body.name, body.role, user.name, body.days)
    return NewTokenOut(user=created, token=token)


@router.post("/users/{name}/tokens", response_model=NewTokenOut, status_code=201, summary="Issue another token (admin)")
def issue_token(name: str, body: TokenIn, user: Admin, store: Store) -> NewTokenOut:
    token = store.issue_token(name, user.name, body.days)
    return NewTokenOut(user=store.user(name), token=token)


@router.post("/tokens/{lookup}/revoke", response_model=TokenInfo, summary="Revoke a token at once (admin)")
def revoke_token(lookup: str, body: ReasonIn, user: Admin, store: Store) -> TokenInfo:
    return store.revoke_token(lookup, user.name, body.reason)


@router.get("/listings/{listing_id}", response_model=ListingOut, summary="A listing as served, its source records and overrides")
def listing(listing_id: str, _: Editor, store: Store, backend: Backend) -> ListingOut:
    found = actions.listing_or_404(backend, listing_id)
    return ListingOut(listing=found, record_keys=actions.record_keys(backend, listing_id), overrides=store.overrides(listing_id=listing_id))


@router.post(
    "/listings/{listing_id}/hide", response_model=Override, status_code=201, summary="Hide a listing from search and its page, at once"
)
def hide(listing_id: str, body: ReasonIn, user: Editor, store: Store, backend: Backend) -> Override:
    return actions.hide(store, backend, listing_id, user, body.reason)


@router.post(
    "/listings/{listing_id}/unhide", response_model=list[Override], summary="Retire a hide; the listing returns at the next index build"
)
def unhide(listing_id: str, body: ReasonIn, user: Editor, store: Store) -> list[Override]:
    return actions.unhide(store, listing_id, user, body.reason)


@router.post(
    "/listings/{listing_id}/corrections", response_model=Override, status_code=201, summary="Correct a field; the published value is kept"
)
def correct(listing_id: str, body: CorrectionIn, user: Editor, store: Store, backend: Backend) -> Override:
    return actions.correct(store, backend, listing_id, user, body.field, body.value, body.reason)


@router.post("/listings/{listing_id}/terms", response_model=Override, status_code=201, summary="Add or remove a condition or technique")
def change_term(listing_id: str, body: TermIn, user: Editor, store: Store, backend: Backend, vocab: Vocab) -> Override:
    return actions.change_term(store, backend, vocab, listing_id, user, body.action, body.kind, body.term, body.reason)


@router.post(
    "/listings/{listing_id}/license-verifications",
    response_model=Override,
    status_code=201,
    summary="Verify a licence by hand, with evidence and an expiry",
)
def verify_license(listing_id: str, body: VerificationIn, user: Editor, store: Store, backend: Backend, today: Today) -> Override:
    return actions.verify_license(
        store, backend, listing_id, user, body.state, body.number, body.evidence, body.expires_on, today, body.reason
    )


@router.post("/merges", response_model=Override, status_code=201, summary="Merge listings of one person; the oldest id survives")
def merge(body: MergeIn, user: Editor, store: Store, backend: Backend) -> Override:
    return actions.merge(store, backend, body.listing_ids, user, body.reason)


@router.post(
    "/listings/{listing_id}/split", response_model=Override, status_code=201, summary="Split a listing by its source records (next build)"
)
def split(listing_id: str, body: SplitIn, user: Editor, store: Store, backend: Backend) -> Override:
    return actions.split(store, backend, listing_id, body.groups, user, body.reason)


@router.get(
    "/overrides", response_model=list[Override], summary="Overrides; orphaned=true: those whose listing the last build did not find"
)
def overrides(
    _: Editor,
    store: Store,
    listing_id: Annotated[str | None, Query(max_length=64)] = None,
    active: Annotated[bool | None, Query(description="true: live ones (default); false: retired; absent with all=true: both")] = True,
    orphaned: bool | None = None,
) -> list[Override]:
    return store.overrides(listing_id=listing_id, active=active, orphaned=orphaned)


@router.post("/overrides/{override_id}/retire", response_model=Override, summary="Stop applying an override (kept on record)")
def retire(override_id: int, body: ReasonIn, user: Editor, store: Store) -> Override:
    return store.retire_override(override_id, user.name, body.reason)


@router.get("/review", response_model=list[ReviewEntry], summary="The review queue")
def review(
    _: Editor,
    store: Store,
    status: Literal["open", "resolved"] | None = "open",
    kind: Literal["pair", "quarantine", "status_change", "request", "conflict"] | None = None,
    current: Annotated[bool | None, Query(description="true: found by the latest build (requests: always)")] = None,
) -> list[ReviewEntry]:
    return store.review(status=status, kind=kind, current=current)


@router.post("/review/{item_id}/resolve", response_model=ResolvedOut, summary="Decide a review item")
def resolve(item_id: int, body: ResolveIn, user: Editor, store: Store, backend: Backend) -> ResolvedOut:
    item, made = actions.resolve(store, backend, item_id, body.action, user, body.reason, body.value)
    return ResolvedOut(item=item, overrides=made)


def _audit(
    store: CurationStore,
    listing_id: str | None,
    actor: str | None,
    since: str | None,
    until: str | None,
    limit: int,
) -> list[AuditEntry]:
    return store.audit_log(listing_id=listing_id, actor=actor, since=since, until=until, limit=limit)


DATE = r"^\d{4}-\d\d-\d\d(T[0-9:+.]*)?$"


@router.get("/audit", response_model=list[AuditEntry], summary="The audit log, newest first")
def audit(
    _: Editor,
    store: Store,
    listing_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[str | None, Query(pattern=DATE, description="ISO date or time, inclusive")] = None,
    until: Annotated[str | None, Query(pattern=DATE, description="ISO date (that whole day) or time, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> list[AuditEntry]:
    return _audit(store, listing_id, actor, since, until, limit)


@router.get(
    "/audit.csv", summary="The audit log as CSV (same filters)", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
def audit_csv(
    _: Editor,
    store: Store,
    listing_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[str | None, Query(pattern=DATE)] = None,
    until: Annotated[str | None, Query(pattern=DATE)] = None,
    limit: Annotated[int, Query(ge=1, le=100000)] = 100000,
) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = list(AuditEntry.model_fields)
    writer.writerow(columns)
    for entry in _audit(store, listing_id, actor, since, until, limit):
        row = entry.model_dump(mode="json")
        writer.writerow([row[c] if c not in ("before", "after") else ("" if row[c] is None else _json(row[c])) for c in columns])
    return Response(out.getvalue(), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@router.get("/requests", response_model=list[PublicRequest], summary="Claim, correction and removal requests from the public")
def public_requests(
    _: Editor, store: Store, status: Literal["pending", "approved", "rejected", "erased"] | None = None
) -> list[PublicRequest]:
    return store.requests(status)


@router.delete("/requests/{request_id}", response_model=PublicRequest, summary="Erase a request's personal data (admin)")
def erase_request(
    request_id: int,
    user: Admin,
    store: Store,
    reason: Annotated[str, Query(min_length=1, max_length=2000, description="Why: kept in the audit log.")],
) -> PublicRequest:
    return store.erase_request(request_id, user.name, reason)
