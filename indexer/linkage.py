"""Record linkage: which source records describe the same real person.

1. Blocking: records meet only if they share a key — NPI, state licence number, or state + surname
   + a given-name initial, state + first name + phone/ZIP (married names), state + surname + phone/ZIP
   (nicknames no table knows), state + first name + city + the surname's first letters (typos),
   phone + surname (a page that names no state), a rare full name in any state (people who moved).
2. Scoring each candidate pair with rapidfuzz (`indexer.linkage_score.pair_score`), after
   `indexer.candidates` has dropped, with array operations, the pairs whose score could not reach the
   review band: shared identifiers decide outright; otherwise name similarity (nicknames, initials,
   typos, hyphenation) plus agreement on phone, ZIP and city, weighed by how common the full name
   is (a name many licences hold needs a phone or ZIP to agree, else it goes to review; only a rare
   one links across states). Different NPIs, different licence numbers in one state, or different
   generational suffixes (Sr./Jr.) make a pair impossible.
3. Clustering: pairs are joined from the strongest down, refusing any join that would give a person
   two NPIs, two licence numbers in one state, or two suffixes. A record that fits two different
   people about equally well is not joined to either; the pair goes to the review queue.
4. Admins' decisions come first and last: `must_link` pairs (a merge, a split's groups) are joined
   before any evidence is weighed, whatever identifiers they carry; `cannot_link` pairs (across a
   split) are never joined, directly or through others, and are not queued for review again.

MATCH_THRESHOLD, REVIEW_THRESHOLD and the score's weights (`indexer.linkage_score`) were chosen on
tests/data/linkage (see bench/linkage_eval.py).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from indexer.candidates import CHUNK_PAIRS, LinkRows, blocking_key_hashes, keyed_once, sorted_unique
from indexer.extract import SourceRecord
from indexer.link_record import Group, LinkRecord
from indexer.linkage_score import CERTAIN, MATCH_THRESHOLD, REVIEW_THRESHOLD
from indexer.normalize import PersonName, fold, suffix_key

AMBIGUITY_MARGIN = 0.10
MIDDLE_AGREES = 0.05
MIDDLE_DIFFERS = -0.3
# The lowest pair score linkage ever looks at: middle initials add at most MIDDLE_AGREES.
FLOOR = REVIEW_THRESHOLD - MIDDLE_AGREES
_NONE: frozenset = frozenset()


_EMPTY: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Cluster:
    """A person of two or more records (or one an admin kept apart from others); a record alone has
    none, its own fields stand for it (a million records, most of them alone). Slots and frozensets,
    shared while empty: a national build holds hundreds of thousands (an empty set costs 216 bytes)."""

    members: list[int]
    npis: frozenset[str] = _EMPTY
    licenses: dict[str, frozenset[str]] = field(default_factory=dict)  # state → licence keys
    suffixes: frozenset[str] = _EMPTY
    middles: frozenset[str] = _EMPTY  # middle initials its records state
    forbidden: frozenset[int] = frozenset()  # records an admin said are someone else


@dataclass(frozen=True)
class ReviewPair:
    """A pair of records that may be one person; an admin decides."""

    a: str
    b: str
    score: float
    reason: str


@dataclass
class Linkage:
    clusters: list[list[int]]  # indexes into the records, ascending within a cluster; ordered by listing id
    ids: list[str]  # listing_id of each cluster
    refused_joins: int
    review: list[ReviewPair]
    # (i, j, score) of every scored pair that can matter (score >= FLOOR, CERTAIN included), i < j.
    edges: tuple[np.ndarray, np.ndarray, np.ndarray]
    # The first record of each refused join's pair: an incremental re-index counts them per component.
    refused_at: list[int] = field(default_factory=list)


@dataclass
class LinkageReport:
    clusters: list[list[SourceRecord]]  # ordered by listing id
    ids: list[str]  # the listing id of each cluster
    refused_joins: int
    review: list[ReviewPair] = field(default_factory=list)


def compound_surname(name: PersonName) -> str:
    """The double surname a middle name and surname may spell ('' if the middle name cannot)."""
    if not name.middle:
        return ""
    middle = fold(name.middle).replace(".", "")
    return middle + name.last_key if len(middle) > 1 and " " not in middle else ""


def compound_surnames(records: Sequence[LinkRecord], surnames: Collection[str] | None = None) -> list[LinkRecord]:
    """'Rachel Stein Parker' is Rachel Stein-Parker when some record spells that surname out:
    a double surname written with a space reads as a middle name otherwise."""
    known = surnames if surnames is not None else {rec.name.last_key for rec in records}
    out = []
    for rec in records:
        name = rec.name
        if name.middle and (double := compound_surname(name)) and double in known:
            rec = rec.renamed(PersonName(name.first, "", f"{name.middle}-{name.last}", name.suffix))
        out.append(rec)
    return out


def name_licence_counts(records: Iterable[LinkRecord]) -> dict[tuple[str, str], int]:
    """How many distinct licences each full name holds: the term frequency of the name (of records
    after `compound_surnames`)."""
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in records:
        held[(rec.name.first_key, rec.name.last_key)].update(rec.license_keys)
    return {name: len(keys) for name, keys in held.items()}


def blocking_keys(rec: LinkRecord, name_licences: int) -> list[int]:
    """The record's blocking keys (under its own name, after `compound_surnames`) as stable signed
    64-bit ints; `link_records` pairs two rows when they share one. `name_licences`: licences
    held under its full name."""
    return blocking_key_hashes(rec, name_licences)


def _scored_pairs(rows: LinkRows, owner: np.ndarray, n: int, chunks: Iterable[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, ...]:
    """Each pair of records with a row pair (of `chunks`) scoring CERTAIN or at least FLOOR: (a, b, score,
    row x, row y), a < b, with the best score of its row pairs, and of those, the first row pair."""
    parts = []
    for x, y in chunks:
        pos, score = rows.scores(x, y, FLOOR)
        parts.append((x[pos].astype(np.int32), y[pos].astype(np.int32), score))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0), empty, empty
    x = np.concatenate([p[0] for p in parts]).astype(np.int64)
    y = np.concatenate([p[1] for p in parts]).astype(np.int64)
    score = np.concatenate([p[2] for p in parts])
    del parts
    a, b = np.minimum(owner[x], owner[y]), np.maximum(owner[x], owner[y])
    other = a != b  # a record and its own former name
    x, y, score, a, b = x[other], y[other], score[other], a[other], b[other]
    code = a * n + b
    order = np.lexsort((x * len(rows) + y, -score, code))
    code = code[order]
    first = order[np.r_[True, code[1:] != code[:-1]]] if len(code) else order
    return a[first], b[first], score[first], x[first], y[first]


def link_records(
    records: Sequence[LinkRecord],
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    *,
    name_licences: Mapping[tuple[str, str], int] | None = None,
    surnames: Collection[str] | None = None,
) -> Linkage:
    """Cluster `records` into people; `must_link`/`cannot_link` are record-key pairs an admin decided.

    `name_licences`: licences per (first key, last key), counted over all records of the build
    (`name_licence_counts` of them after `compound_surnames`); `surnames`: the build's surname keys.
    Both default to those of `records`."""
    cannot_link = list(cannot_link)
    records = compound_surnames(records, surnames)
    counts = name_licences if name_licences is not None else name_licence_counts(records)
    n = len(records)
    suffix_of = keyed_once([rec.name.suffix for rec in records], suffix_key)
    middles_of = keyed_once([rec.name.middle for rec in records], _middle_initial)
    clusters: dict[int, _Cluster] = {}
    parent = list(range(n))

    def own(i: int) -> _Cluster:
        """Record `i`'s cluster, made when it first takes part in a join (or a split)."""
        found = clusters.get(i)
        if found is None:
            alone = _View(records[i], suffix_of[i])
            found = clusters[i] = _Cluster([i], alone.npis, alone.licenses, alone.suffixes, middles_of[i])
        return found

    must_link = list(must_link)
    # Only admins' pairs need a record's position by key: no million-entry map for a build without.
    position = {rec.key: i for i, rec in enumerate(records)} if must_link or cannot_link else {}
    for key_a, key_b in cannot_link:
        if key_a in position and key_b in position:
            a, b = own(position[key_a]), own(position[key_b])
            a.forbidden, b.forbidden = a.forbidden | {position[key_b]}, b.forbidden | {position[key_a]}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def compatible(ra: int, rb: int) -> bool:
        """Whether the people of roots `ra` and `rb` could be one."""
        ca, cb = clusters.get(ra), clusters.get(rb)
        if ca is not None and ca.forbidden and not ca.forbidden.isdisjoint(cb.members if cb is not None else (rb,)):
            return False  # symmetric: one side suffices
        if ca is None and cb is None:
            return _solo_compatible(records[ra], records[rb], suffix_of[ra], suffix_of[rb])
        va = ca if ca is not None else _View(records[ra], suffix_of[ra])
        vb = cb if cb is not None else _View(records[rb], suffix_of[rb])
        if not _at_most_one(va.npis, vb.npis) or not _at_most_one(va.suffixes, vb.suffixes):
            return False
        return _licences_agree(va.licenses, vb.licenses)

    def union(a: int, b: int, forced: bool = False) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return True
        if not compatible(ra, rb):
            forbidden = clusters[ra].forbidden if ra in clusters else _NONE
            if not (forced and (not forbidden or forbidden.isdisjoint(clusters[rb].members if rb in clusters else (rb,)))):
                return False
        ca, cb = own(ra), own(rb)
        if len(ca.members) < len(cb.members):
            ra, rb, ca, cb = rb, ra, cb, ca
        parent[rb] = ra
        ca.members += cb.members
        ca.npis |= cb.npis
        ca.suffixes |= cb.suffixes
        ca.middles |= cb.middles
        ca.forbidden |= cb.forbidden
        for state, keys in cb.licenses.items():
            ca.licenses[state] = ca.licenses.get(state, _EMPTY) | keys
        del clusters[rb]
        return True

    # An admin's merge holds even against identifiers (two NPIs of one person); never against a split.
    for key_a, key_b in sorted(must_link):
        if key_a in position and key_b in position:
            union(position[key_a], position[key_b], forced=True)

    # A record published under several names (NPPES `other_names`: a former surname) is compared
    # under each: its other names are extra rows that stand for it, and a pair keeps its best score.
    rows, owner = _link_rows(records, counts)
    pa, pb, ps, px, py = _scored_pairs(rows, owner, max(n, 1), rows.pair_chunks())
    del owner

    refused: list[int] = []
    # Identifiers first: they define the people weaker evidence is then weighed against.
    certain = np.flatnonzero(ps >= CERTAIN)  # already ordered by (a, b)
    for a, b in zip(pa[certain].tolist(), pb[certain].tolist(), strict=True):
        if not union(a, b):
            refused.append(a)

    def middles(root: int) -> Collection[str]:
        cluster = clusters.get(root)
        return cluster.middles if cluster is not None else middles_of[root]

    # For each record, its best-scoring people; a record that fits two about equally is ambiguous.
    def weighed(a: int, b: int, score: float) -> float:
        ma, mb = middles(find(a)), middles(find(b))
        adjust = (MIDDLE_AGREES if not ma.isdisjoint(mb) else MIDDLE_DIFFERS) if ma and mb else 0.0  # type: ignore[attr-defined]
        return round(score + adjust, 4)

    def ambiguous(rec: int, target: int, best: _Options) -> bool:
        """Another person, who could not also be `target`'s, fits `rec` about as well."""
        options = best.of(rec)
        if len(options) < 2:
            return False  # its only candidate is `target` itself
        target_root, own_root = find(target), find(rec)
        # Roots are re-found: people may have joined since the round began.
        roots = [(find(root), score) for root, score in options]
        top = max((score for root, score in roots if root == target_root), default=0.0)
        for root, score in roots:
            if root in (target_root, own_root) or score < top - AMBIGUITY_MARGIN:
                continue
            if compatible(own_root, root) and not compatible(root, target_root):
                return True
        return False

    def roots_of(nodes: np.ndarray) -> np.ndarray:
        return np.fromiter((find(i) for i in nodes.tolist()), dtype=np.int64, count=len(nodes))

    # Weaker evidence, in rounds: each round's joins make people more complete (a middle name, a
    # city), which can settle records that were ambiguous in the round before. The candidates
    # stay in arrays (a national build has millions); only what a round decides is Python.
    review: list[tuple[int, int, float, int]] = []
    cand = np.flatnonzero((ps >= FLOOR) & (ps < CERTAIN))  # positions in pa/pb/ps, ordered by (a, b)
    for _round in range(4):
        ra, rb = roots_of(pa[cand]), roots_of(pb[cand])
        alive = ra != rb
        cand, ra, rb = cand[alive], ra[alive], rb[alive]
        ca, cb = pa[cand], pb[cand]
        weak = ps[cand].copy()
        # Middle initials move a score only where both people state some.
        seen = sorted_unique(np.concatenate([ra, rb]))
        stated = np.fromiter((bool(middles(r)) for r in seen.tolist()), dtype=bool, count=len(seen))
        both = np.flatnonzero(stated[np.searchsorted(seen, ra)] & stated[np.searchsorted(seen, rb)])
        weak[both] = [weighed(a, b, score) for a, b, score in zip(ca[both].tolist(), cb[both].tolist(), weak[both].tolist(), strict=True)]
        best = _Options(ca, cb, ra, rb, weak)
        joined = 0
        review = []
        order = np.lexsort((cb, ca, -weak))
        order = order[weak[order] >= REVIEW_THRESHOLD]
        for start in range(0, len(order), _ROUND_CHUNK):
            part = order[start : start + _ROUND_CHUNK]
            for score, a, b, p in zip(weak[part].tolist(), ca[part].tolist(), cb[part].tolist(), cand[part].tolist(), strict=True):
                if find(a) == find(b):
                    continue
                if score >= MATCH_THRESHOLD and not ambiguous(a, b, best) and not ambiguous(b, a, best):
                    if union(a, b):
                        joined += 1
                    else:
                        refused.append(a)
                    continue
                review.append((a, b, score, p))
        if not joined:
            break

    # Pairs that other evidence joined after all need no review.
    decided = {frozenset(pair) for pair in cannot_link}
    pairs = [
        ReviewPair(records[a].key, records[b].key, score, rows.exact(int(px[p]), int(py[p]))[1])
        for a, b, score, p in review
        if find(a) != find(b) and frozenset((records[a].key, records[b].key)) not in decided
    ]
    edges = np.flatnonzero(ps >= FLOOR)
    found = (pa[edges], pb[edges], ps[edges])
    # The people are decided: what decided them goes before their groups are made (the end of
    # linkage was the peak of a national build's memory).
    del rows, pa, pb, ps, px, py, edges
    clusters.clear()
    roots = np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)
    parent.clear()
    order = np.argsort(roots, kind="stable")  # each group's records stay ascending
    bounds = np.flatnonzero(np.r_[True, roots[order][1:] != roots[order][:-1]]) if n else np.empty(0, dtype=np.int64)
    groups = [part.tolist() for part in np.split(order, bounds[1:])] if n else []
    del roots, order
    identified = sorted(((listing_id([records[i] for i in group]), group) for group in groups), key=lambda row: row[0])
    del groups
    return Linkage([g for _, g in identified], [i for i, _ in identified], len(refused), pairs, found, refused)


