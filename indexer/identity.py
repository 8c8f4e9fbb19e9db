"""Listing ids for this build's clusters, from the identity map the previous build stored.

For each cluster, the ids its records had before:
- none: a new person; an id is minted from the cluster's strongest identifier
  (`indexer.linkage.listing_id`), so a rebuild from scratch of the same data gives the same ids;
- one: the listing keeps it, whatever records it gained or lost;
- several: two listings merged; the oldest id survives and the others redirect to it;
- an id several clusters claim (a split): the cluster whose strongest identifier the id was made
  from keeps it, else the one holding most of the records that had it (ties: the cluster whose
  smallest record key sorts first); the others get new ids. So undoing a merge by a split gives
  both people their old ids back, whichever of them had more records.

Everything is a dict lookup per record or per id, so the step is linear in the records.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from directory.identity import CarriedRecords, IdentityMap, Redirect, resolve
from indexer.link_record import Group
from indexer.linkage import listing_id


@dataclass
class Assignment:
    ids: list[str]  # the listing id of each cluster, in the order given
    aliases: list[set[str]]  # per cluster: its id and every earlier id that now stands for it
    identity: IdentityMap  # the map to store with the new index
    counts: dict[str, int] = field(default_factory=dict)  # kept / minted / merged / split


def _mint(group: Group, taken: set[str]) -> str:
    """The content-derived id, or, if another listing of this build holds it, a derived one."""
    candidate = base = listing_id(group)
    salt = 0
    while candidate in taken:
        salt += 1
        candidate = "t_" + hashlib.sha1(f"{base}#{salt}".encode()).hexdigest()[:12]
    return candidate


def assign_ids(clusters: Sequence[Group], previous: IdentityMap, today: date, held: Collection[str] = ()) -> Assignment:
    """Give every cluster its listing id and compute the identity map that follows from this build.

    `held`: ids that listings left out of `clusters` keep (an incremental re-index passes only the
    clusters that changed, with the unchanged ones' ids here; the counts are then those clusters')."""
    build = previous.build + 1
    counts = Counter(kept=0, minted=0, merged=0, split=0)
    smallest = [min(rec.key for rec in group) for group in clusters]
    claims: list[Counter[str]] = []
    winner: dict[str, int] = {}  # old id → the cluster that keeps it
    derived: dict[int, str] = {}

    def made_from(i: int, old: str) -> bool:
        if i not in derived:
            derived[i] = listing_id(clusters[i])
        return derived[i] == old

    def stronger(i: int, j: int, old: str) -> bool:
        """Whether cluster i has the better claim to `old` than cluster j."""
        if (mine := made_from(i, old)) != made_from(j, old):
            return mine
        if claims[i][old] != claims[j][old]:
            return claims[i][old] > claims[j][old]
        return smallest[i] < smallest[j]

    for i, group in enumerate(clusters):
        had = Counter(previous.resolve(old) for rec in group if (old := previous.records.get(rec.key)) is not None)
        claims.append(had)
        for old in had:
            best = winner.get(old)
            if best is None or stronger(i, best, old):
                winner[old] = i

    ids: list[str | None] = [None] * len(clusters)
    absorbed: list[list[str]] = [[] for _ in clusters]
    for i, had in enumerate(claims):
        won = sorted((old for old in had if winner[old] == i), key=previous.age)
        if won:
            ids[i], absorbed[i] = won[0], won[1:]
            counts["kept"] += 1
            counts["merged"] += len(won) - 1
    taken = {lid for lid in ids if lid is not None} | set(held)
    for i in sorted(range(len(clusters)), key=smallest.__getitem__):
        if ids[i] is None:
            minted = _mint(clusters[i], taken)
            ids[i] = minted
            taken.add(minted)
            counts["split" if claims[i] else "minted"] += 1
    final = [lid for lid in ids if lid is not None]
    assert len(final) == len(ids), "every cluster has an id"

    redirects = {old: hop for old, hop in previous.redirects.items() if old not in taken}
    for i, olds in enumerate(absorbed):
        for old in olds:
            redirects[old] = Redirect(final[i], "merged", today.isoformat())
    identity = IdentityMap(build=build, first_build=dict(previous.first_build), first_seen=dict(previous.first_seen))
    for old, hop in redirects.items():
        end = resolve(redirects, hop.new_id)
        if end != old:
            identity.redirects[old] = hop._replace(new_id=end)
    for lid in final:
        if lid not in identity.first_build:
            identity.first_build[lid] = build
            identity.first_seen[lid] = today.isoformat()
    # Records not seen this time keep their id, so a person a source drops for a while comes back
    # under the same id; their ids are re-resolved in case they were merged since. The previous
    # map is not copied: an incremental build's writer stores only what this build changed.
    own = {rec.key: lid for lid, group in zip(final, clusters, strict=True) for rec in group}
    identity.records = CarriedRecords(previous.records, own, identity.redirects)

    earlier: dict[str, set[str]] = {}  # final id → the previous build's ids redirected to it
    for old, hop in previous.redirects.items():
        earlier.setdefault(hop.new_id, set()).add(old)
    aliases = []
    for lid, olds in zip(final, absorbed, strict=True):
        names = {lid, *olds}
        for name in list(names):
            names |= earlier.get(name, set())
        aliases.append(names)
    return Assignment(final, aliases, identity, dict(counts))
