"""The backend protocol: what the indexer writes to and the API reads from.

A backend's own work is storage and candidate retrieval (filters: licence status, radius,
condition fit, modality, name). It scores its candidates with `ranking.score_inputs` and hands
them to `results.rank_page`, where ordering, paging, facets and explanations happen once, so
every backend returns the same ranking for the same data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from directory.identity import IdentityMap
from directory.models import Listing, ReviewItem
from directory.query import SearchQuery


def built_for(metadata: dict[str, str] | None) -> date:
    """The day an index is built for (the indexer's `built_for_date`; today when not given or not a date).
    What is written once per index (certification bits, condition fits) is as of this day."""
    try:
        return date.fromisoformat((metadata or {}).get("built_for_date", ""))
    except ValueError:
        return date.today()


@dataclass
class Hit:
    listing: Listing
    score: float
    distance_km: float | None
    why: list[str]


@dataclass
class SearchPage:
    total: int
    hits: list[Hit]
    next_cursor: str | None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class IndexStats:
    listings: int
    backend: str
    location: str


class SearchBackend(Protocol):
    """What the indexer writes to and the API reads from."""

    name: str

    def replace_all(
        self,
        listings: Iterable[Listing],
        metadata: dict[str, str] | None = None,
        review: list[ReviewItem] | None = None,
        identity: IdentityMap | None = None,
    ) -> IndexStats:
        """Replace the whole index atomically: readers see the old index until the new one is complete.
        `identity` is stored with it, for the next build to read back from `identity()`."""
        ...

    def identity(self) -> IdentityMap:
        """The identity map stored with the current index (empty if there is none)."""
        ...

    def redirect(self, listing_id: str) -> str | None:
        """The live listing an absorbed id now stands for, or None."""
        ...

    def review_queue(self) -> list[ReviewItem]:
        """Record pairs linkage left for an admin to decide."""
        ...

    def search(self, query: SearchQuery) -> SearchPage: ...

    def get(self, listing_id: str) -> Listing | None: ...

    def all_ids(self) -> list[str]: ...

    def metadata(self) -> dict[str, str]: ...

    def close(self) -> None: ...