_ROUND_CHUNK = 1 << 16  # candidates a round turns into Python values at once


class _Options:
    """For each record, the people (roots at the start of a round) its candidate pairs in the
    review band point to, with the best score of each: arrays sorted by record."""

    def __init__(self, ca: np.ndarray, cb: np.ndarray, ra: np.ndarray, rb: np.ndarray, weak: np.ndarray) -> None:
        keep = weak >= REVIEW_THRESHOLD
        node = np.concatenate([ca[keep], cb[keep]])
        root = np.concatenate([rb[keep], ra[keep]])
        score = np.concatenate([weak[keep], weak[keep]])
        order = np.lexsort((-score, root, node))
        node, root, score = node[order], root[order], score[order]
        first = np.r_[True, (node[1:] != node[:-1]) | (root[1:] != root[:-1])] if len(node) else np.empty(0, dtype=bool)
        self.node, self.root, self.score = node[first], root[first], score[first]

    def of(self, rec: int) -> list[tuple[int, float]]:
        lo, hi = np.searchsorted(self.node, rec, side="left"), np.searchsorted(self.node, rec, side="right")
        return list(zip(self.root[lo:hi].tolist(), self.score[lo:hi].tolist(), strict=True))


def _link_rows(records: Sequence[LinkRecord], counts: Mapping[tuple[str, str], int]) -> tuple[LinkRows, np.ndarray]:
    """A record published under several names (NPPES `other_names`: a former surname) is compared
    under each: its other names are extra rows that stand for it (`owner`), and a pair keeps its
    best score."""
    owner_list = list(range(len(records)))
    row_list = list(records)
    for i, published in enumerate(records):
        for alias in published.other_names:
            row_list.append(published.renamed(alias))
            owner_list.append(i)
    return LinkRows(row_list, counts), np.asarray(owner_list, dtype=np.int64)


