"""Admins' decisions about listings, and how they change a listing.

An override keys on a stable listing id (hide, correct a field, verify a licence) or on source
record keys (merge, split, suppress), so it holds whatever a re-crawl brings. The indexer applies
a `Curation` snapshot at every build; the serving backend applies the same snapshot at once
(`directory.backends.curated`), so an admin sees a change without waiting for a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel

from directory.models import Correction, Evidence, FactConflict, License, LicenseStatus, Listing, Location, ReviewItem


class OverrideKind(StrEnum):
    hide = "hide"  # keep the listing out of search and its page (404) until retired
    correct = "correct"  # a field's value, the published one kept alongside
    term = "term"  # add or remove a condition or technique
    verify_license = "verify_license"  # checked by hand, with evidence, until an expiry
    merge = "merge"  # these records are one person (must-link)
    keep_apart = "split"  # these groups of records are different people (cannot-link across groups)
    suppress = "suppress"  # an approved removal: these records never make a listing again (410)


# Fields an admin (or an approved correction request) may set, and the type each takes.
CORRECTABLE: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "phone": str,
    "bio": str,
    "gender": str,
    "price_range": str,
    "languages": list,
    "accepting_new_clients": bool,
    "mobile": bool,
    "wheelchair_accessible": bool,
}


LISTING_LEVEL = (OverrideKind.correct, OverrideKind.term, OverrideKind.verify_license)
# A manual verification never turns these into a verified licence: the board has spoken.
UNVERIFIABLE = {LicenseStatus.expired, LicenseStatus.suspended, LicenseStatus.revoked, LicenseStatus.probation, LicenseStatus.inactive}


def licence_matches(lic: License, state: str, number: str) -> bool:
    def folded(text: str) -> str:
        return "".join(ch for ch in text.upper() if ch.isalnum())

    return lic.state.upper() == state.upper() and folded(lic.number) == folded(number)


def verifiable(lic: License) -> bool:
    return lic.status not in UNVERIFIABLE and not lic.restrictions and not lic.discipline


class Override(BaseModel):
    id: int
    kind: OverrideKind
    listing_id: str | None
    record_keys: list[str]
    payload: dict[str, Any]
    reason: str
    created_by: str
    created_at: str
    retired_at: str | None = None
    orphaned_since: str | None = None


@dataclass
class Curation:
    """The live overrides at one moment: what a build or the serving backend applies."""

    overrides: list[Override] = field(default_factory=list)
    removed_ids: set[str] = field(default_factory=set)  # listing ids of approved removals: 410

    def of_kind(self, kind: OverrideKind) -> list[Override]:
        return [o for o in self.overrides if o.kind == kind]

    @property
    def hidden_ids(self) -> set[str]:
        return {o.listing_id for o in self.of_kind(OverrideKind.hide) if o.listing_id}

    @property
    def suppressed_keys(self) -> set[str]:
        return {key for o in self.of_kind(OverrideKind.suppress) for key in o.record_keys}

    def must_link(self) -> list[tuple[str, str]]:
        """Record pairs an admin said are one person: each merge's records chained, and each
        split group's records (the admin chose them as one person)."""
        pairs = []
        for o in self.overrides:
            groups = (
                [o.record_keys]
                if o.kind == OverrideKind.merge
                else o.payload.get("groups", [])
                if o.kind == OverrideKind.keep_apart
                else []
            )
            for group in groups:
                keys = sorted(group)
                pairs += list(zip(keys, keys[1:], strict=False))
        return pairs

    def cannot_link(self) -> list[tuple[str, str]]:
        """Record pairs an admin said are different people: across the groups of each split."""
        pairs = []
        for o in self.of_kind(OverrideKind.keep_apart):
            groups = [sorted(g) for g in o.payload.get("groups", [])]
            for i, left in enumerate(groups):
                for right in groups[i + 1 :]:
                    pairs += [(a, b) for a in left for b in right]
        return pairs

    def for_ids(self, ids: Iterable[str]) -> list[Override]:
        """The listing-level overrides (corrections, terms, verifications) of a listing known by any of `ids`."""
        wanted = set(ids)
        return [o for o in self.overrides if o.kind in LISTING_LEVEL and o.listing_id in wanted]

    def for_ids_missing(self, found: set[str]) -> list[Override]:
        """Listing-id overrides whose listing is not among `found` (a build's ids and their aliases);
        removals are left out: their person is meant to be missing."""
        return [o for o in self.overrides if o.kind in (OverrideKind.hide, *LISTING_LEVEL) and o.listing_id not in found]


class CurationHook(Protocol):
    """What an index run needs from the curation store (`store.CurationStore` is one)."""

    def snapshot(self) -> Curation: ...

    def record_build(
        self,
        review: list[ReviewItem],
        quarantine: list[dict[str, Any]],
        listings: list[Listing],
        orphaned: list[int],
        today: date,
        conflicts: list[FactConflict] | None = None,
    ) -> dict[str, int]: ...


def apply_overrides(listing: Listing, overrides: list[Override]) -> Listing:
    """`listing` with its listing-level overrides applied, oldest first: corrections (each keeping
    the value as published), added or removed terms, manual licence verifications."""
    if not overrides:
        return listing
    update: dict[str, Any] = {}
    corrections = list(listing.corrections)
    for o in sorted(overrides, key=lambda o: o.id):
        if o.kind == OverrideKind.term:
            _apply_term(listing, update, o)
            continue
        if o.kind == OverrideKind.verify_license:
            _apply_verification(listing, update, o)
            continue
        if o.kind != OverrideKind.correct:
            continue
        name, value = o.payload["field"], o.payload["value"]
        if name == "location":  # only from a resolved conflict: one source's practice location
            value = Location.model_validate(value)
        published = next((c.published for c in corrections if c.field == name), getattr(listing, name))
        corrections = [c for c in corrections if c.field != name]
        corrections.append(Correction(field=name, published=published, corrected=value, on=date.fromisoformat(o.created_at[:10])))
        update[name] = value
    update["corrections"] = corrections
    return listing.model_copy(update=update)


def _apply_term(listing: Listing, update: dict[str, Any], o: Override) -> None:
    kind, term, action = o.payload["kind"], o.payload["term"], o.payload["action"]
    field_name = "conditions" if kind == "condition" else "modalities"
    terms: list[str] = list(update.get(field_name, getattr(listing, field_name)))
    evidence: list[Evidence] = list(update.get("evidence", listing.evidence))
    if action == "remove":
        terms = [t for t in terms if t != term]
        evidence = [e for e in evidence if not (e.kind == kind and e.term == term)]
    elif term not in terms:
        terms.append(term)
        evidence.append(Evidence(term=term, kind=kind, text=f"added by the directory: {o.reason}", source="directory", source_kind=None))
    update[field_name], update["evidence"] = terms, evidence


def _apply_verification(listing: Listing, update: dict[str, Any], o: Override) -> None:
    state, number = o.payload["state"], o.payload["number"]
    licenses: list[License] = list(update.get("licenses", listing.licenses))
    for i, lic in enumerate(licenses):
        if licence_matches(lic, state, number) and verifiable(lic):
            licenses[i] = lic.model_copy(
                update={
                    "verified": True,
                    "verified_by": "directory",
                    "verified_on": date.fromisoformat(o.created_at[:10]),
                    "verified_until": date.fromisoformat(o.payload["expires_on"]),
                    "status": LicenseStatus.active if lic.status == LicenseStatus.unknown else lic.status,
                }
            )
    update["licenses"] = licenses
