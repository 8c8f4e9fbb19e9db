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
    status_as_published: list[str] = Field(default_factory=list, description="The board's status words as published.")
    restrictions: list[str] = Field(default_factory=list, description="Restrictions on practice, as the board published them.")
    discipline: list[str] = Field(default_factory=list, description="Discipline on record, as the board published it.")
    source: str | None = Field(None, description="The source the status came from.")
    verified_by: str | None = _absent_when_none(
        "'directory': verified by the directory by hand on `verified_on` (not by a board file's row); absent otherwise."
    )
    verified_on: str | None = _absent_when_none("When the directory verified the licence by hand.")


class CertificationOut(BaseModel):
    name: str
    issuer: str | None
    number: str | None
    expires_on: str | None
    expired: bool = Field(False, description="Its expiry date has passed: listed as published, never as a current credential.")


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
    method: Literal["exact", "icd10", "fuzzy", "head_word"] = Field(
        description="How the text was recognised: an exact name or synonym, an ICD-10 code, a corrected misspelling, "
        "or a single word that starts exactly one term's name (head_word)."
    )
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
    considered: list[str] = Field([], description="Other places the name could have meant, when it was typed without its state.")


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
    name: str | None = Field(None, description="The person's name searched for (the name parameter, or free text that is a name).")


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


class LicenseDetailOut(LicenseOut):
    source: str | None = Field(None, description="The source the licence and its status came from.")


class CertificationDetailOut(CertificationOut):
    source: str | None = Field(None, description="The source that lists the certification.")


class EvidenceOut(BaseModel):
    """Why the listing names a condition or technique: the words as a source published them."""

    kind: Literal["condition", "modality"]
    term: str = Field(description="The condition or technique, by its display name.")
    text: str
    source: str


class TherapistDetail(ListingFields):
    licenses: list[LicenseDetailOut]  # type: ignore[assignment]  # the search result's licence, plus its source
    certifications: list[CertificationDetailOut]  # type: ignore[assignment]  # likewise, plus its source
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
    evidence: list[EvidenceOut] = Field([], description="The published words behind each condition and technique listed.")
    last_seen: str | None = Field(None, description="The last date any source of this listing was fetched.")


class ReferralLicenseOut(BaseModel):
    state: str
    number: str
    status: str
    verified: bool
    verified_by: str | None = Field(
        description="How the licence was checked: the board source and when it was fetched; null when it was not."
    )
    verified_source_url: str | None
    issued_on: str | None
    expires_on: str | None


class PracticeAddressOut(BaseModel):
    """The practice address (never a mailing or home address: those never reach a listing)."""

    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None


class TrainingOut(BaseModel):
    """Training relevant to the diagnosis: a certification that qualifies for it, or a technique that serves it."""

    kind: Literal["certification", "technique"]
    name: str
    issuer: str | None = None
    number: str | None = None
    expires_on: str | None = None


class ReferralEntry(BaseModel):
    rank: int
    id: str
    name: str
    credentials: list[str]
    npi: str | None
    licenses: list[ReferralLicenseOut]
    address: PracticeAddressOut
    phone: str | None
    distance_km: float | None
    score: float
    treats: str = Field(description="How the therapist is known to treat the condition: a stated specialty or a qualifying certification.")
    training: list[TrainingOut]
    evidence: list[EvidenceOut]
    why: list[str]
    profile_path: str


class ReferralConditionOut(BaseModel):
    id: str
    name: str
    icd10: list[str]
    matched_text: str
    method: Literal["exact", "icd10", "fuzzy"]


class ReferralQueryOut(BaseModel):
    """The request as asked, so a letter can cite it."""

    icd10: str | None
    condition: str | None
    near: str
    radius_km: float
    limit: int


