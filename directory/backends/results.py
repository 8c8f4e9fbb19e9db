"""From the listings that passed a query's filters to a page of results: the part of every search
that every backend shares, written once.

A backend retrieves candidates and hands them over as a `CandidateSet` (arrays, one entry per
candidate: vector scores from `ranking.score_inputs`, id ranks, facet inputs). `rank_page` then
orders by (-score, id), resumes after the cursor, picks the page window, re-scores it exactly when
the backend's scores are approximate, counts the facets and explains the page. A backend never
orders, pages or counts facets itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from directory.backends.base import Hit, SearchPage
from directory.models import LicenseStatus, Listing
from directory.query import Cursor, SearchQuery
from directory.ranking import Candidate, explain
from directory.vocabulary import Vocabulary

STATUSES: tuple[str, ...] = tuple(s.value for s in LicenseStatus)  # licence status codes, by position
DISTANCE_BANDS_KM: tuple[tuple[int, int | None], ...] = ((0, 5), (5, 10), (10, 25), (25, 50), (50, None))
_BAND_UPPER = np.array([float(high) for _, high in DISTANCE_BANDS_KM if high is not None])
_BYTE_BITS = (np.arange(256)[:, None] >> np.arange(8) & 1).astype(np.int64)  # row v: the bits of byte v


def band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low}+ km" if high is None else f"{low}-{high} km"


BAND_LABELS = tuple(band_label(band) for band in DISTANCE_BANDS_KM)


def ordered_counts(counts: Counter[str]) -> dict[str, int]:
    """Counts most first, ties by key, so every backend prints facets alike."""
    return dict(sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0])))


class TermBits:
    """Bit positions of modality and certification ids, for sets stored as one uint64 each."""

    def __init__(self, modalities: tuple[str, ...], certifications: tuple[str, ...]) -> None:
        self.modalities, self.certifications = modalities, certifications
        self.modality_bit = {m: i for i, m in enumerate(modalities)}
        self.cert_bit = {c: i for i, c in enumerate(certifications)}
        if max(len(modalities), len(certifications)) > 64:
            raise ValueError("more than 64 modalities or certifications: widen the bit sets")

    @classmethod
    def of(cls, vocab: Vocabulary) -> TermBits:
        return cls(tuple(sorted(vocab.terms["modality"])), tuple(sorted(vocab.terms["certification"])))

    @staticmethod
    def bits(ids: Iterable[str | None], table: dict[str, int]) -> int:
        return sum(1 << table[i] for i in set(ids) if i is not None and i in table)

    def names(self, bits: int, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name for b, name in enumerate(names) if bits >> b & 1)


@dataclass
class FacetInputs:
    """What the facets count, one entry per candidate."""

    mod_bits: np.ndarray  # uint64, bits of `TermBits.modalities`
    cert_bits: np.ndarray  # uint64, bits of `TermBits.certifications`
    status: np.ndarray  # int, positions in STATUSES
    distance_km: np.ndarray | None  # None when the query has no place
    term_bits: TermBits


def facet_counts(inputs: FacetInputs, query: SearchQuery) -> dict[str, dict[str, int]]:
    """Counts over the whole result set by technique, certification, licence status and distance band."""

    def bit_counts(bits: np.ndarray, names: tuple[str, ...]) -> dict[str, int]:
        # Byte by byte: a 256-bin histogram of each byte, then its bits (two passes per byte
        # instead of one pass per name).
        as_bytes = np.ascontiguousarray(bits, dtype="<u8").view(np.uint8).reshape(-1, 8)
        counts = (
            np.concatenate([np.bincount(as_bytes[:, byte], minlength=256) @ _BYTE_BITS for byte in range((len(names) + 7) // 8)])
            if names
            else np.empty(0, dtype=np.int64)
        )
        return ordered_counts(Counter({name: int(counts[b]) for b, name in enumerate(names)}))

    status_counts = np.bincount(np.asarray(inputs.status, dtype=np.int64), minlength=len(STATUSES))
    facets = {
        "modality": bit_counts(inputs.mod_bits, inputs.term_bits.modalities),
        "certification": bit_counts(inputs.cert_bits, inputs.term_bits.certifications),
        "license_status": ordered_counts(Counter({STATUSES[i]: int(n) for i, n in enumerate(status_counts)})),
    }
    if query.near is not None and inputs.distance_km is not None:
        distances = inputs.distance_km
        facets["distance_km"] = band_counts([int(np.count_nonzero(distances < high)) for high in _BAND_UPPER], len(distances))
    return facets


def band_counts(below_upper: list[int], total: int) -> dict[str, int]:
    """The distance facet from how many results lie below each band's upper end (in band order)."""
    bands = np.diff([*below_upper, total], prepend=0)
    return {BAND_LABELS[i]: int(n) for i, n in enumerate(bands) if n}


