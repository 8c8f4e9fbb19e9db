"""Therapists' own say, without an account: claim a listing, ask for a correction, or ask to be removed.

A request is validated (422 naming the field), size-limited (413) and rate-limited per client
address (429), and lands in the admins' review queue. An approved removal suppresses the person by
their source record keys, so no re-crawl brings them back, and their page answers 410.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from directory.errors import DirectoryError, InvalidParameter, TooManyRequests
from directory.presenter import ErrorResponse
from search_api import curation_actions as actions
from search_api.admin_auth import Store
from search_api.deps import Backend

MAX_BODY_BYTES = 16 * 1024
REQUESTS_PER_HOUR = 5
router = APIRouter(tags=["requests"])


class PayloadTooLarge(DirectoryError):
    status_code = 413
    code = "payload_too_large"


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(None, max_length=40)


class ChangeRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["claim", "correct", "remove"]
    contact: Contact
    changes: dict[str, Any] = Field({}, max_length=10, description="For kind=correct: field → the right value (the correctable fields).")
    evidence: str = Field(
        min_length=1, max_length=4000, description="Why the directory should believe the request: licence number, links, ..."
    )


class ChangeRequestOut(BaseModel):
    id: int
    status: str
    message: str


async def limited(request: Request, store: Store) -> None:
    """413 past MAX_BODY_BYTES, 429 past REQUESTS_PER_HOUR from one address."""
    if len(await request.body()) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"a request body may be at most {MAX_BODY_BYTES} bytes")
    client = request.client.host if request.client else "unknown"
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    if store.recent_requests(client, since) >= REQUESTS_PER_HOUR:
        raise TooManyRequests(f"at most {REQUESTS_PER_HOUR} requests an hour from one address", 3600)


@router.post(
    "/therapists/{listing_id}/requests",
    response_model=ChangeRequestOut,
    status_code=202,
    summary="Claim, correct or ask to remove a listing (no account needed)",
    responses={status: {"model": ErrorResponse} for status in (404, 410, 413, 422, 429)},
)
def change_request(
    listing_id: str, body: ChangeRequestIn, request: Request, store: Store, backend: Backend, _: Annotated[None, Depends(limited)]
) -> ChangeRequestOut:
    actions.listing_or_404(backend, listing_id)
    if body.kind == "correct":
        if not body.changes:
            raise InvalidParameter("changes", "a correction names at least one field and its right value")
        for name, value in body.changes.items():
            actions.check_correction(name, value, "changes")
    client = request.client.host if request.client else "unknown"
    saved = store.add_request(body.kind, listing_id, body.contact.model_dump(), body.changes, body.evidence, client)
    return ChangeRequestOut(id=saved.id, status=saved.status, message="Thank you: the directory's admins will review this request.")
