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

from directory.identity import IdentityMap
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


def band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low}+ km" if high is None else f"{low}-{high} km"


def distance_band(distance_km: float) -> str:
    band = next(b for b in DISTANCE_BANDS_KM if b[1] is None or distance_km < b[1])
    return band_label(band)


def ordered_counts(counts: Counter[str]) -> dict[str, int]:
    """Counts most first, ties by key, so every backend prints facets alike."""
    return dict(sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0])))


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
        "modality": ordered_counts(modalities),
        "certification": ordered_counts(certifications),
        "license_status": ordered_counts(statuses),
    }
    if query.near is not None:
        facets["distance_km"] = {band: distances[band] for band in map(band_label, DISTANCE_BANDS_KM) if distances[band]}
    return facets


def finish_search(
    candidates: list[Candidate],
    query: SearchQuery,
    vocab: Vocabulary,
    load: Callable[[list[str]], dict[str, Listing]],
) -> SearchPage:
    """Score every candidate, order by (-score, id), page after the cursor, explain the page."""
    wanted_certs = relevant_certifications(query, vocab)
    for cand in candidates:
        cand.score = score(cand, query, wanted_certs)
    candidates.sort(key=Candidate.sort_key)
    if query.cursor is not None:
        after = query.cursor.sort_key()
        remaining = [c for c in candidates if c.sort_key() > after]
    else:
        remaining = candidates
    return page_of(remaining, len(remaining) > query.limit, len(candidates), facet_counts(candidates, query), query, vocab, load)


def page_of(
    ranked: list[Candidate],
    more: bool,
    total: int,
    facets: dict[str, dict[str, int]],
    query: SearchQuery,
    vocab: Vocabulary,
    load: Callable[[list[str]], dict[str, Listing]],
) -> SearchPage:
    """The page from candidates already scored and ordered after the cursor, with its explanations."""
    page = ranked[: query.limit]
    next_cursor = Cursor(page[-1].score, page[-1].id).encode() if more and page else None
    listings = load([c.id for c in page])
    hits = [Hit(listings[c.id], c.score, c.distance_km, explain(listings[c.id], c, query, vocab)) for c in page]
    return SearchPage(total, hits, next_cursor, facets)
