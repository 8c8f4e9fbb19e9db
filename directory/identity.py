"""The identity map: which listing id each source record belongs to, kept from one index build to the next.

Listing ids are public (URLs, suppressions, admin overrides, letters citing a referral list), so
they must survive re-crawls. Each build reads the map its predecessor stored with the index,
assigns this build's listings their ids from it (`indexer.identity`), and stores the new map with
the new index. Ids absorbed by a merge stay answerable as redirects to the id that survived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Redirect(NamedTuple):
    new_id: str  # always the final id: chains are resolved when the map is written
    reason: str  # "merged"
    since: str  # ISO date of the build that absorbed the old id


@dataclass
class IdentityMap:
    """What one build knew about ids; an empty map is the start of history."""

    build: int = 0  # builds so far, counting the one that wrote this map
    records: dict[str, str] = field(default_factory=dict)  # record key → listing id
    first_build: dict[str, int] = field(default_factory=dict)  # listing id → the build that minted it
    first_seen: dict[str, str] = field(default_factory=dict)  # listing id → ISO date of that build
    redirects: dict[str, Redirect] = field(default_factory=dict)  # absorbed id → where it went

    def age(self, listing_id: str) -> tuple[int, str]:
        """Sort key: older ids first, ties by the id itself (so the order never depends on input order)."""
        return (self.first_build.get(listing_id, self.build + 1), listing_id)

    def resolve(self, listing_id: str) -> str:
        """The id a listing id stands for now: itself, or the end of its redirect chain."""
        return resolve(self.redirects, listing_id)


def resolve(redirects: dict[str, Redirect], listing_id: str) -> str:
    """Follow `listing_id` through `redirects` to the end of its chain (a cycle stops where it closes)."""
    seen = {listing_id}
    while (hop := redirects.get(listing_id)) is not None and hop.new_id not in seen:
        listing_id = hop.new_id
        seen.add(listing_id)
    return listing_id
