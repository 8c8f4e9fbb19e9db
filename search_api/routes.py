"""Thin routers: validate, call the shared search service and backend, present the response."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import RedirectResponse

from directory.errors import NotFound
from directory.presenter import ConditionTerm, ErrorResponse, SearchResponse, TherapistDetail, present_listing, present_search
from directory.search_params import PARAMETER_HELP as HELP
from directory.search_params import SearchParams
from directory.search_service import build_query
from search_api.deps import AppSettings, Backend, Today, Vocab

router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse},
    405: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
    500: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
}


# The presenter validates the response once and serialises it; returning a Response skips
# FastAPI's second validation pass, which cost a millisecond a request, a fifth of the HTTP budget.
# `response_model` still documents the shape in OpenAPI.
# `async` on purpose: the search is CPU-bound under the GIL, so a worker thread adds a hop and no
# parallelism.
@router.get("/search", response_model=SearchResponse, responses=ERRORS, summary="Find therapists")
async def search(
    backend: Backend,
    vocab: Vocab,
    settings: AppSettings,
    today: Today,
    q: Annotated[str | None, Query(description=HELP["q"])] = None,
    condition: Annotated[str | None, Query(description=HELP["condition"])] = None,
    modality: Annotated[list[str], Query(description=HELP["modality"])] = [],  # noqa: B006 - FastAPI copies a default per request
    near: Annotated[str | None, Query(description=HELP["near"])] = None,
    radius_km: Annotated[float | None, Query(description=HELP["radius_km"])] = None,
    license_status: Annotated[str, Query(description=HELP["license_status"])] = "active",
    limit: Annotated[int, Query(description=HELP["limit"])] = 10,
    cursor: Annotated[str | None, Query(description=HELP["cursor"])] = None,
    min_years: Annotated[float | None, Query(description=HELP["min_years"])] = None,
    certification: Annotated[list[str], Query(description=HELP["certification"])] = [],  # noqa: B006 - FastAPI copies a default per request
    language: Annotated[str | None, Query(description=HELP["language"])] = None,
    gender: Annotated[str | None, Query(description=HELP["gender"])] = None,
    accepting_new_clients: Annotated[bool | None, Query(description=HELP["accepting_new_clients"])] = None,
    mobile: Annotated[bool | None, Query(description=HELP["mobile"])] = None,
    name: Annotated[str | None, Query(description=HELP["name"])] = None,
) -> Response:
    params = SearchParams(
        q=q,
        condition=condition,
        modality=modality,
        near=near,
        radius_km=radius_km,
        license_status=license_status,
        limit=limit,
        cursor=cursor,
        min_years=min_years,
        certification=certification,
        language=language,
        gender=gender,
        accepting_new_clients=accepting_new_clients,
        mobile=mobile,
        name=name,
    )
    query, interpreted = build_query(params, vocab, today, settings.default_radius_km, settings.stale_after_days)
    page = backend.search(query)
    return Response(present_search(page, interpreted, vocab, today).model_dump_json(), media_type="application/json")


@router.get("/therapists/{listing_id}", response_model=TherapistDetail, responses=ERRORS, summary="One therapist, with sources")
def therapist(listing_id: str, backend: Backend, vocab: Vocab, today: Today) -> TherapistDetail | RedirectResponse:
    listing = backend.get(listing_id)
    if listing is None:
        if (survivor := backend.redirect(listing_id)) is not None:  # merged into another listing
            return RedirectResponse(f"/therapists/{survivor}", status_code=301)
        raise NotFound(f"no therapist with id {listing_id!r}")
    return present_listing(listing, vocab, today)


@router.get("/vocabulary/conditions", response_model=list[ConditionTerm], summary="Conditions, for autocomplete")
def conditions(
    vocab: Vocab, prefix: Annotated[str | None, Query(description="Only names or synonyms starting with this.")] = None
) -> list[dict]:
    wanted = (prefix or "").strip().lower()
    out = []
    for term in vocab.terms["condition"].values():
        names = [term.name.lower(), *(a.lower() for a in term.aliases)]
        if not wanted or any(n.startswith(wanted) for n in names):
            out.append({"id": term.id, "name": term.name, "icd10": term.icd10, "synonyms": term.aliases})
    return sorted(out, key=lambda t: t["name"])


@router.get("/health", summary="Is the index there, and when was it built")
def health(backend: Backend) -> dict:
    return {"status": "ok", "backend": backend.name, "index": backend.metadata()}