def record_blocking_keys(
    records: Sequence[LinkRecord], name_licences: Mapping[tuple[str, str], int], surnames: Collection[str]
) -> list[list[int]]:
    """Each record's blocking keys under all its names, as `link_records` blocks it given the
    build's name counts and surnames: what it may be paired with."""
    rows, owner = _link_rows(compound_surnames(records, surnames), name_licences)
    row_of, keys = rows.blocking_keys()
    out: list[list[int]] = [[] for _ in records]
    for record, key in zip(owner[row_of].tolist(), keys.view(np.int64).tolist(), strict=True):
        out[record].append(key)
    return [sorted(set(found)) for found in out]


def edges_of(
    records: Sequence[LinkRecord], among: Collection[int], name_licences: Mapping[tuple[str, str], int], surnames: Collection[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges `link_records` would find between the records `among` (indexes) and any of
    `records`, given the build's name counts and surnames, without scoring the other pairs."""
    rows, owner = _link_rows(compound_surnames(records, surnames), name_licences)
    pa, pb, ps, _, _ = _scored_pairs(rows, owner, max(len(records), 1), _pairs_with(rows, owner, among))
    edges = np.flatnonzero(ps >= FLOOR)
    return pa[edges], pb[edges], ps[edges]


def _pairs_with(rows: LinkRows, owner: np.ndarray, among: Collection[int]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The pairs of rows sharing a blocking key of which one stands for a record of `among`, as
    (smaller, larger) arrays in chunks: a block of a common name holds hundreds of records, and
    the pairs among its other records are known already."""
    row_of, keys = rows.blocking_keys()
    order = np.lexsort((row_of, keys))
    row_of, keys = row_of[order], keys[order]
    wanted = np.flatnonzero(np.isin(owner[row_of], np.fromiter(among, dtype=np.int64, count=len(among))))
    lo = np.searchsorted(keys, keys[wanted], side="left")
    hi = np.searchsorted(keys, keys[wanted], side="right")
    sizes = hi - lo
    mine = np.repeat(row_of[wanted], sizes)
    other = row_of[np.repeat(lo, sizes) + np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)]
    n = max(len(rows), 1)
    code = np.unique(np.minimum(mine, other) * n + np.maximum(mine, other))
    code = code[code // n != code % n]
    for start in range(0, len(code), CHUNK_PAIRS):
        part = code[start : start + CHUNK_PAIRS]
        yield part // n, part % n


def _middle_initial(middle: str) -> frozenset[str]:
    initial = fold(middle)[:1] if middle else ""
    return frozenset((initial,)) if initial else _EMPTY


class _View:
    """A record alone, read as a cluster."""

    __slots__ = ("npis", "suffixes", "licenses")

    def __init__(self, rec: LinkRecord, suffix: str) -> None:
        self.npis = frozenset((rec.npi,)) if rec.npi else _EMPTY
        self.suffixes = frozenset((suffix,)) if suffix else _EMPTY
        self.licenses: dict[str, frozenset[str]] = {}
        for key in rec.license_keys:
            state = key.split(":")[0]
            self.licenses[state] = self.licenses.get(state, _EMPTY) | {key}


def _solo_compatible(a: LinkRecord, b: LinkRecord, sa: str, sb: str) -> bool:
    """`compatible` of two records alone (`sa`, `sb`: their suffix keys), without building clusters."""
    if a.npi and b.npi and a.npi != b.npi:
        return False
    if sa and sb and sa != sb:
        return False
    if len(a.license_keys) + len(b.license_keys) <= 1:
        return True
    return _licences_agree(_View(a, sa).licenses, _View(b, sb).licenses)


def _at_most_one(x: AbstractSet[str], y: AbstractSet[str]) -> bool:
    """len(x | y) <= 1, without building the union (big people are compared often)."""
    return len(x) <= 1 and len(y) <= 1 and (not x or not y or x == y)


def _licences_agree(la: Mapping[str, AbstractSet[str]], lb: Mapping[str, AbstractSet[str]]) -> bool:
    """One licence number at most in each state, for the two together."""
    if len(la) > len(lb):
        la, lb = lb, la
    for state, keys in la.items():
        other = lb.get(state)
        if not (len(keys) <= 1 if other is None else _at_most_one(keys, other)):
            return False
    return all(len(keys) <= 1 for keys in lb.values())


def link(
    records: list[SourceRecord],
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> LinkageReport:
    """Cluster `records` into people; `must_link`/`cannot_link` are record-key pairs an admin decided."""
    linkage = link_records([LinkRecord.of(rec) for rec in records], must_link, cannot_link)
    return LinkageReport([[records[i] for i in c] for c in linkage.clusters], linkage.ids, linkage.refused_joins, linkage.review)


def listing_id(group: Group) -> str:
    """A stable id from the cluster's strongest identifier, so re-indexing keeps every URL valid."""
    npis = sorted(r.npi for r in group if r.npi)
    licenses = sorted(k for r in group for k in r.license_keys)
    anchor = f"npi:{npis[0]}" if npis else f"lic:{licenses[0]}" if licenses else f"rec:{min(r.key for r in group)}"
    return "t_" + hashlib.sha1(anchor.encode()).hexdigest()[:12]
