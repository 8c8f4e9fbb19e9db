"""One cluster of source records → one `Listing`.

Which source wins for each field, and why:
- name: the practice website's (how the therapist presents themself), else the NPI/board name;
- licence status: only a board row decides it, and `verified` needs an active board row;
- location and phone: practice website, then NPPES LOCATION address, then a board's practice
  address — never a mailing address;
- experience: the earliest board issue date, else the NPI enumeration date (marked as such).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from directory.models import Certification, Evidence, License, LicenseStatus, Listing, Location, SourceRef, UnparsedValue
from directory.raw import SourceKind
from indexer.dates import experience_start
from indexer.extract import SourceRecord
from indexer.linkage import listing_id
from indexer.normalize import license_key

_KIND_PRIORITY = {
    SourceKind.profile_site: 0,
    SourceKind.nppes: 1,
    SourceKind.nppes_bulk: 1,
    SourceKind.license_csv: 2,
    SourceKind.cert_roster: 3,
}
DAYS_PER_YEAR = 365.25
M = TypeVar("M", bound=BaseModel)


def _by_priority(group: list[SourceRecord]) -> list[SourceRecord]:
    if len(group) == 1:
        return group
    return sorted(group, key=lambda r: (_KIND_PRIORITY.get(r.kind, 9), r.key))


def _merge_licenses(group: list[SourceRecord], today: date) -> list[License]:
    board: dict[str, License] = {}
    claimed: dict[str, License] = {}
    for rec in group:
        from_board = rec.kind == SourceKind.license_csv
        for lic in rec.licenses:
            key = license_key(lic.state, lic.number) or f"{lic.state}:{lic.number}"
            if from_board:
                current = board.get(key)
                # Two board rows for one licence: the one expiring last is the current one.
                if current is None or (lic.expires_on or date.min) > (current.expires_on or date.min):
                    board[key] = lic
            elif key not in claimed:
                claimed[key] = lic
    merged = [lic.as_of(today) for lic in board.values()]
    merged += [
        lic.model_copy(update={"status": LicenseStatus.unknown, "verified": False}) for key, lic in claimed.items() if key not in board
    ]
    if len(merged) > 1:
        merged.sort(key=lambda lic: (lic.status != LicenseStatus.active, lic.state, lic.number))
    return merged


def _merge_certifications(group: list[SourceRecord]) -> list[Certification]:
    found: dict[str, Certification] = {}
    if not any(rec.certifications for rec in group):
        return []
    for rec in sorted(group, key=lambda r: (r.kind != SourceKind.cert_roster, r.key)):
        for cert in rec.certifications:
            key = cert.id or cert.name.lower()
            if key not in found:
                found[key] = cert
    return list(found.values())


def _experience(
    licenses: list[License], group: list[SourceRecord], today: date
) -> tuple[float | None, Literal["license", "npi_enumeration"] | None]:
    issued = [start for lic in licenses if (start := experience_start(lic.issued_on, today))]
    if issued:
        return round((today - min(issued)).days / DAYS_PER_YEAR, 1), "license"
    enumerated = [r.enumeration_date for r in group if r.enumeration_date and r.enumeration_date <= today]
    if enumerated:
        return round((today - min(enumerated)).days / DAYS_PER_YEAR, 1), "npi_enumeration"
    return None, None


def merge(group: list[SourceRecord], today: date, listing_id_: str | None = None) -> Listing:
    ordered = _by_priority(group)
    licenses = _merge_licenses(group, today)
    years, basis = _experience(licenses, group, today)
    evidence: list[Evidence] = []
    seen_terms: set[tuple[str, str]] = set()
    credentials: dict[str, None] = {}
    languages: dict[str, None] = {}
    locations: list[Location] = []
    # The first value in priority order that is set (truthy; for the yes/no facts, not None).
    display = npi = phone = bio = gender = price_range = None
    payment: list[str] = []
    hours: list[str] = []
    accepting = mobile = wheelchair = None
    for rec in ordered:
        for ev in rec.evidence:
            if (ev.kind, ev.term) not in seen_terms:
                seen_terms.add((ev.kind, ev.term))
                evidence.append(ev)
        if rec.credentials:
            credentials.update(dict.fromkeys(rec.credentials))
        if rec.languages:
            languages.update(dict.fromkeys(rec.languages))
        if rec.location is not None:
            locations.append(rec.location)
        display = display or rec.display_name
        npi = npi or rec.npi
        phone = phone or rec.phone
        bio = bio or rec.bio
        gender = gender or rec.gender
        price_range = price_range or rec.price_range
        payment = payment or rec.payment_accepted
        hours = hours or rec.opening_hours
        accepting = rec.accepting_new_clients if accepting is None else accepting
        mobile = rec.mobile if mobile is None else mobile
        wheelchair = rec.wheelchair_accessible if wheelchair is None else wheelchair
    location = (
        next((loc for loc in locations if loc.lat is not None and loc.address), None)
        or next((loc for loc in locations if loc.lat is not None), None)
        or next((loc for loc in locations if loc), None)
    )
    sources: dict[tuple[str, str], SourceRef] = {}
    for rec in group:
        if (rec.source, rec.url) not in sources:
            sources[rec.source, rec.url] = _construct(
                SourceRef, {"source": rec.source, "kind": rec.kind, "url": rec.url, "fetched_at": rec.fetched_at}
            )
    values: dict[str, Any] = {
        "id": listing_id_ or listing_id(group),
        "name": str(display or ordered[0].name.display()),
        "credentials": list(credentials),
        "npi": npi or None,
        "licenses": licenses,
        "certifications": _merge_certifications(group),
        "modalities": [ev.term for ev in evidence if ev.kind == "modality"],
        "conditions": [ev.term for ev in evidence if ev.kind == "condition"],
        "evidence": evidence,
        "years_experience": years,
        "experience_basis": basis,
        "location": location,
        "phone": phone or None,
        "bio": bio or None,
        "languages": list(languages),
        "gender": str(gender) if gender else None,  # validated, a Gender would become its str value
        "accepting_new_clients": accepting,
        "mobile": mobile,
        "payment_accepted": list(payment),
        "price_range": price_range or None,
        "wheelchair_accessible": wheelchair,
        "opening_hours": list(hours),
        "sources": sorted(sources.values(), key=lambda s: (s.kind, s.source, s.url)),
        "last_seen": max(r.fetched_at for r in group).date(),
        "unparsed": [
            UnparsedValue(field=f, raw=raw, source=source)
            for f, raw, source in sorted({(f, raw, r.source) for r in group for f, raw in r.unparsed})
        ]
        if any(r.unparsed for r in group)
        else [],
    }
    return _construct(Listing, values)


def licence_state(listing: Listing) -> Listing:
    """What the curation store reads of a listing written (its id, name and licences), kept small:
    the cheap form of `Listing.model_construct(id=..., name=..., licenses=...)`."""
    return _construct(Listing, {"id": listing.id, "name": listing.name, "licenses": listing.licenses})


@lru_cache(maxsize=16)
def _template(model: type[BaseModel]) -> tuple[dict[str, Any], tuple[str, ...], frozenset[str]]:
    """Every field of `model`, in order, at its default (None for a required one); the fields
    whose default is an empty list (each instance needs its own); the required fields."""
    # `_construct` sets the attributes `model_construct` sets; a model with private attributes or
    # a post-init hook would need more.
    assert not model.__private_attributes__ and model.__pydantic_post_init__ is None, model
    defaults = {
        name: None if info.is_required() else info.get_default(call_default_factory=True) for name, info in model.model_fields.items()
    }
    assert all(value is None or value == [] or isinstance(value, str | int | float) for value in defaults.values()), model
    required = frozenset(name for name, info in model.model_fields.items() if info.is_required())
    return defaults, tuple(name for name, value in defaults.items() if value == []), required


def _construct(model: type[M], values: dict[str, Any]) -> M:
    """`model(**values)` for values our own code built, of the fields' types already, without
    validating them again (measured: validating a merged listing cost more than merging it;
    `model_construct` deep-copies every default and costs nearly as much). Fields not given take
    their defaults, each empty list a fresh one. The attributes are in field order, which is the
    order `model_dump_json` writes them in."""
    defaults, lists, required = _template(model)
    if not required <= values.keys():
        raise TypeError(f"{model.__name__} needs {sorted(required - values.keys())}")
    attributes = defaults.copy()
    attributes.update(values)  # known keys keep their place
    for name in lists:
        if name not in values:
            attributes[name] = []
    assert len(attributes) == len(defaults), f"not fields of {model.__name__}: {set(values) - set(defaults)}"
    obj = model.__new__(model)
    object.__setattr__(obj, "__dict__", attributes)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj
