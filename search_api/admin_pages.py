"""The admins' pages under /manage: sign in with a token, the review queue, a listing's edit page
(hide, unhide, correct, merge, split) and the audit log.

Every decision goes through `search_api.curation_actions` and the curation store, exactly as the
`/admin/...` API's do, so each writes the same overrides and audit entries. The token an admin signs
in with is kept in an HttpOnly, SameSite=Strict cookie and checked on every request; every form
carries a CSRF token (`search_api.rendering`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from directory.curation.overrides import CORRECTABLE
from directory.curation.store import CurationStore, User
from directory.errors import DirectoryError, InvalidParameter
from search_api import admin_routes
from search_api import curation_actions as actions
from search_api.admin_auth import FailureLimiter, get_store
from search_api.claim_pages import correction_value
from search_api.deps import Backend
from search_api.rendering import field, posted_form, render, render_form, set_cookie

router = APIRouter(prefix="/manage", include_in_schema=False)
SESSION_COOKIE = "admin_session"
SESSION_SECONDS = 8 * 3600
DONE = {
    "hidden": "Hidden: the listing has left search and its page.",
    "unhidden": "Hide retired: the listing returns at the next index build.",
    "corrected": "Corrected: the listing shows the new value; the published one is kept.",
    "merged": "Merged: the listings now show as one, under the oldest id.",
    "split": "Split recorded: the listing is split at the next index build.",
    "resolved": "Review item resolved.",
}


def signed_in(request: Request) -> User | None:
    """The admin or editor whose token this browser's session cookie holds, if it is still valid."""
    token = request.cookies.get(SESSION_COOKIE)
    store: CurationStore | None = getattr(request.app.state, "curation", None)
    if not token or store is None:
        return None
    return store.authenticate(token)


