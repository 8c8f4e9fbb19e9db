"""Server-rendered pages for people: the search page at `/` and a therapist's page.

The pages call the same search service and presenter as the JSON API (`build_query`, the backend,
`present_search` / `present_listing`), so a page and `/search` never disagree: the templates only
lay out a `SearchResponse` or a `TherapistDetail`. Rendering, escaping and the security headers are
`search_api.rendering`'s; `install_pages` adds every page router (search, referral, admin) to the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from directory.backends.results import DISTANCE_BANDS_KM, band_label
from directory.errors import Gone, InvalidParameter
from directory.presenter import LicenseOut, SearchResponse, TherapistDetail, present_listing, present_search
from directory.search_params import SearchParams
from directory.search_service import build_query
from search_api import admin_pages, claim_pages, referral_pages
from search_api.deps import AppSettings, Backend, Today, Vocab
from search_api.rendering import form_number, form_text, render

PAGE_SIZE = 10

router = APIRouter(include_in_schema=False)


def install_pages(app: FastAPI) -> None:
    """The pages' routes and their static files (CSS, JavaScript), served by the app itself."""
    app.include_router(router)
    app.include_router(referral_pages.router)
    app.include_router(claim_pages.router)
    app.include_router(admin_pages.router)
    app.mount("/static", StaticFiles(packages=[("search_api", "static")]), name="static")


def _flag(query: Mapping[str, str], name: str) -> bool | None:
    raw = (form_text(query, name) or "").lower()
    if raw in ("", "either"):
        return None
    if raw in ("true", "yes", "1", "on"):
        return True
    if raw in ("false", "no", "0", "off"):
        return False
    raise InvalidParameter(name, f"must be true or false, got {raw!r}")


def form_params(request: Request) -> SearchParams:
    """The search form as `SearchParams`: the `/search` parameters, where an empty field means not given."""
    query = request.query_params
    return SearchParams(
        q=form_text(query, "q"),
        condition=form_text(query, "condition"),
        modality=[m.strip() for m in query.getlist("modality") if m.strip()],
        near=form_text(query, "near"),
        radius_km=form_number(query, "radius_km"),
        license_status=form_text(query, "license_status") or "active",
        limit=PAGE_SIZE,
        cursor=form_text(query, "cursor"),
        min_years=form_number(query, "min_years"),
        certification=[c.strip() for c in query.getlist("certification") if c.strip()],
        language=form_text(query, "language"),
        gender=form_text(query, "gender"),
        accepting_new_clients=_flag(query, "accepting_new_clients"),
        mobile=_flag(query, "mobile"),
    )


def _searched(params: SearchParams) -> bool:
    return any((params.q, params.condition, params.near, params.modality, params.certification))


# --- what the templates show ------------------------------------------------------------------


@dataclass
class Badge:
    """A licence as a person reads it: never 'verified' unless the presenter says so."""

    kind: str  # verified / active / expired / restricted / unknown: the CSS class and the icon
    label: str
    detail: str


_RESTRICTED = {"suspended": "suspended", "revoked": "revoked", "probation": "on probation", "inactive": "inactive"}


def licence_badge(lic: LicenseOut) -> Badge:
    where = f"{lic.state} licence {lic.number}"
    if lic.verified:
        until = f", active until {lic.expires_on}" if lic.expires_on else ""
        return Badge("verified", "Verified with the state board", f"{where}{until}")
    if lic.status == "active":
        return Badge("active", "Active, not verified with the board", where)
    if lic.status == "expired":
        ended = f" on {lic.expires_on}" if lic.expires_on else ""
        return Badge("expired", f"Expired{ended}", where)
    if lic.status in _RESTRICTED:
        return Badge("restricted", f"Restricted: {_RESTRICTED[lic.status]}", f"{where} (the board lists it as {lic.status})")
    return Badge("unknown", "Status unknown: not found on a board's list", where)


@dataclass
class FacetOption:
    label: str
    count: int
    url: str
    selected: bool


@dataclass
class Facet:
    title: str
    options: list[FacetOption]


