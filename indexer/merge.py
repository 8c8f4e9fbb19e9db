"""One cluster of source records → one `Listing`.

Which source wins for each field, and why:
- name: the practice website's (how the therapist presents themself), else the NPI/board name;
- licence status: only a board row decides it, and `verified` needs an active board row;
- location and phone: practice website, then NPPES LOCATION address, then a board's practice
  address — never a mailing address;
- experience: the earliest board issue date, else the NPI enumeration date (marked as such).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, TypeVar

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
T = TypeVar("T")


def _by_priority(group: list[SourceRecord]) -> list[SourceRecord]:
    return sorted(group, key=lambda r: (_KIND_PRIORITY.get(r.kind, 9), r.key))


def _merge_licenses(group: list[SourceRecord], today: date) -> list[License]:
    board: dict[str, License] = {}
    claimed: dict[str, License] = {}
    for rec in group:
        for lic in rec.licenses:
            key = license_key(lic.state, lic.number) or f"{lic.state}:{lic.number}"
            if rec.kind == SourceKind.license_csv:
                current = board.get(key)
                # Two board rows for one licence: the one expiring last is the current one.
                if current is None or (lic.expires_on or date.min) > (current.expires_on or date.min):
                    board[key] = lic
            else:
                claimed.setdefault(key, lic)
    merged = [lic.as_of(today) for lic in board.values()]
    merged += [
        lic.model_copy(update={"status": LicenseStatus.unknown, "verified": False}) for key, lic in claimed.items() if key not in board
    ]
    return sorted(merged, key=lambda lic: (lic.status != LicenseStatus.active, lic.state, lic.number))


def _merge_certifications(group: list[SourceRecord]) -> list[Certification]:
    found: dict[str, Certification] = {}
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


def _first(values: Sequence[T | None]) -> T | None:
    return next((v for v in values if v), None)


def merge(group: list[SourceRecord], today: date, listing_id_: str | None = None) -> Listing:
    ordered = _by_priority(group)
    licenses = _merge_licenses(group, today)
    years, basis = _experience(licenses, group, today)
    evidence: list[Evidence] = []
    seen_terms: set[tuple[str, str]] = set()
    for rec in ordered:
        for ev in rec.evidence:
            if (ev.kind, ev.term) not in seen_terms:
                seen_terms.add((ev.kind, ev.term))
                evidence.append(ev)
    credentials: list[str] = []
    for rec in ordered:
        for cred in rec.credentials:
            if cred not in credentials:
                credentials.append(cred)
    locations: list[Location] = [r.location for r in ordered if r.location is not None]
    location = (
        next((loc for loc in locations if loc.lat is not None and loc.address), None)
        or _first([loc for loc in locations if loc.lat is not None])
        or _first(locations)
    )
    display = _first([r.display_name for r in ordered]) or ordered[0].name.display()
    sources: dict[tuple[str, str], SourceRef] = {}
    for rec in group:
        sources.setdefault((rec.source, rec.url), SourceRef(source=rec.source, kind=rec.kind, url=rec.url, fetched_at=rec.fetched_at))
    return Listing(
        id=listing_id_ or listing_id(group),
        name=str(display),
        credentials=credentials,
        npi=_first([r.npi for r in ordered]),
        licenses=licenses,
        certifications=_merge_certifications(group),
        modalities=[ev.term for ev in evidence if ev.kind == "modality"],
        conditions=[ev.term for ev in evidence if ev.kind == "condition"],
        evidence=evidence,
        years_experience=years,
        experience_basis=basis,
        location=location,
        phone=_first([r.phone for r in ordered]),
        bio=_first([r.bio for r in ordered]),
        languages=list(dict.fromkeys(lang for r in ordered for lang in r.languages)),
        gender=_first([r.gender for r in ordered]),
        accepting_new_clients=next((r.accepting_new_clients for r in ordered if r.accepting_new_clients is not None), None),
        mobile=next((r.mobile for r in ordered if r.mobile is not None), None),
        payment_accepted=_first([r.payment_accepted for r in ordered]) or [],
        price_range=_first([r.price_range for r in ordered]),
        wheelchair_accessible=next((r.wheelchair_accessible for r in ordered if r.wheelchair_accessible is not None), None),
        opening_hours=_first([r.opening_hours for r in ordered]) or [],
        sources=sorted(sources.values(), key=lambda s: (s.kind, s.source, s.url)),
        last_seen=max(r.fetched_at for r in group).date(),
        unparsed=[
            UnparsedValue(field=f, raw=raw, source=source)
            for f, raw, source in sorted({(f, raw, r.source) for r in group for f, raw in r.unparsed})
        ],
    )