def _to_sign_in(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/manage/sign-in?{urlencode({'next': request.url.path})}", status_code=303)


def _next(value: str) -> str:
    """Only a path on this site: never an open redirect."""
    return value if value.startswith("/manage") and not value.startswith("//") else "/manage"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> HTMLResponse:
    return render_form(request, "admin_sign_in.html", error=None, next=_next(request.query_params.get("next", "/manage")), user=None)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    """Check the token (failed attempts are rate limited per address, as on the API) and keep it in the cookie."""
    try:
        form = await posted_form(request)
        store = get_store(request)
        limiter: FailureLimiter = request.app.state.auth_failures
        client = request.client.host if request.client else "unknown"
        limiter.check(client)
        user = await run_in_threadpool(store.authenticate, field(form, "token"))
        if user is None:
            limiter.fail(client)
            return render_form(
                request, "admin_sign_in.html", status_code=401, error="That token is not valid.", next=_next(field(form, "next")), user=None
            )
    except DirectoryError as exc:
        return render_form(request, "admin_sign_in.html", status_code=exc.status_code, error=str(exc), next="/manage", user=None)
    response = RedirectResponse(_next(field(form, "next")), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, field(form, "token"), max_age=SESSION_SECONDS)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    await posted_form(request)
    response = RedirectResponse("/manage/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
def review_queue(request: Request) -> Response:
    """The review queue: the linker's doubtful pairs, quarantined records, status changes and the public's requests."""
    user = signed_in(request)
    if user is None:
        return _to_sign_in(request)
    store = get_store(request)
    items = store.review(status="open")
    requests = {r.id: r for r in store.requests("pending")}
    return render_form(
        request, "admin_queue.html", user=user, items=items, requests=requests, done=DONE.get(request.query_params.get("done", ""))
    )


@router.get("/open")
def open_listing(request: Request) -> Response:
    """The queue's 'open a listing by id' box."""
    listing_id = request.query_params.get("id", "").strip()
    return RedirectResponse(f"/manage/listings/{quote(listing_id)}" if listing_id else "/manage", status_code=303)


def _inner(backend: Backend) -> Any:
    """The index under the curated view: an admin must see a hidden listing to unhide it."""
    return getattr(backend, "inner", backend)


def _listing_context(request: Request, backend: Backend, listing_id: str) -> dict[str, Any]:
    store = get_store(request)
    listing = _inner(backend).get(listing_id)
    overrides = store.overrides(listing_id=listing_id)
    return {
        "listing_id": listing_id,
        "listing": listing,
        "record_keys": actions.record_keys(backend, listing_id),
        "overrides": overrides,
        "hidden": listing_id in store.snapshot().hidden_ids,
        "fields": list(CORRECTABLE),
        "json": lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True),
    }


@router.get("/listings/{listing_id}", response_class=HTMLResponse)
def listing_page(listing_id: str, request: Request, backend: Backend) -> Response:
    user = signed_in(request)
    if user is None:
        return _to_sign_in(request)
    context = _listing_context(request, backend, listing_id)
    if context["listing"] is None and not context["overrides"]:
        return render("not_found.html", status_code=404, what=f"No listing with id {listing_id!r}.")
    done = DONE.get(request.query_params.get("done", ""))
    return render_form(request, "admin_listing.html", user=user, error=None, done=done, **context)


def _split_groups(text: str) -> list[list[str]]:
    """One group of record keys per line, keys separated by commas or spaces."""
    return [[key for key in line.replace(",", " ").split() if key] for line in text.splitlines() if line.strip()]


async def _decide(request: Request, backend: Backend, listing_id: str | None, action: str, item_id: int | None = None) -> Response:
    """Run one admin decision from a posted form, then show where it took effect."""
    user = signed_in(request)
    if user is None:
        return _to_sign_in(request)
    store = get_store(request)
    try:
        form = await posted_form(request)
        reason, target = field(form, "reason"), listing_id or ""
        if not reason:
            raise InvalidParameter("reason", "say why: the reason is kept in the audit log")
        if action == "hide":
            await run_in_threadpool(actions.hide, store, backend, target, user, reason)
        elif action == "unhide":
            await run_in_threadpool(actions.unhide, store, target, user, reason)
        elif action == "correct":
            name = field(form, "field")
            await run_in_threadpool(
                actions.correct, store, backend, target, user, name, correction_value(name, field(form, "value")), reason
            )
        elif action == "merge":
            ids = [target, *field(form, "other_ids").replace(",", " ").split()]
            await run_in_threadpool(actions.merge, store, backend, ids, user, reason)
        elif action == "split":
            await run_in_threadpool(actions.split, store, backend, target, _split_groups(field(form, "groups")), user, reason)
        elif action == "resolve" and item_id is not None:
            decision, value = await run_in_threadpool(_conflict_choice, store, item_id, field(form, "action"))
            await run_in_threadpool(actions.resolve, store, backend, item_id, decision, user, reason, value)
    except DirectoryError as exc:
        message = f"{exc.parameter}: {exc.reason}" if isinstance(exc, InvalidParameter) else str(exc)
        if listing_id is None:
            items, requests = store.review(status="open"), {r.id: r for r in store.requests("pending")}
            return render_form(
                request,
                "admin_queue.html",
                status_code=exc.status_code,
                user=user,
                items=items,
                requests=requests,
                done=None,
                error=message,
            )
        context = _listing_context(request, backend, listing_id)
        return render_form(request, "admin_listing.html", status_code=exc.status_code, user=user, error=message, done=None, **context)
    done = {"hide": "hidden", "unhide": "unhidden", "correct": "corrected", "merge": "merged", "split": "split"}.get(action, "resolved")
    where = f"/manage/listings/{quote(listing_id)}" if listing_id is not None else "/manage"
    return RedirectResponse(f"{where}?done={done}", status_code=303)


@router.post("/listings/{listing_id}/{action}")
async def listing_action(listing_id: str, action: str, request: Request, backend: Backend) -> Response:
    if action not in ("hide", "unhide", "correct", "merge", "split"):
        return render("not_found.html", status_code=404, what=f"No such action {action!r}.")
    return await _decide(request, backend, listing_id, action)


@router.post("/review/{item_id}/resolve")
async def resolve_item(item_id: int, request: Request, backend: Backend) -> Response:
    return await _decide(request, backend, None, "resolve", item_id)


AUDIT_FILTERS = ("listing_id", "actor", "since", "until")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request) -> Response:
    """The audit log, newest first, filterable by listing, user and date, with its CSV."""
    user = signed_in(request)
    if user is None:
        return _to_sign_in(request)
    filters = {name: request.query_params.get(name, "").strip() for name in AUDIT_FILTERS}
    try:
        entries = get_store(request).audit_log(**{k: v or None for k, v in filters.items()}, limit=500)
    except DirectoryError as exc:
        return render_form(request, "admin_audit.html", status_code=exc.status_code, user=user, entries=[], filters=filters, error=str(exc))
    csv_url = "/manage/audit.csv?" + urlencode({k: v for k, v in filters.items() if v})
    return render_form(
        request,
        "admin_audit.html",
        user=user,
        entries=entries,
        filters=filters,
        error=None,
        csv_url=csv_url,
        json=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True),
    )


@router.get("/audit.csv")
def audit_csv(request: Request) -> Response:
    """The same CSV as `GET /admin/audit.csv`, for a signed-in browser."""
    user = signed_in(request)
    if user is None:
        return _to_sign_in(request)
    filters = {name: request.query_params.get(name, "").strip() or None for name in AUDIT_FILTERS}
    return admin_routes.audit_csv(user, get_store(request), limit=100000, **filters)


def _conflict_choice(store: CurationStore, item_id: int, decision: str) -> tuple[str, Any]:
    """The form names a conflict's value by its position ("accept:1"): the action and the value."""
    if not decision.startswith("accept:"):
        return decision, None
    values = store.review_item(item_id).detail.get("values", [])
    position = decision.removeprefix("accept:")
    if not position.isdigit() or int(position) >= len(values):
        raise InvalidParameter("action", f"no value {position!r} in review item {item_id}")
    return "accept", values[int(position)]["value"]
