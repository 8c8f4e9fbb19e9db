"""An in-memory backend: brute force over `Listing` objects.

For unit tests and as the reference implementation the backend contract tests compare against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from directory.backends.base import IndexStats, SearchPage, built_for
from directory.backends.results import STATUSES, CandidateSet, FacetInputs, TermBits, rank_page
from directory.geo import distance_km
from directory.identity import IdentityMap, records_dict
from directory.models import LicenseStatus, Listing, ReviewItem
from directory.names import name_matches, name_words
from directory.query import SearchQuery
from directory.ranking import Candidate, Fit, condition_fits, inputs_of, relevant_certifications, score_inputs
from directory.vocabulary import Vocabulary, get_vocabulary


def matches_attributes(listing: Listing, query: SearchQuery) -> bool:
    """The filters on what a listing states (technique, certification, experience, language, ...)."""
    if query.modalities and not set(query.modality_ids) & set(listing.modalities):
        return False
    if query.certifications and not set(query.certification_ids) & {c.id for c in listing.current_certifications(query.today)}:
        return False
    if query.min_years is not None and (listing.years_experience or 0) < query.min_years:
        return False
    if query.language and query.language.casefold() not in {lang.casefold() for lang in listing.languages}:
        return False
    if query.gender and listing.gender != query.gender:
        return False
    if query.accepting_new_clients is not None and listing.accepting_new_clients is not query.accepting_new_clients:
        return False
    return query.mobile is None or listing.mobile is query.mobile


def listing_candidate(listing: Listing, query: SearchQuery, fit: Fit | None, distance: float | None) -> Candidate:
    """What ranking reads of one listing that passed the filters, from the listing itself (exact)."""
    return Candidate(
        id=listing.id,
        verified=listing.is_verified(query.today),
        status=listing.status_summary(query.today).value,
        years_experience=listing.years_experience,
        certification_ids=tuple(sorted({c.id for c in listing.current_certifications(query.today) if c.id})),
        modality_ids=tuple(listing.modalities),
        source_kinds=len({s.kind for s in listing.sources}),
        fit=fit,
        distance_km=distance,
        stale=query.is_stale(listing.last_seen),
    )


class _Found(CandidateSet):
    """Candidates filtered one by one: their scores are exact (bound 0)."""

    def __init__(self, found: list[Candidate], query: SearchQuery, vocab: Vocabulary, sorted_ids: np.ndarray, bits: TermBits) -> None:
        self.found, self.sorted_ids = found, sorted_ids
        ids = np.array([c.id for c in found], dtype=object)
        facets = FacetInputs(
            mod_bits=np.array([bits.bits(c.modality_ids, bits.modality_bit) for c in found], dtype=np.uint64),
            cert_bits=np.array([bits.bits(c.certification_ids, bits.cert_bit) for c in found], dtype=np.uint64),
            status=np.array([STATUSES.index(c.status) for c in found], dtype=np.int64),
            distance_km=np.array([c.distance_km for c in found], dtype=np.float64) if query.near is not None else None,
            term_bits=bits,
        )
        scores = score_inputs(query, inputs_of(found, query, relevant_certifications(query, vocab)))
        super().__init__(scores, np.searchsorted(sorted_ids, ids).astype(np.int64), facets)

    def rank_after(self, listing_id: str) -> int:
        return int(np.searchsorted(self.sorted_ids, listing_id, side="right"))

    def candidates(self, positions: np.ndarray) -> list[Candidate]:
        return [self.found[int(i)] for i in positions]


class MemoryBackend:
    name = "memory"

    def __init__(self, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or get_vocabulary()
        self._listings: dict[str, Listing] = {}
        self._fits: dict[str, dict[str, Fit]] = {}
        self._meta: dict[str, str] = {}
        self._review: list[ReviewItem] = []
        self._sorted_ids = np.empty(0, dtype=object)
        self._bits = TermBits.of(self.vocab)
        self._identity = IdentityMap()

    def replace_all(
        self,
        listings: Iterable[Listing],
        metadata: dict[str, str] | None = None,
        review: list[ReviewItem] | None = None,
        identity: IdentityMap | None = None,
    ) -> IndexStats:
        fresh = {listing.id: listing for listing in listings}
        # Held as plain dicts: a map read lazily from an earlier build's would chain build upon build.
        self._identity = replace(identity, records=records_dict(identity.records)) if identity is not None else IdentityMap()
        self._review = list(review or [])
        built_on = built_for(metadata)  # fits are kept per index, like the other backends'
        self._fits = {lid: condition_fits(listing, self.vocab, built_on) for lid, listing in fresh.items()}
        self._listings = fresh
        self._sorted_ids = np.array(sorted(fresh), dtype=object)
        self._meta = dict(metadata or {})
        return IndexStats(len(fresh), self.name, "memory")

    def search(self, query: SearchQuery) -> SearchPage:
        candidates: list[Candidate] = []
        wanted_name = name_words(query.name_text) if query.name_text else None
        for listing in self._listings.values():
            if listing.id in query.exclude_ids:
                continue
            status = listing.status_summary(query.today)
            if query.license_status == "active" and status != LicenseStatus.active:
                continue
            if query.verified_only and not listing.is_verified(query.today):
                continue
            fit = None
            if query.conditions:
                fit = self._fits[listing.id].get(query.conditions[0].id)
                if fit is None or fit.score < query.min_fit:
                    continue
            if not matches_attributes(listing, query):
                continue
            if wanted_name and not name_matches(wanted_name, listing.name):
                continue
            distance = None
            if query.near is not None:
                loc = listing.location
                if loc is None or loc.lat is None or loc.lon is None:
                    continue
                distance = distance_km(query.near.lat, query.near.lon, loc.lat, loc.lon)
                if distance > query.radius_km:
                    continue
            candidates.append(listing_candidate(listing, query, fit, distance))
        found = _Found(candidates, query, self.vocab, self._sorted_ids, self._bits)
        return rank_page(found, query, self.vocab, lambda ids: {i: self._listings[i] for i in ids})

    def get(self, listing_id: str) -> Listing | None:
        return self._listings.get(listing_id)

    def all_ids(self) -> list[str]:
        return sorted(self._listings)

    def redirect(self, listing_id: str) -> str | None:
        hop = self._identity.redirects.get(listing_id)
        return hop.new_id if hop is not None and hop.new_id in self._listings else None

    def identity(self) -> IdentityMap:
        return self._identity

    def metadata(self) -> dict[str, str]:
        return dict(self._meta)

    def review_queue(self) -> list[ReviewItem]:
        return list(self._review)

    def close(self) -> None:
        pass
