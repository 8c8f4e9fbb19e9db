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

from directory.models import Correction, Listing, ReviewItem


class OverrideKind(StrEnum):
    hide = "hide"  # keep the listing out of search and its page (404) until retired
    correct = "correct"  # a field's value, the published one kept alongside
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
        """The field-level overrides (corrections) of a listing known by any of `ids`."""
        wanted = set(ids)
        return [o for o in self.of_kind(OverrideKind.correct) if o.listing_id in wanted]

    def for_ids_missing(self, found: set[str]) -> list[Override]:
        """Listing-id overrides whose listing is not among `found` (a build's ids and their aliases);
        removals are left out: their person is meant to be missing."""
        return [o for o in self.overrides if o.kind in (OverrideKind.hide, OverrideKind.correct) and o.listing_id not in found]


class CurationHook(Protocol):
    """What an index run needs from the curation store (`store.CurationStore` is one)."""

    def snapshot(self) -> Curation: ...

    def record_build(
        self, review: list[ReviewItem], quarantine: list[dict[str, Any]], listings: list[Listing], orphaned: list[int], today: date
    ) -> dict[str, int]: ...


def apply_overrides(listing: Listing, overrides: list[Override]) -> Listing:
    """`listing` with its corrections applied, oldest first; each keeps the value as published."""
    if not overrides:
        return listing
    update: dict[str, Any] = {}
    corrections = list(listing.corrections)
    for o in sorted(overrides, key=lambda o: o.id):
        if o.kind != OverrideKind.correct:
            continue
        name, value = o.payload["field"], o.payload["value"]
        published = next((c.published for c in corrections if c.field == name), getattr(listing, name))
        corrections = [c for c in corrections if c.field != name]
        corrections.append(Correction(field=name, published=published, corrected=value, on=date.fromisoformat(o.created_at[:10])))
        update[name] = value
    update["corrections"] = corrections
    return listing.model_copy(update=update)
