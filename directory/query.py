"""The backend-neutral query tree: what a search asks for, after parsing and validation.

The API and the CLI build a `SearchQuery` with `directory.search_service.build_query`; each
backend compiles it to its own form. No backend syntax appears above the backends.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from directory.errors import InvalidParameter
from directory.geo import Place
from directory.vocabulary import Match

MAX_LIMIT = 100
MAX_RADIUS_KM = 500.0


@dataclass(frozen=True)
class Cursor:
    """Position after the last result of a page: results sort by (-score, id), so it is stable under ties."""

    score: float
    listing_id: str

    def encode(self) -> str:
        raw = json.dumps({"s": self.score, "i": self.listing_id}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            obj = json.loads(raw)
            return cls(float(obj["s"]), str(obj["i"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidParameter("cursor", "is not a cursor this API issued") from exc

    def sort_key(self) -> tuple[float, str]:
        return (-self.score, self.listing_id)


@dataclass
class SearchQuery:
    conditions: list[Match] = field(default_factory=list)
    modalities: list[Match] = field(default_factory=list)  # explicit: a filter (any of them)
    preferred_modalities: list[Match] = field(default_factory=list)  # named in free text: a preference
    certifications: list[Match] = field(default_factory=list)  # a filter (any of them)
    min_years: float | None = None
    language: str | None = None
    gender: str | None = None
    accepting_new_clients: bool | None = None
    mobile: bool | None = None
    near: Place | None = None
    radius_km: float = 40.0
    name_text: str | None = None
    license_status: Literal["active", "any"] = "active"
    verified_only: bool = False  # only listings with a board-verified licence in force (referrals)
    min_fit: float = 0.0  # only listings whose condition fit reaches this (referrals: stated or certified)
    limit: int = 10
    cursor: Cursor | None = None
    today: date = field(default_factory=date.today)
    advisories: list[str] = field(default_factory=list)
    stale_after_days: int = 365
    # Listings to leave out whatever they match: hidden or removed by an admin since the index was
    # built (directory.backends.curated). Every backend honours it before counting and paging.
    exclude_ids: frozenset[str] = frozenset()

    def is_stale(self, last_seen: date | None) -> bool:
        """Not confirmed by any source for longer than the stale window: shown, but demoted and labelled."""
        return last_seen is None or (self.today - last_seen).days > self.stale_after_days

    @property
    def condition_ids(self) -> list[str]:
        return [m.id for m in self.conditions]

    @property
    def modality_ids(self) -> list[str]:
        return [m.id for m in self.modalities]

    @property
    def wanted_modality_ids(self) -> list[str]:
        """Techniques the searcher asked for, as a filter or a preference."""
        return [m.id for m in [*self.modalities, *self.preferred_modalities]]

    @property
    def certification_ids(self) -> list[str]:
        return [m.id for m in self.certifications]