class CandidateSet:
    """Every listing that passed a query's filters, as a backend hands them to `rank_page`.

    `scores` are `ranking.score_inputs` values; a backend that scores with approximate inputs
    (distances from a fast formula) sets `bound` to the most a score may be off, and overrides
    `exact_scores`. A backend that ranks in its own engine may hand over only a window: every
    candidate after the cursor whose vector score can reach the page (see `rank_page`), with
    `total` and `facet_counts` of the whole set. `id_rank` places each candidate in id order (ties break by id), and `rank_after`
    gives, for any id, the first rank after it (a cursor's id may have left the index).
    """

    def __init__(self, scores: np.ndarray, id_rank: np.ndarray, facets: FacetInputs | None, bound: float = 0.0) -> None:
        self.scores, self.id_rank, self.facets, self.bound = scores, id_rank, facets, bound

    def __len__(self) -> int:
        return len(self.scores)

    def total(self) -> int:
        """How many listings passed the filters (a backend that hands over only a window of them says)."""
        return len(self.scores)

    def facet_counts(self, query: SearchQuery) -> dict[str, dict[str, int]]:
        """The facets over every listing that passed the filters."""
        if self.facets is None:
            raise NotImplementedError("a candidate set without facet inputs counts its facets itself")
        return facet_counts(self.facets, query)

    def rank_after(self, listing_id: str) -> int:
        raise NotImplementedError

    def exact_scores(self, positions: np.ndarray) -> np.ndarray:
        """The exact scores of the candidates at `positions` (the vector scores when exact)."""
        return self.scores.take(positions)

    def candidates(self, positions: np.ndarray) -> list[Candidate]:
        """`Candidate`s (exact distances) for the page, to explain; `rank_page` sets their scores."""
        raise NotImplementedError


def rank_page(found: CandidateSet, query: SearchQuery, vocab: Vocabulary, load: Callable[[list[str]], dict[str, Listing]]) -> SearchPage:
    """Order by (-score, id), resume after the cursor, take the page, explain it.

    With approximate scores (bound δ > 0) the exact page is found without scoring everything
    exactly: a candidate whose vector score is more than δ below the cursor's score is surely
    after it, and only the few within δ are settled exactly; among the remaining, every member of
    the exact top `limit` has a vector score within 2δ of the `limit`-th best vector score.
    """
    scores, delta, limit = found.scores, found.bound, query.limit
    remaining = np.arange(len(scores))
    if query.cursor is not None:
        at = query.cursor.score
        surely_after = remaining[scores < at - delta]
        near = remaining[(scores >= at - delta) & (scores <= at + delta)]
        exact = found.exact_scores(near)
        after = (exact < at) | ((exact == at) & (found.id_rank.take(near) >= found.rank_after(query.cursor.listing_id)))
        remaining = np.concatenate([surely_after, near[after]])
    more = len(remaining) > limit
    if more:
        vector = scores.take(remaining)
        cut = np.partition(vector, len(remaining) - limit)[len(remaining) - limit]
        remaining = remaining[vector >= cut - 2 * delta]
    exact = found.exact_scores(remaining)
    order = np.lexsort((found.id_rank.take(remaining), -exact))[:limit]
    page = found.candidates(remaining.take(order))
    for cand, value in zip(page, exact.take(order), strict=True):
        cand.score = float(value)
    next_cursor = Cursor(page[-1].score, page[-1].id).encode() if more and page else None
    listings = load([c.id for c in page])
    hits = [Hit(listings[c.id], c.score, c.distance_km, explain(listings[c.id], c, query, vocab)) for c in page]
    return SearchPage(found.total(), hits, next_cursor, found.facet_counts(query))
