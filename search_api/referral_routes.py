"""Referral lists: make one (`GET /referrals`), fetch one again by id, as JSON, CSV or vCards."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from directory.errors import NotFound
from directory.presenter import ErrorResponse, ReferralList
from directory.referrals import DEFAULT_LIMIT, REFERRAL_HELP, ReferralParams, check_format, make_referral, to_csv, to_vcards
from search_api.deps import AppSettings, Backend, Referrals, Today, Vocab

router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
FORMAT_QUERY = Query(description=REFERRAL_HELP["format"])
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv", to_csv),
    "vcf": ("text/vcard; charset=utf-8", "vcf", to_vcards),
}


def _respond(referral: ReferralList, fmt: str) -> Response:
    fmt = check_format(fmt)
    if fmt == "json":
        return Response(referral.model_dump_json(), media_type="application/json")
    media_type, ext, render = EXPORTS[fmt]
    disposition = f'attachment; filename="{referral.list_id}.{ext}"'
    return Response(render(referral), media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/referrals", response_model=ReferralList, responses=ERRORS, summary="A referral list for a diagnosis near a patient")
def make(
    backend: Backend,
    vocab: Vocab,
    settings: AppSettings,
    today: Today,
    store: Referrals,
    icd10: Annotated[str | None, Query(description=REFERRAL_HELP["icd10"])] = None,
    condition: Annotated[str | None, Query(description=REFERRAL_HELP["condition"])] = None,
    near: Annotated[str | None, Query(description=REFERRAL_HELP["near"])] = None,
    radius_km: Annotated[float | None, Query(description=REFERRAL_HELP["radius_km"])] = None,
    limit: Annotated[int, Query(description=REFERRAL_HELP["limit"])] = DEFAULT_LIMIT,
    format: Annotated[str, FORMAT_QUERY] = "json",
) -> Response:
    """Only active, board-verified therapists who state the condition or hold a certification for it,
    within the radius, ranked as `/search` ranks them. The list is stored: its `list_id` returns it later."""
    check_format(format)
    params = ReferralParams(icd10=icd10, condition=condition, near=near, radius_km=radius_km, limit=limit)
    referral = make_referral(params, backend, vocab, today, settings.default_radius_km, settings.stale_after_days)
    return _respond(store.save(referral), format)


@router.get("/referrals/{list_id}", response_model=ReferralList, responses=ERRORS, summary="A referral list made earlier, unchanged")
def fetch(list_id: str, store: Referrals, format: Annotated[str, FORMAT_QUERY] = "json") -> Response:
    check_format(format)
    referral = store.get(list_id)
    if referral is None:
        raise NotFound(f"no referral list with id {list_id!r}")
    return _respond(referral, format)
