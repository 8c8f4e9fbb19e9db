"""From request parameters to a validated query tree, and from results to response data.

Shared by the HTTP API and the `therapists search` command so both understand a search the same
way. Explicit parameters override what the free text `q` implied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from directory.errors import InvalidParameter
from directory.geo import US_STATES, Place, city_place, resolve_near
from directory.models import GENDERS, Listing
from directory.query import MAX_LIMIT, MAX_RADIUS_KM, Cursor, SearchQuery
from directory.vocabulary import Match, TermKind, Vocabulary, normalize_text

STOPWORDS = frozenset(
    "a an and or the for with of to in on at near by my me i who what best good therapist therapists "
    "massage massages lmt treat treats treating treatment help helps pain relief".split()
)
_NEAR = re.compile(r"\b(?:near|in|around|close to)\s+(.+)$", re.IGNORECASE)
_TRAILING_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")


@dataclass
class SearchParams:
    """A search as the user gave it: every field optional, all text unvalidated."""

    q: str | None = None
    condition: str | None = None
    modality: list[str] = field(default_factory=list)
    near: str | None = None
    radius_km: float | None = None
    license_status: str = "active"
    limit: int = 10
    cursor: str | None = None
    min_years: float | None = None
    certification: list[str] = field(default_factory=list)
    language: str | None = None
    gender: str | None = None
    accepting_new_clients: bool | None = None
    mobile: bool | None = None


MAX_MIN_YEARS = 70


def _phrase_matches(text: str, vocab: Vocabulary) -> tuple[list[Match], list[Match], list[str]]:
    """Conditions and modalities named in free text, plus the words left over.

    Longer phrases win over shorter ones whatever their kind ("prenatal massage" is a technique
    before "prenatal" is a condition), and exact phrases win over fuzzy ones.
    """
    tokens = normalize_text(text).split()
    used = [False] * len(tokens)
    found: dict[TermKind, list[Match]] = {"condition": [], "modality": []}
    for fuzzy in (False, True):
        for n in range(min(4, len(tokens)), 0, -1):
            for start in range(0, len(tokens) - n + 1):
                if any(used[start : start + n]):
                    continue
                window = tokens[start : start + n]
                if all(tok in STOPWORDS for tok in window):
                    continue
                phrase = " ".join(window)
                if fuzzy and len(phrase) < 5:
                    continue
                for kind in ("condition", "modality"):
                    match = vocab.match(phrase, kind, inside=False)  # type: ignore[arg-type]
                    if match is None or match.corrected != fuzzy:
                        continue
                    if all(m.id != match.id for m in found[kind]):  # type: ignore[index]
                        found[kind].append(match)  # type: ignore[index]
                    used[start : start + n] = [True] * n
                    break
    leftover = [tok for tok, u in zip(tokens, used) if not u]
    return found["condition"], found["modality"], leftover


_TRAILING_STATE = re.compile(r"[,\s]+([A-Za-z]{2})\s*$")
_TRAILING_LATLON = re.compile(r"(-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?)\s*$")
_CONNECTOR = re.compile(r"\b(?:near|in|around|close to)\s*$", re.IGNORECASE)


def _split_location(text: str) -> tuple[str, str | None]:
    """(text without its place, the place) for a query ending in a ZIP, 'lat,lon' or 'City, ST'."""
    for pattern in (_TRAILING_ZIP, _TRAILING_LATLON):
        if match := pattern.search(text):
            return text[: match.start()], match.group(1)
    match = _TRAILING_STATE.search(text)
    if match and match.group(1).upper() in US_STATES:
        words = text[: match.start()].split()
        # Longest city first ("New York"), never more than three words ("my arm Miami" is not one).
        for size in range(min(3, len(words)), 0, -1):
            city = " ".join(words[-size:])
            if city_place(city, match.group(1)) is not None:
                return " ".join(words[:-size]), f"{city}, {match.group(1).upper()}"
    if match := _NEAR.search(text):
        return text[: match.start()], match.group(1).strip()  # resolve_near will say why it is unknown
    return text, None


def understand_text(q: str, vocab: Vocabulary) -> tuple[list[Match], list[Match], str | None, list[str]]:
    """Split free text into conditions, modalities, a location phrase and words not understood."""
    text, location = _split_location(q.strip())
    text = _CONNECTOR.sub("", text)
    conditions, modalities, rest = _phrase_matches(text, vocab)
    ignored = [tok for tok in rest if tok not in STOPWORDS]
    return conditions, modalities, location, ignored


def _require_term(text: str, kind: TermKind, parameter: str, vocab: Vocabulary) -> Match:
    match = vocab.match(text, kind)
    if match is None:
        suggestions = vocab.suggest(text, kind)
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise InvalidParameter(parameter, f"unknown {kind} {text!r}{hint}", suggestions)
    return match


def build_query(
    params: SearchParams,
    vocab: Vocabulary,
    today: date | None = None,
    default_radius_km: float = 40.0,
    stale_after_days: int = 365,
) -> tuple[SearchQuery, dict[str, Any]]:
    """Validate the parameters into a SearchQuery, and say what was understood."""
    if not 1 <= params.limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"must be between 1 and {MAX_LIMIT}, got {params.limit}")
    if params.radius_km is not None and not 0 < params.radius_km <= MAX_RADIUS_KM:
        raise InvalidParameter("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM:g} km, got {params.radius_km:g}")
    if params.license_status not in ("active", "any"):
        raise InvalidParameter("license_status", f"must be 'active' or 'any', got {params.license_status!r}")
    cursor = Cursor.decode(params.cursor) if params.cursor else None
    if params.min_years is not None and not 0 <= params.min_years <= MAX_MIN_YEARS:
        raise InvalidParameter("min_years", f"must be between 0 and {MAX_MIN_YEARS}, got {params.min_years:g}")
    gender = params.gender.strip().lower() if params.gender else None
    if gender is not None and gender not in GENDERS:
        raise InvalidParameter("gender", f"must be one of {', '.join(GENDERS)}, got {params.gender!r}")
    certifications = [_require_term(c, "certification", "certification", vocab) for c in params.certification]

    conditions: list[Match] = []
    modalities: list[Match] = []
    location_text: str | None = None
    ignored: list[str] = []
    if params.q and params.q.strip():
        conditions, modalities, location_text, ignored = understand_text(params.q, vocab)
    if params.condition is not None:
        conditions = [_require_term(params.condition, "condition", "condition", vocab)]
    # Techniques named in free text rank those who offer them first; the `modality` parameter filters.
    preferred = modalities
    modalities = [_require_term(m, "modality", "modality", vocab) for m in params.modality]
    if modalities:
        preferred = []
    near: Place | None = None
    if params.near is not None:
        near = resolve_near(params.near, "near")
    elif location_text:
        near = resolve_near(location_text, "q")
    advisories = vocab.advisories_for([m.id for m in conditions], params.q or "")

    query = SearchQuery(
        conditions=conditions[:1],
        modalities=modalities,
        near=near,
        radius_km=params.radius_km if params.radius_km is not None else default_radius_km,
        license_status=params.license_status,  # type: ignore[arg-type]
        limit=params.limit,
        cursor=cursor,
        today=today or date.today(),
        advisories=[a.id for a in advisories],
        stale_after_days=stale_after_days,
        preferred_modalities=preferred,
        certifications=certifications,
        min_years=params.min_years,
        language=params.language.strip() if params.language else None,
        gender=gender,
        accepting_new_clients=params.accepting_new_clients,
        mobile=params.mobile,
    )
    interpreted: dict[str, Any] = {
        "condition": _describe(conditions[0], vocab) if conditions else None,
        "other_conditions": [_describe(m, vocab) for m in conditions[1:]],
        "modalities": [{**_describe(m, vocab), "use": "filter"} for m in modalities]
        + [{**_describe(m, vocab), "use": "preference"} for m in preferred],
        "certifications": [_describe(m, vocab) for m in certifications],
        "filters": {
            name: value
            for name, value in (
                ("min_years", params.min_years), ("language", query.language), ("gender", gender),
                ("accepting_new_clients", params.accepting_new_clients), ("mobile", params.mobile),
            )
            if value is not None
        },
        "near": {"label": near.label, "lat": near.lat, "lon": near.lon} if near else None,
        "radius_km": query.radius_km if near else None,
        "license_status": query.license_status,
        "advisories": [
            {"id": a.id, "message": a.message, "prefer_modalities": [vocab.name("modality", m) for m in a.prefer_modalities]}
            for a in advisories
        ],
        "ignored_words": ignored,
    }
    return query, interpreted


def _describe(match: Match, vocab: Vocabulary) -> dict[str, Any]:
    described: dict[str, Any] = {
        "id": match.id,
        "name": vocab.name(match.kind, match.id),
        "matched_text": match.text,
        "method": match.method,
    }
    if match.corrected:
        described["corrected_from"] = match.text
    return described


def listing_summary(listing: Listing, vocab: Vocabulary, today: date) -> dict[str, Any]:
    """The fields every listing shows, in search results and on its own page."""
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


def listing_detail(listing: Listing, vocab: Vocabulary, today: date) -> dict[str, Any]:
    """A listing's own page: the summary plus contact, bio and provenance."""
    detail = listing_summary(listing, vocab, today)
    detail.update(
        {
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
                {"source": s.source, "kind": s.kind, "url": s.url, "fetched_at": s.fetched_at.isoformat()}
                for s in listing.sources
            ],
            "unparsed": [u.model_dump() for u in listing.unparsed],
        }
    )
    return detail