class ReferralList(BaseModel):
    """A referral list: what a letter cites. Stored when made, so its id returns the same list later."""

    list_id: str
    created_at: str = Field(description="When the list was made (UTC, ISO 8601).")
    as_of: str = Field(description="The date licences were checked against.")
    index_generation: str
    index_built_at: str | None
    query: ReferralQueryOut
    condition: ReferralConditionOut
    near: NearOut
    radius_km: float
    advisories: list[AdvisoryOut]
    total: int = Field(description="How many therapists qualified; the list holds the first `limit` of them.")
    entries: list[ReferralEntry]
    citation: str


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
            "near": {"label": query.near.label, "lat": query.near.lat, "lon": query.near.lon, "considered": list(query.near.considered)}
            if query.near
            else None,
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
            "name": query.name_text,
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
                "status_as_published": lic.status_as_published,
                "restrictions": lic.restrictions,
                "discipline": lic.discipline,
                "source": lic.source,
                "verified_by": "directory" if lic.verified and lic.verified_by == "directory" else None,
                "verified_on": lic.verified_on.isoformat() if lic.verified and lic.verified_by == "directory" and lic.verified_on else None,
            }
            for lic in listing.licenses_as_of(today)
        ],
        "certifications": [
            {
                "name": cert.name,
                "issuer": cert.issuer,
                "number": cert.number,
                "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
                "expired": not cert.is_current(today),
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


def present_evidence(listing: Listing, vocab: Vocabulary) -> list[EvidenceOut]:
    """The published words behind a listing's conditions and techniques, with their sources."""
    return [EvidenceOut(kind=e.kind, term=vocab.name(e.kind, e.term), text=e.text, source=e.source) for e in listing.evidence]


def present_listing(listing: Listing, vocab: Vocabulary, today: date) -> TherapistDetail:
    """A therapist's own page: the listing's fields plus contact, bio, practice details and provenance."""
    summary = _summary(listing, vocab, today)
    for shown, lic in zip(summary["licenses"], listing.licenses, strict=True):
        shown["source"] = lic.source
    for shown, cert in zip(summary["certifications"], listing.certifications, strict=True):
        shown["source"] = cert.source
    return TherapistDetail.model_validate(
        {
            **summary,
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
            "evidence": present_evidence(listing, vocab),
            "last_seen": listing.last_seen.isoformat() if listing.last_seen else None,
        }
    )


def present_error(code: str, reason: str, parameter: str | None = None, suggestions: list[str] | None = None) -> ErrorResponse:
    return ErrorResponse(error=ErrorBody(code=code, parameter=parameter, reason=reason, suggestions=suggestions or []))


_VERIFYING_SOURCE = {"license_csv": "state licensing board file"}


def _referral_license(listing: Listing, lic: Any) -> dict[str, Any]:
    ref = next((s for s in listing.sources if s.source == lic.source), None) if lic.verified else None
    verified_by = None
    if lic.verified:
        what = _VERIFYING_SOURCE.get(ref.kind.value if ref else "", "state board source")
        fetched = f", fetched {ref.fetched_at.date().isoformat()}" if ref else ""
        verified_by = f"{what} {lic.source!r}{fetched}: {lic.status.value}, licence {lic.state} {lic.number}"
    return {
        "state": lic.state,
        "number": lic.number,
        "status": lic.status.value,
        "verified": lic.verified,
        "verified_by": verified_by,
        "verified_source_url": ref.url if ref else None,
        "issued_on": lic.issued_on.isoformat() if lic.issued_on else None,
        "expires_on": lic.expires_on.isoformat() if lic.expires_on else None,
    }


def _training(listing: Listing, condition_id: str, vocab: Vocabulary, today: date) -> list[dict[str, Any]]:
    """Current certifications that qualify for the condition, then techniques that serve it, as the listing states them."""
    out: list[dict[str, Any]] = []
    for cert in listing.current_certifications(today):
        term = vocab.term("certification", cert.id) if cert.id else None
        if term is not None and condition_id in term.qualifies_conditions:
            out.append(
                {
                    "kind": "certification",
                    "name": cert.name,
                    "issuer": cert.issuer,
                    "number": cert.number,
                    "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
                }
            )
    for modality_id in listing.modalities:
        term = vocab.term("modality", modality_id)
        if term is not None and any(s.id == condition_id for s in term.serves):
            out.append({"kind": "technique", "name": term.name})
    return out


def _treats(listing: Listing, condition_id: str, vocab: Vocabulary, today: date) -> str:
    if condition_id in listing.conditions:
        return "states it as a specialty"
    certs = [
        c.name
        for c in listing.current_certifications(today)
        if c.id and (term := vocab.term("certification", c.id)) is not None and condition_id in term.qualifies_conditions
    ]
    return f"holds {', '.join(certs)}, which qualifies for it" if certs else "related training"


def _evidence(listing: Listing, condition_id: str, training: list[dict[str, Any]], vocab: Vocabulary) -> list[dict[str, Any]]:
    techniques = {t["name"] for t in training if t["kind"] == "technique"}
    out = []
    for ev in listing.evidence:
        name = vocab.name(ev.kind, ev.term)
        if (ev.kind == "condition" and ev.term == condition_id) or (ev.kind == "modality" and name in techniques):
            out.append({"kind": ev.kind, "term": name, "text": ev.text, "source": ev.source})
    return out


def _referral_entry(rank: int, hit: Hit, condition_id: str, vocab: Vocabulary, today: date) -> dict[str, Any]:
    listing, loc = hit.listing, hit.listing.location
    training = _training(listing, condition_id, vocab, today)
    return {
        "rank": rank,
        "id": listing.id,
        "name": listing.name,
        "credentials": listing.credentials,
        "npi": listing.npi,
        "licenses": [_referral_license(listing, lic) for lic in listing.licenses_as_of(today)],
        "address": {
            "street": loc.address if loc else None,
            "city": loc.city if loc else None,
            "state": loc.state if loc else None,
            "postal_code": loc.postal_code if loc else None,
        },
        "phone": listing.phone,
        "distance_km": hit.distance_km,
        "score": hit.score,
        "treats": _treats(listing, condition_id, vocab, today),
        "training": training,
        "evidence": _evidence(listing, condition_id, training, vocab),
        "why": hit.why,
        "profile_path": f"/therapists/{listing.id}",
    }


def present_referral(
    header: dict[str, Any], page: SearchPage, condition: Match, interpreted: Interpreted, vocab: Vocabulary, today: date
) -> ReferralList:
    """A referral list: `header` holds list_id, created_at, index_generation, index_built_at and query;
    the entries are the search's page, in its order."""
    term = vocab.term("condition", condition.id)
    assert interpreted.near is not None and interpreted.radius_km is not None  # a referral needs a place
    list_id, generation = header["list_id"], header["index_generation"]
    return ReferralList.model_validate(
        {
            **header,
            "as_of": today.isoformat(),
            "condition": {
                "id": condition.id,
                "name": vocab.name("condition", condition.id),
                "icd10": term.icd10 if term else [],
                "matched_text": condition.text,
                "method": condition.method,
            },
            "near": interpreted.near,
            "radius_km": interpreted.radius_km,
            "advisories": interpreted.advisories,
            "total": page.total,
            "entries": [_referral_entry(rank, hit, condition.id, vocab, today) for rank, hit in enumerate(page.hits, start=1)],
            "citation": f"Therapist directory referral list {list_id}, made {header['created_at']} from index generation {generation}; "
            f"licences checked as of {today.isoformat()}",
        }
    )
