"""The serving backend with admins' overrides applied at once, before the next index build.

Wraps any backend (SQLite, memory, Elasticsearch): hidden and removed listings leave every search
through `SearchQuery.exclude_ids`, which each backend honours before counting and paging;
corrections show on results and pages; a removed therapist's page answers 410 (`Gone`); a listing
an admin merged into another redirects to it. The next build bakes the same overrides into the
index (`indexer.build`), and keeps them there through every re-crawl.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from directory.backends.base import IndexStats, SearchBackend, SearchPage
from directory.curation.overrides import Curation, OverrideKind, apply_overrides
from directory.errors import Gone
from directory.identity import IdentityMap
from directory.models import Listing, ReviewItem
from directory.query import SearchQuery


class CuratedBackend:
    def __init__(self, inner: SearchBackend, snapshot: Callable[[], Curation]) -> None:
        self.inner = inner
        self.snapshot = snapshot
        self.name = inner.name

    def _merged_into(self, curation: Curation, listing_id: str) -> str | None:
        """The listing an admin's merge (not yet rebuilt) sends this id to."""
        for o in curation.of_kind(OverrideKind.merge):
            ids = o.payload.get("listing_ids", [])
            if listing_id in ids[1:]:
                return str(ids[0])
        return None

    def _excluded(self, curation: Curation) -> frozenset[str]:
        merged = {lid for o in curation.of_kind(OverrideKind.merge) for lid in o.payload.get("listing_ids", [])[1:]}
        return frozenset(curation.hidden_ids | curation.removed_ids | merged)

    def search(self, query: SearchQuery) -> SearchPage:
        curation = self.snapshot()
        excluded = self._excluded(curation)
        if excluded:
            query = replace(query, exclude_ids=query.exclude_ids | excluded)
        page = self.inner.search(query)
        for hit in page.hits:
            hit.listing = apply_overrides(hit.listing, curation.for_ids([hit.listing.id]))
        return page

    def get(self, listing_id: str) -> Listing | None:
        curation = self.snapshot()
        if listing_id in curation.removed_ids:
            raise Gone(f"therapist {listing_id!r} was removed from the directory at their request")
        if listing_id in curation.hidden_ids or self._merged_into(curation, listing_id):
            return None
        listing = self.inner.get(listing_id)
        return apply_overrides(listing, curation.for_ids([listing_id])) if listing is not None else None

    def redirect(self, listing_id: str) -> str | None:
        return self._merged_into(self.snapshot(), listing_id) or self.inner.redirect(listing_id)

    def replace_all(
        self,
        listings: Iterable[Listing],
        metadata: dict[str, str] | None = None,
        review: list[ReviewItem] | None = None,
        identity: IdentityMap | None = None,
    ) -> IndexStats:
        return self.inner.replace_all(listings, metadata, review, identity)

    def identity(self) -> IdentityMap:
        return self.inner.identity()

    def review_queue(self) -> list[ReviewItem]:
        return self.inner.review_queue()

    def all_ids(self) -> list[str]:
        return self.inner.all_ids()

    def metadata(self) -> dict[str, str]:
        return self.inner.metadata()

    def close(self) -> None:
        self.inner.close()
