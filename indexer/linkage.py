"""Record linkage: which source records describe the same real person.

Records are joined on shared keys, strongest first — NPI, then state licence number, then
name + state + city, then name + state where only one licensed person in the state has that
name — and a join is refused when it would give one person two NPIs or two
different licence numbers in one state (two people who share a name). Later versions score
pairs with rapidfuzz inside blocks; this is the deterministic first cut.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from indexer.extract import SourceRecord
from indexer.normalize import fold


@dataclass
class _Cluster:
    members: list[int]
    npis: set[str] = field(default_factory=set)
    licenses: dict[str, set[str]] = field(default_factory=dict)  # state → licence keys


@dataclass
class LinkageReport:
    clusters: list[list[SourceRecord]]
    refused_joins: int


def _name_keys(rec: SourceRecord) -> list[str]:
    state = (rec.state or (rec.location.state if rec.location else None) or "").upper()
    if not state:
        return []
    cities = {fold(c) for c in (rec.city, rec.location.city if rec.location else None) if c}
    base = f"name:{state}:{rec.name.last_key}:{rec.name.first_key}"
    return [f"{base}:{city}" for city in sorted(cities)]


def link(records: list[SourceRecord]) -> LinkageReport:
    parent = list(range(len(records)))
    clusters: dict[int, _Cluster] = {}
    for i, rec in enumerate(records):
        cluster = _Cluster([i], {rec.npi} if rec.npi else set())
        for key in rec.license_keys:
            cluster.licenses.setdefault(key.split(":")[0], set()).add(key)
        clusters[i] = cluster

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    refused = 0

    def union(a: int, b: int) -> None:
        nonlocal refused
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        ca, cb = clusters[ra], clusters[rb]
        if len(ca.npis | cb.npis) > 1 or any(
            len(ca.licenses.get(state, set()) | cb.licenses.get(state, set())) > 1
            for state in set(ca.licenses) | set(cb.licenses)
        ):
            refused += 1
            return
        if len(ca.members) < len(cb.members):
            ra, rb, ca, cb = rb, ra, cb, ca
        parent[rb] = ra
        ca.members += cb.members
        ca.npis |= cb.npis
        for state, keys in cb.licenses.items():
            ca.licenses.setdefault(state, set()).update(keys)
        del clusters[rb]

    for keys_of in (
        lambda r: [f"npi:{r.npi}"] if r.npi else [],
        lambda r: [f"lic:{k}" for k in sorted(r.license_keys)],
        _name_keys,
    ):
        first_with: dict[str, int] = {}
        for i, rec in enumerate(records):
            for key in keys_of(rec):
                if key in first_with:
                    union(first_with[key], i)
                else:
                    first_with[key] = i

    # Last, name + state alone: a roster may give a home town rather than the practice's city.
    # Joined only where the state has one anchored person (NPI or licence) of that name.
    by_state_name: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        state = (rec.state or (rec.location.state if rec.location else None) or "").upper()
        if state:
            by_state_name[f"{state}:{rec.name.last_key}:{rec.name.first_key}"].append(i)
    for members in by_state_name.values():
        roots = {find(i) for i in members}
        anchored = [r for r in roots if clusters[r].npis or clusters[r].licenses]
        if len(roots) > 1 and len(anchored) == 1:
            for root in roots - {anchored[0]}:
                union(anchored[0], root)

    groups: dict[int, list[SourceRecord]] = defaultdict(list)
    for i, rec in enumerate(records):
        groups[find(i)].append(rec)
    ordered = sorted(groups.values(), key=lambda group: listing_id(group))
    return LinkageReport(ordered, refused)


def listing_id(group: list[SourceRecord]) -> str:
    """A stable id from the cluster's strongest identifier, so re-indexing keeps every URL valid."""
    npis = sorted(r.npi for r in group if r.npi)
    licenses = sorted(k for r in group for k in r.license_keys)
    anchor = f"npi:{npis[0]}" if npis else f"lic:{licenses[0]}" if licenses else f"rec:{min(r.key for r in group)}"
    return "t_" + hashlib.sha1(anchor.encode()).hexdigest()[:12]