class Links:
    """URLs of this search with one thing changed; paging starts over whenever a filter changes."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self.items = [(k, v) for k, v in items if v.strip() and k != "cursor"]

    def url(self, drop: Iterable[tuple[str, str | None]] = (), add: Iterable[tuple[str, str]] = ()) -> str:
        dropped = list(drop)
        kept = [
            (k, v) for k, v in self.items if not any(k == name and (value is None or v.lower() == value.lower()) for name, value in dropped)
        ]
        query = urlencode([*kept, *add])
        return f"/?{query}" if query else "/"

    def has(self, name: str, value: str) -> bool:
        return any(k == name and v.lower() == value.lower() for k, v in self.items)


def _facets(response: SearchResponse, links: Links, vocab: Any, radius_km: float | None) -> list[Facet]:
    facets: list[Facet] = []
    for key, kind, title in (("modality", "modality", "Technique"), ("certification", "certification", "Certification")):
        options = []
        for term_id, count in response.facets.get(key, {}).items():
            name = vocab.name(kind, term_id)
            selected = links.has(key, name)
            url = links.url(drop=[(key, name)]) if selected else links.url(add=[(key, name)])
            options.append(FacetOption(name, count, url, selected))
        if options:
            facets.append(Facet(title, options))
    statuses = response.facets.get("license_status", {})
    if statuses:
        any_status = response.interpreted.license_status == "any"
        options = [FacetOption(f"Licence {status}", count, "", False) for status, count in statuses.items()]
        toggle = links.url(drop=[("license_status", None)]) if any_status else links.url(add=[("license_status", "any")])
        options.append(FacetOption("Only active licences" if any_status else "Include lapsed licences", 0, toggle, False))
        facets.append(Facet("Licence", options))
    bands = response.facets.get("distance_km", {})
    if bands and response.interpreted.near is not None:
        options = []
        uppers = {band_label(band): band[1] for band in DISTANCE_BANDS_KM}
        cumulative = 0
        for label, count in bands.items():
            cumulative += count
            upper = uppers.get(label)
            if upper is None:
                options.append(FacetOption(label, count, "", False))
                continue
            selected = radius_km is not None and float(upper) == radius_km
            url = links.url(drop=[("radius_km", None)], add=[("radius_km", str(upper))])
            options.append(FacetOption(f"within {upper} km", cumulative, url, selected))
        facets.append(Facet("Distance", options))
    return facets


def _corrections(response: SearchResponse) -> list[tuple[str, str]]:
    """(typed, understood) for every misspelling the search corrected: the 'did you mean' line."""
    interpreted = response.interpreted
    terms = [interpreted.condition, *interpreted.other_conditions, *interpreted.modalities, *interpreted.certifications]
    return [(t.corrected_from, t.name) for t in terms if t is not None and t.corrected_from]


def _condition_names(vocab: Any) -> list[str]:
    names = {term.name for term in vocab.terms["condition"].values()}
    return sorted(names)


# --- routes -----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def search_page(request: Request, backend: Backend, vocab: Vocab, settings: AppSettings, today: Today) -> HTMLResponse:
    """The search page: the form, and the results of the search it describes."""
    links = Links(request.query_params.multi_items())
    context: dict[str, Any] = {
        "form": request.query_params,
        "conditions": _condition_names(vocab),
        "default_radius_km": settings.default_radius_km,
        "error": None,
        "response": None,
        "facets": [],
        "corrections": [],
        "links": links,
        "badge": licence_badge,
        "today": today.isoformat(),
    }
    try:
        params = form_params(request)
        if not _searched(params):
            return render("search.html", **context)
        query, interpreted = build_query(params, vocab, today, settings.default_radius_km, settings.stale_after_days)
        response = present_search(backend.search(query), interpreted, vocab, today)
    except InvalidParameter as exc:
        context["error"] = exc
        return render("search.html", status_code=422, **context)
    context.update(
        response=response,
        facets=_facets(response, links, vocab, params.radius_km),
        corrections=_corrections(response),
        next_url=links.url(add=[("cursor", response.next_cursor)]) if response.next_cursor else None,
        first_url=links.url() if params.cursor else None,
        wider_url=links.url(drop=[("radius_km", None)], add=[("radius_km", str(min(500, int(response.interpreted.radius_km or 40) * 2)))])
        if response.interpreted.near
        else None,
        lapsed_url=links.url(add=[("license_status", "any")]) if response.interpreted.license_status == "active" else None,
    )
    return render("search.html", **context)


def _last_seen(detail: TherapistDetail) -> dict[str, str]:
    """Each source's name → the date it was last fetched: when its facts were last seen."""
    seen: dict[str, str] = {}
    for src in detail.sources:
        day = src.fetched_at[:10]
        seen[src.source] = max(seen.get(src.source, day), day)
    return seen


@router.get("/therapist/{listing_id}", response_class=HTMLResponse)
def therapist_page(listing_id: str, backend: Backend, vocab: Vocab, today: Today) -> Response:
    """Everything known about one therapist, each fact with the source it came from."""
    try:
        listing = backend.get(listing_id)
    except Gone:
        return render("not_found.html", status_code=410, what="This therapist asked to be removed from the directory.")
    if listing is None:
        if (survivor := backend.redirect(listing_id)) is not None:  # merged into another listing
            return RedirectResponse(f"/therapist/{survivor}", status_code=301)
        return render("not_found.html", status_code=404, what=f"No therapist with id {listing_id!r}.")
    detail = present_listing(listing, vocab, today)
    return render("therapist.html", t=detail, last_seen=_last_seen(detail), badge=licence_badge, today=today.isoformat())
