"""What a search, a therapist page and an error look like to the outside: the one definition.

The HTTP API, the `therapists search --json` command (and, next, HTML pages and FHIR) present
through these models and functions, so the JSON is the same wherever it is read. The field names
are an outside contract: extend, never rename.

Speed: a search page is built as plain data and validated into `SearchResponse` in one pass of
pydantic-core (~45 µs for ten results, and serialising is faster than json.dumps); per-object
constructors cost more because they run in Python for each object.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from directory.models import Listing
from directory.query import SearchQuery
from directory.vocabulary import Match, Vocabulary

if TYPE_CHECKING:  # the backends' result types only; the presenter never calls a backend
    from directory.backends.base import Hit, SearchPage


def _absent_when_none(description: str | None = None) -> Any:
    """An optional key the JSON has always left out, rather than sent as null, when unset (contract)."""
    return Field(None, exclude_if=lambda value: value is None, description=description)


class LicenseOut(BaseModel):
    state: str
    number: str
    status: str
    verified: bool
    issued_on: str | None
    expires_on: str | None


class CertificationOut(BaseModel):
    name: str
    issuer: str | None
    number: str | None
    expires_on: str | None


class LocationOut(BaseModel):
    city: str | None
    state: str | None
    postal_code: str | None
    lat: float | None
    lon: float | None


class ListingFields(BaseModel):
    """The fields every listing shows, in search results and on its own page."""

    id: str
    name: str
    credentials: list[str]
    npi: str | None
    licenses: list[LicenseOut]
    certifications: list[CertificationOut]
    modalities: list[str]
    conditions: list[str]
    years_experience: float | None
    location: LocationOut


class SearchResult(ListingFields):
    distance_km: float | None
    score: float
    why: list[str]


class TermOut(BaseModel):
    """A vocabulary term the search was understood to name, and how it was recognised."""

    id: str
    name: str
    matched_text: str
    method: Literal["exact", "icd10", "fuzzy"]
    corrected_from: str | None = _absent_when_none("The text as typed, when it was a misspelling.")


class ModalityTermOut(TermOut):
    use: Literal["filter", "preference"] = Field(
        description="'filter' (the modality parameter: only those who offer it) or 'preference' (named in q: ranked first)."
    )


class FiltersOut(BaseModel):
    """Attribute filters in force; a filter not asked for is absent, not null."""

    min_years: float | None = _absent_when_none()
    language: str | None = _absent_when_none()
    gender: str | None = _absent_when_none()
    accepting_new_clients: bool | None = _absent_when_none()
    mobile: bool | None = _absent_when_none()


class NearOut(BaseModel):
    label: str
    lat: float
    lon: float


class AdvisoryOut(BaseModel):
    id: str
    message: str
    prefer_modalities: list[str]


class Interpreted(BaseModel):
    """What the search was understood as: conditions, techniques, place, corrections, advisories."""

    condition: TermOut | None
    other_conditions: list[TermOut]
    modalities: list[ModalityTermOut]
    certifications: list[TermOut]
    filters: FiltersOut
    near: NearOut | None
    radius_km: float | None
    license_status: Literal["active", "any"]
    advisories: list[AdvisoryOut]
    ignored_words: list[str]


class SearchResponse(BaseModel):
    total: int
    results: list[SearchResult]
    next_cursor: str | None
    interpreted: Interpreted
    facets: dict[str, dict[str, int]]


class SourceOut(BaseModel):
    source: str
    kind: str
    url: str
    fetched_at: str


class UnparsedOut(BaseModel):
    field: str
    raw: str
    source: str


class CorrectionOut(BaseModel):
    field: str
    published: Any = Field(description="The value as the sources published it.")
    corrected: Any = Field(description="The value shown, as the directory corrected it.")
    on: str = Field(description="ISO date of the correction.")


class TherapistDetail(ListingFields):
    phone: str | None
    bio: str | None
    address: str | None
    languages: list[str]
    accepting_new_clients: bool | None
    mobile: bool | None
    payment_accepted: list[str]
    price_range: str | None
    wheelchair_accessible: bool | None
    opening_hours: list[str]
    experience_basis: str | None
    sources: list[SourceOut]
    unparsed: list[UnparsedOut] = Field([], description="Values a source published that could not be parsed, shown as published.")
    corrections: list[CorrectionOut] = Field([], description="Fields the directory corrected, each with the value as published.")


class ConditionTerm(BaseModel):
    id: str
    name: str
    icd10: list[str]
    synonyms: list[str]


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable: invalid_parameter, not_found, method_not_allowed, internal_error, ...")
    parameter: str | None = Field(None, description="The request parameter at fault, when there is one.")
    reason: str
    suggestions: list[str] = []


class ErrorResponse(BaseModel):
    """The one shape of every error the API answers."""

    error: ErrorBody


def _term(match: Match, vocab: Vocabulary) -> dict[str, Any]:
    return {
        "id": match.id,
        "name": vocab.name(match.kind, match.id),
        "matched_text": match.text,
        "method": match.method,
        "corrected_from": match.text if match.corrected else None,
    }


def present_interpreted(
    query: SearchQuery, vocab: Vocabulary, other_conditions: Sequence[Match] = (), ignored_words: Sequence[str] = ()
) -> Interpreted:
    """`interpreted` for a validated query. Conditions beyond the first and words not understood
    are not part of the query, so the caller passes them."""
    return Interpreted.model_validate(
        {
            "condition": _term(query.conditions[0], vocab) if query.conditions else None,
            "other_conditions": [_term(m, vocab) for m in other_conditions],
            "modalities": [{**_term(m, vocab), "use": "filter"} for m in query.modalities]
            + [{**_term(m, vocab), "use": "preference"} for m in query.preferred_modalities],
            "certifications": [_term(m, vocab) for m in query.certifications],
            "filters": {
                "min_years": query.min_years,
                "language": query.language,
                "gender": query.gender,
                "accepting_new_clients": query.accepting_new_clients,
                "mobile": query.mobile,
            },
            "near": {"label": query.near.label, "lat": query.near.lat, "lon": query.near.lon} if query.near else None,
            "radius_km": query.radius_km if query.near else None,
            "license_status": query.license_status,
            "advisories": [
                {
                    "id": advisory.id,
                    "message": advisory.message,
                    "prefer_modalities": [vocab.name("modality", m) for m in advisory.prefer_modalities],
                }
                for advisory in (vocab.advisories[a] for a in query.advisories if a in vocab.advisories)
            ],
            "ignored_words": list(ignored_words),
        }
    )


def _summary(listing: Listing, vocab: Vocabulary, today: date) -> dict[str, Any]:
    """ListingFields as plain data, to be validated once with the rest of the response."""
    loc = listing.location
    return {
        "id": listing.id,
        "name": listing.name,
        "credentials": listing.credentials,
        "npi": listing.npi,
        "licenses": [
            {
                "state": lic.state,
                "number": lic.number,
                "status": lic.status.value,
                "verified": lic.verified,
                "issued_on": lic.issued_on.isoformat() if lic.issued_on else None,
                "expires_on": lic.expires_on.isoformat() if lic.expires_on else None,
            }
            for lic in listing.licenses_as_of(today)
        ],
        "certifications": [
            {
                "name": cert.name,
                "issuer": cert.issuer,
                "number": cert.number,
                "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
            }
            for cert in listing.certifications
        ],
        "modalities": [vocab.name("modality", m) for m in listing.modalities],
        "conditions": [vocab.name("condition", c) for c in listing.conditions],
        "years_experience": listing.years_experience,
        "location": {
            "city": loc.city if loc else None,
            "state": loc.state if loc else None,
            "postal_code": loc.postal_code if loc else None,
            "lat": loc.lat if loc else None,
            "lon": loc.lon if loc else None,
        },
    }


def _result(hit: Hit, vocab: Vocabulary, today: date) -> dict[str, Any]:
    return {**_summary(hit.listing, vocab, today), "distance_km": hit.distance_km, "score": hit.score, "why": hit.why}


def present_search(page: SearchPage, interpreted: Interpreted, vocab: Vocabulary, today: date) -> SearchResponse:
    """The search response: one page of results, the cursor to the next, what was understood, facets."""
    return SearchResponse.model_validate(
        {
            "total": page.total,
            "results": [_result(hit, vocab, today) for hit in page.hits],
            "next_cursor": page.next_cursor,
            "interpreted": interpreted,
            "facets": page.facets,
        }
    )


def present_listing(listing: Listing, vocab: Vocabulary, today: date) -> TherapistDetail:
    """A therapist's own page: the listing's fields plus contact, bio, practice details and provenance."""
    return TherapistDetail.model_validate(
        {
            **_summary(listing, vocab, today),
            "phone": listing.phone,
            "bio": listing.bio,
            "address": listing.location.address if listing.location else None,
            "languages": listing.languages,
            "accepting_new_clients": listing.accepting_new_clients,
            "mobile": listing.mobile,
            "payment_accepted": listing.payment_accepted,
            "price_range": listing.price_range,
            "wheelchair_accessible": listing.wheelchair_accessible,
            "opening_hours": listing.opening_hours,
            "experience_basis": listing.experience_basis,
            "sources": [
                {"source": s.source, "kind": s.kind, "url": s.url, "fetched_at": s.fetched_at.isoformat()} for s in listing.sources
            ],
            "unparsed": [u.model_dump() for u in listing.unparsed],
            "corrections": [{**c.model_dump(), "on": c.on.isoformat()} for c in listing.corrections],
        }
    )


def present_error(code: str, reason: str, parameter: str | None = None, suggestions: list[str] | None = None) -> ErrorResponse:
    return ErrorResponse(error=ErrorBody(code=code, parameter=parameter, reason=reason, suggestions=suggestions or []))
