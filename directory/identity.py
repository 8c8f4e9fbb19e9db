"""The identity map: which listing id each source record belongs to, kept from one index build to the next.

Listing ids are public (URLs, suppressions, admin overrides, letters citing a referral list), so
they must survive re-crawls. Each build reads the map its predecessor stored with the index,
assigns this build's listings their ids from it (`indexer.identity`), and stores the new map with
the new index. Ids absorbed by a merge stay answerable as redirects to the id that survived.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
    records: Mapping[str, str] = field(default_factory=dict)  # record key → listing id
    first_build: dict[str, int] = field(default_factory=dict)  # listing id → the build that minted it
    first_seen: dict[str, str] = field(default_factory=dict)  # listing id → ISO date of that build
    redirects: dict[str, Redirect] = field(default_factory=dict)  # absorbed id → where it went

    def age(self, listing_id: str) -> tuple[int, str]:
        """Sort key: older ids first, ties by the id itself (so the order never depends on input order)."""
        return (self.first_build.get(listing_id, self.build + 1), listing_id)

    def resolve(self, listing_id: str) -> str:
        """The id a listing id stands for now: itself, or the end of its redirect chain."""
        return resolve(self.redirects, listing_id)


def records_dict(records: Mapping[str, str]) -> dict[str, str]:
    """Any record map as a dict (a dict as it is)."""
    if isinstance(records, CarriedRecords):
        return records.as_dict()
    return records if isinstance(records, dict) else dict(records)


class CarriedRecords(Mapping[str, str]):
    """A build's map: its own records' ids (`own`) over the previous build's map (`carried`), whose
    ids are resolved through this build's `redirects`: records not seen this time keep their id,
    re-resolved in case it was merged since. Nothing is copied: a writer that holds `carried`
    stores only `own` and the records a redirect moves."""

    def __init__(self, carried: Mapping[str, str], own: dict[str, str], redirects: dict[str, Redirect]) -> None:
        self.carried, self.own, self.redirects = carried, own, redirects

    def __getitem__(self, key: str) -> str:
        lid = self.own.get(key)
        return lid if lid is not None else resolve(self.redirects, self.carried[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())

    def as_dict(self) -> dict[str, str]:
        """The whole map, as one dict."""
        records = dict(records_dict(self.carried))  # a copy: the previous map stays as it was
        moved = self.redirects  # an id no redirect starts from resolves to itself: only these records change
        records.update({key: resolve(moved, lid) for key, lid in records.items() if lid in moved})
        records.update(self.own)
        return records


def resolve(redirects: dict[str, Redirect], listing_id: str) -> str:
    """Follow `listing_id` through `redirects` to the end of its chain (a cycle stops where it closes)."""
    seen = {listing_id}
    while (hop := redirects.get(listing_id)) is not None and hop.new_id not in seen:
        listing_id = hop.new_id
        seen.add(listing_id)
    return listing_id
