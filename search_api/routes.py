"""Thin routers: validate, call the shared search service and backend, shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, RedirectResponse

from directory.errors import NotFound
from directory.search_service import SearchParams, build_query, listing_detail, listing_summary
from search_api.deps import AppSettings, Backend, Today, Vocab
from search_api.schemas import ConditionTerm, ErrorResponse, SearchResponse, TherapistDetail

router = APIRouter()
ERRORS = {422: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}


# The response is built as plain data and sent without a second validation pass (it cost a
# millisecond a request, a fifth of the HTTP budget); tests validate it against SearchResponse.
# `async` on purpose: the search is CPU-bound under the GIL, so a worker thread adds a hop and no
# parallelism.
@router.get("/search", response_model=None, responses={200: {"model": SearchResponse}, **ERRORS}, summary="Find therapists")
async def search(
    backend: Backend,
    vocab: Vocab,
    settings: AppSettings,
    today: Today,
    q: Annotated[str | None, Query(description="Free text, e.g. 'deep tissue for sciatica near Austin, TX'.")] = None,
    condition: Annotated[str | None, Query(description="Condition name, synonym, misspelling or ICD-10 code.")] = None,
    modality: Annotated[list[str], Query(description="Technique; repeat for several (any of them).")] = [],
    near: Annotated[str | None, Query(description="ZIP code, 'City, ST' or 'lat,lon'.")] = None,
    radius_km: Annotated[float | None, Query(description="Search radius in km (default 40, at most 500).")] = None,
    license_status: Annotated[str, Query(description="'active' (default) or 'any' to include lapsed licences.")] = "active",
    limit: Annotated[int, Query(description="Results per page, 1-100.")] = 10,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
    min_years: Annotated[float | None, Query(description="At least this many years licensed.")] = None,
    certification: Annotated[list[str], Query(description="Certification name or abbreviation (e.g. BCTMB); repeat for any of several.")] = [],
    language: Annotated[str | None, Query(description="A language the therapist speaks, e.g. Spanish.")] = None,
    gender: Annotated[str | None, Query(description="female, male or non-binary.")] = None,
    accepting_new_clients: Annotated[bool | None, Query(description="Only those who say they take new clients.")] = None,
    mobile: Annotated[bool | None, Query(description="Only those who offer in-home (mobile) sessions.")] = None,
) -> JSONResponse:
    params = SearchParams(
        q=q, condition=condition, modality=modality, near=near, radius_km=radius_km,
        license_status=license_status, limit=limit, cursor=cursor, min_years=min_years,
        certification=certification, language=language, gender=gender,
        accepting_new_clients=accepting_new_clients, mobile=mobile,
    )
    query, interpreted = build_query(params, vocab, today, settings.default_radius_km, settings.stale_after_days)
    page = backend.search(query)
    results = [
        {**listing_summary(hit.listing, vocab, today), "distance_km": hit.distance_km, "score": hit.score, "why": hit.why}
        for hit in page.hits
    ]
    return JSONResponse({
        "total": page.total,
        "results": results,
        "next_cursor": page.next_cursor,
        "interpreted": interpreted,
        "facets": page.facets,
    })


@router.get("/therapists/{listing_id}", response_model=TherapistDetail, responses=ERRORS, summary="One therapist, with sources")
def therapist(listing_id: str, backend: Backend, vocab: Vocab, today: Today) -> dict | RedirectResponse:
    listing = backend.get(listing_id)
    if listing is None:
        if (survivor := backend.redirect(listing_id)) is not None:  # merged into another listing
            return RedirectResponse(f"/therapists/{survivor}", status_code=301)
        raise NotFound(f"no therapist with id {listing_id!r}")
    return listing_detail(listing, vocab, today)


@router.get("/vocabulary/conditions", response_model=list[ConditionTerm], summary="Conditions, for autocomplete")
def conditions(vocab: Vocab, prefix: Annotated[str | None, Query(description="Only names or synonyms starting with this.")] = None) -> list[dict]:
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
