"""'Claim, correct or remove this listing': the public form on every therapist page.

The form posts here and goes through exactly what `POST /therapists/{id}/requests` does (its
validation model, size and rate limits, and `change_request`, which lands it in the admins' review
queue), so the page adds only the form, its CSRF check and readable error messages.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from directory.curation.overrides import CORRECTABLE
from directory.errors import DirectoryError, Gone
from directory.presenter import present_listing
from search_api import request_routes
from search_api.admin_auth import Store
from search_api.deps import Backend, Today, Vocab
from search_api.rendering import field, posted_form, render, render_form

router = APIRouter(include_in_schema=False)
KINDS = {
    "claim": "This is me: I want to claim this listing",
    "correct": "Something here is wrong",
    "remove": "Remove me from the directory",
}


def correction_value(name: str, raw: str) -> Any:
    """A form's text as the type the correctable field takes (a list: comma-separated; yes/no: a flag)."""
    wanted = CORRECTABLE.get(name)
    if wanted is list:
        return [part.strip() for part in raw.split(",") if part.strip()]
    if wanted is bool:
        return {"yes": True, "no": False}.get(raw.lower(), raw)
    return raw


def _request_body(form: dict[str, list[str]]) -> dict[str, Any]:
    kind = field(form, "kind")
    changes: dict[str, Any] = {}
    if kind == "correct" and field(form, "change_field"):
        changes[field(form, "change_field")] = correction_value(field(form, "change_field"), field(form, "change_value"))
    return {
        "kind": kind,
        "contact": {"name": field(form, "name"), "email": field(form, "email"), "phone": field(form, "phone") or None},
        "changes": changes,
        "evidence": field(form, "evidence"),
    }


_LABELS = {"kind": "What you are asking", "contact.name": "Your name", "contact.email": "Your email", "evidence": "Evidence"}


def _messages(exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        out.append(f"{_LABELS.get(where, where)}: {error['msg']}")
    return out


def _listing_page(listing_id: str, backend: Backend, vocab: Vocab, today: Today) -> Any:
    try:
        listing = backend.get(listing_id)
    except Gone:
        return None
    return present_listing(listing, vocab, today) if listing is not None else None


@router.get("/therapist/{listing_id}/claim", response_class=HTMLResponse)
def claim_form(listing_id: str, request: Request, backend: Backend, vocab: Vocab, today: Today) -> HTMLResponse:
    """The form: claim, correct or ask to remove, with contact details and evidence."""
    detail = _listing_page(listing_id, backend, vocab, today)
    if detail is None:
        return render("not_found.html", status_code=404, what=f"No therapist with id {listing_id!r}.")
    return render_form(request, "claim.html", t=detail, kinds=KINDS, fields=list(CORRECTABLE), values={}, errors=[], sent=None)


@router.post("/therapist/{listing_id}/claim", response_class=HTMLResponse)
async def claim_send(listing_id: str, request: Request, backend: Backend, vocab: Vocab, today: Today, store: Store) -> HTMLResponse:
    """Validate and queue the request; the form comes back with what to fix when it cannot be sent."""
    detail = await run_in_threadpool(_listing_page, listing_id, backend, vocab, today)
    if detail is None:
        return render("not_found.html", status_code=404, what=f"No therapist with id {listing_id!r}.")
    context: dict[str, Any] = {"t": detail, "kinds": KINDS, "fields": list(CORRECTABLE), "errors": [], "sent": None}
    try:
        form = await posted_form(request)
        context["values"] = {name: field(form, name) for name in form}
        body = request_routes.ChangeRequestIn.model_validate(_request_body(form))
        await request_routes.limited(request, store)
        context["sent"] = await run_in_threadpool(request_routes.change_request, listing_id, body, request, store, backend, None)
    except ValidationError as exc:
        context["errors"] = _messages(exc)
        return render_form(request, "claim.html", status_code=422, **context)
    except DirectoryError as exc:
        context.setdefault("values", {})
        context["errors"] = [getattr(exc, "reason", None) or str(exc)]
        return render_form(request, "claim.html", status_code=exc.status_code, **context)
    return render_form(request, "claim.html", **context)
