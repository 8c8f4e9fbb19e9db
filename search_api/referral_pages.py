"""The physicians' referral page: a diagnosis (ICD-10 code or condition) and the clinic's place →
a printable list, with the CSV and vCard downloads of the API's stored list.

It makes and stores the list exactly as `GET /referrals` does (`make_referral`, the `ReferralStore`),
so the page, its downloads and a later `GET /referrals/{list_id}` are the same list.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from directory.errors import InvalidParameter
from directory.referrals import DEFAULT_LIMIT, ReferralParams, make_referral
from search_api.deps import AppSettings, Backend, Referrals, Today, Vocab
from search_api.rendering import form_number, form_text, render

router = APIRouter(include_in_schema=False)


@router.get("/refer", response_class=HTMLResponse)
def referral_page(request: Request, backend: Backend, vocab: Vocab, settings: AppSettings, today: Today, store: Referrals) -> HTMLResponse:
    """The form, and once it names a diagnosis and a place, the list it makes."""
    form = request.query_params
    context: dict[str, Any] = {"form": form, "referral": None, "error": None, "default_radius_km": settings.default_radius_km}
    if not any(form_text(form, name) for name in ("icd10", "condition", "near")):
        return render("refer.html", **context)
    try:
        limit = form_number(form, "limit")
        params = ReferralParams(
            icd10=form_text(form, "icd10"),
            condition=form_text(form, "condition"),
            near=form_text(form, "near"),
            radius_km=form_number(form, "radius_km"),
            limit=int(limit) if limit is not None else DEFAULT_LIMIT,
        )
        referral = make_referral(params, backend, vocab, today, settings.default_radius_km, settings.stale_after_days)
    except InvalidParameter as exc:
        context["error"] = exc
        return render("refer.html", status_code=422, **context)
    context["referral"] = store.save(referral)
    return render("refer.html", **context)
