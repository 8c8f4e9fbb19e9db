"""The backend protocol and the ranking step every backend shares.

A backend's own work is storage and candidate retrieval (filters: licence status, radius,
condition fit, modality, name). Scoring, ordering, paging, facets and explanations happen in
`finish_search`, once, so every backend returns the same ranking for the same data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from directory.models import Listing, ReviewItem
from directory.query import Cursor, SearchQuery
from directory.ranking import Candidate, explain, relevant_certifications, score
from directory.vocabulary import Vocabulary

DISTANCE_BANDS_KM = ((0, 5), (5, 10), (10, 25), (25, 50), (50, None))


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
        self, listings: Iterable[Listing], metadata: dict[str, str] | None = None, review: list[ReviewItem] | None = None
    ) -> IndexStats:
        """Replace the whole index atomically: readers see the old index until the new one is complete."""
        ...

    def review_queue(self) -> list[ReviewItem]:
        """Record pairs linkage left for an admin to decide."""
        ...

    def search(self, query: SearchQuery) -> SearchPage: ...

    def get(self, listing_id: str) -> Listing | None: ...

    def all_ids(self) -> list[str]: ...

    def metadata(self) -> dict[str, str]: ...

    def close(self) -> None: ...


def _band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low}+ km" if high is None else f"{low}-{high} km"


def distance_band(distance_km: float) -> str:
    band = next(b for b in DISTANCE_BANDS_KM if b[1] is None or distance_km < b[1])
    return _band_label(band)


def facet_counts(candidates: list[Candidate], query: SearchQuery) -> dict[str, dict[str, int]]:
    modalities: Counter[str] = Counter()
    certifications: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    distances: Counter[str] = Counter()
    for cand in candidates:
        modalities.update(cand.modality_ids)
        certifications.update(cand.certification_ids)
        statuses[cand.status] += 1
        if cand.distance_km is not None:
            distances[distance_band(cand.distance_km)] += 1
    facets = {
        "modality": dict(modalities.most_common()),
        "certification": dict(certifications.most_common()),
        "license_status": dict(statuses.most_common()),
    }
    if query.near is not None:
        facets["distance_km"] = {band: distances[band] for band in map(_band_label, DISTANCE_BANDS_KM) if distances[band]}
    return facets


def finish_search(
    candidates: list[Candidate],
    query: SearchQuery,
    vocab: Vocabulary,
    load: Callable[[list[str]], dict[str, Listing]],
) -> SearchPage:
    """Score, order by (-score, id), page after the cursor, and explain the page's results."""
    wanted_certs = relevant_certifications(query, vocab)
    for cand in candidates:
        cand.score = score(cand, query, wanted_certs)
    candidates.sort(key=Candidate.sort_key)
    remaining = candidates
    if query.cursor is not None:
        after = query.cursor.sort_key()
        remaining = [c for c in candidates if c.sort_key() > after]
    page = remaining[: query.limit]
    next_cursor = Cursor(page[-1].score, page[-1].id).encode() if len(remaining) > query.limit else None
    listings = load([c.id for c in page])
    hits = [
        Hit(listings[c.id], c.score, c.distance_km, explain(listings[c.id], c, query, vocab))
        for c in page
    ]
    return SearchPage(len(candidates), hits, next_cursor, facet_counts(candidates, query))
