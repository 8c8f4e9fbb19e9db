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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from indexer.candidates import PairBound, block_pairs
from indexer.extract import SourceRecord
from indexer.link_record import Group
from indexer.linkage_score import CERTAIN, MATCH_THRESHOLD, REVIEW_THRESHOLD, WEIGHTS, Features, features, score_features
from indexer.normalize import PersonName, fold

AMBIGUITY_MARGIN = 0.10
MIDDLE_AGREES = 0.05
MIDDLE_DIFFERS = -0.3


@dataclass
class _Cluster:
    members: list[int]
    npis: set[str] = field(default_factory=set)
    licenses: dict[str, set[str]] = field(default_factory=dict)  # state → licence keys
    suffixes: set[str] = field(default_factory=set)
    middles: set[str] = field(default_factory=set)  # middle initials its records state
    forbidden: set[int] = field(default_factory=set)  # records an admin said are someone else


def _middle_adjustment(a: _Cluster, b: _Cluster) -> float:
    """Middle initials weigh on whole people: a stated one that differs is strong evidence of two."""
    if a.middles and b.middles:
        return MIDDLE_AGREES if a.middles & b.middles else MIDDLE_DIFFERS
    return 0.0


@dataclass(frozen=True)
class ReviewPair:
    """A pair of records that may be one person; an admin decides."""

    a: str
    b: str
    score: float
    reason: str


@dataclass
class LinkageReport:
    clusters: list[list[SourceRecord]]  # ordered by listing id
    ids: list[str]  # the listing id of each cluster
    refused_joins: int
    review: list[ReviewPair] = field(default_factory=list)


def _state(rec: SourceRecord) -> str:
    return (rec.state or (rec.location.state if rec.location else None) or "").upper()


def _blocking_keys(rec: SourceRecord, f: Features) -> list[str]:
    keys = [f"npi:{f.npi}"] if f.npi else []
    keys += [f"lic:{k}" for k in f.licenses]
    if f.phone:
        keys.append(f"ph:{f.phone}:{f.last_key}")  # a page that names no state still gives its phone
    if f.first_key and 0 < f.name_licences <= WEIGHTS.rare_name_licences:
        keys.append(f"rare:{f.first_key}:{f.last_key}")  # a rare full name meets itself in every state (movers)
    # A nickname meets its formal names ("Becky" meets "Rebecca" under R, and in "fc"/"fn" blocks
    # under "rebecca"), as `normalize.given_names` has them.
    initials = rec.name.initials | {name[:1] for name in f.first_names}
    # A person is met in every state they are known in: where they practise or live, and where
    # they are licensed (a Florida licensee may give a Texas mailing address).
    for state in {_state(rec), *f.license_states} - {""}:
        keys += [f"ln:{state}:{f.last_key}:{initial}" for initial in initials]
        for given in f.first_names:
            if f.city:
                # A typo in the surname; its first letters are rarely the mistyped ones, and without
                # them a big city's Marias would all meet each other.
                keys.append(f"fc:{state}:{given}:{f.city}:{f.last_key[:3]}")
            keys += [f"fn:{state}:{given}:{extra}" for extra in (f.phone, f.zip) if extra]
        keys += [f"lx:{state}:{f.last_key}:{extra}" for extra in (f.phone, f.zip) if extra]
    return keys


def _compound_surnames(records: list[SourceRecord]) -> list[SourceRecord]:
    """'Rachel Stein Parker' is Rachel Stein-Parker when some record spells that surname out:
    a double surname written with a space reads as a middle name otherwise."""
    surnames = {rec.name.last_key for rec in records}
    out = []
    for rec in records:
        middle = fold(rec.name.middle).replace(".", "")
        if len(middle) > 1 and " " not in middle and middle + rec.name.last_key in surnames:
            name = PersonName(rec.name.first, "", f"{rec.name.middle}-{rec.name.last}", rec.name.suffix)
            rec = replace(rec, name=name)
        out.append(rec)
    return out


def _name_licences(records: list[SourceRecord]) -> Counter[tuple[str, str]]:
    """How many distinct licences each full name holds: the term frequency of the name."""
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in records:
        held[(rec.name.first_key, rec.name.last_key)].update(rec.license_keys)
    return Counter({name: len(keys) for name, keys in held.items()})


def link(
    records: list[SourceRecord],
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> LinkageReport:
    """Cluster `records` into people; `must_link`/`cannot_link` are record-key pairs an admin decided."""
    originals = records
    cannot_link = list(cannot_link)
    records = _compound_surnames(records)
    name_licences = _name_licences(records)
    clusters: dict[int, _Cluster] = {}
    parent = list(range(len(records)))
    for i, rec in enumerate(records):
        cluster = _Cluster(
            [i],
            {rec.npi} if rec.npi else set(),
            suffixes={rec.name.suffix_key} - {""},
            middles={fold(rec.name.middle)[:1]} - {""},
        )
        for key in rec.license_keys:
            cluster.licenses.setdefault(key.split(":")[0], set()).add(key)
        clusters[i] = cluster
    position = {rec.key: i for i, rec in enumerate(records)}
    for key_a, key_b in cannot_link:
        if key_a in position and key_b in position:
            clusters[position[key_a]].forbidden.add(position[key_b])
            clusters[position[key_b]].forbidden.add(position[key_a])

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def compatible(ca: _Cluster, cb: _Cluster) -> bool:
        if ca.forbidden and not ca.forbidden.isdisjoint(cb.members):  # symmetric: one side suffices
            return False
        if len(ca.npis | cb.npis) > 1 or len(ca.suffixes | cb.suffixes) > 1:
            return False
        return all(len(ca.licenses.get(s, set()) | cb.licenses.get(s, set())) <= 1 for s in set(ca.licenses) | set(cb.licenses))

    def union(a: int, b: int, forced: bool = False) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return True
        ca, cb = clusters[ra], clusters[rb]
        if not compatible(ca, cb) and not (forced and (not ca.forbidden or ca.forbidden.isdisjoint(cb.members))):
            return False
        if len(ca.members) < len(cb.members):
            ra, rb, ca, cb = rb, ra, cb, ca
        parent[rb] = ra
        ca.members += cb.members
        ca.npis |= cb.npis
        ca.suffixes |= cb.suffixes
        ca.middles |= cb.middles
        ca.forbidden |= cb.forbidden
        for state, keys in cb.licenses.items():
            ca.licenses.setdefault(state, set()).update(keys)
        del clusters[rb]
        return True

    # An admin's merge holds even against identifiers (two NPIs of one person); never against a split.
    for key_a, key_b in sorted(must_link):
        if key_a in position and key_b in position:
            union(position[key_a], position[key_b], forced=True)

    # A record published under several names (NPPES `other_names`: a former surname) is compared
    # under each: its other names are extra rows that stand for it, and a pair keeps its best score.
    owner = list(range(len(records)))
    rows = list(records)
    for i, published in enumerate(records):
        for alias in published.other_names:
            rows.append(replace(published, name=alias))
            owner.append(i)
    feats = [features(rec, name_licences[(rec.name.first_key, rec.name.last_key)]) for rec in rows]
    first, second = block_pairs([_blocking_keys(rec, f) for rec, f in zip(rows, feats, strict=True)])
    # Pairs that cannot reach the review band, or that identifiers settle as two people, are
    # dropped by an array bound first; the rest are scored exactly.
    keep = PairBound(feats).may_matter(first, second, REVIEW_THRESHOLD - MIDDLE_AGREES)
    scored: dict[tuple[int, int], tuple[float, str]] = {}
    for x, y in zip(first[keep].tolist(), second[keep].tolist(), strict=True):
        left, right = sorted((owner[x], owner[y]))
        if left != right and (found := score_features(feats[x], feats[y]))[0] > scored.get((left, right), (-9.0, ""))[0]:
            scored[(left, right)] = found

    refused = 0
    # Identifiers first: they define the people weaker evidence is then weighed against.
    for a, b in sorted(pair for pair, (score, _) in scored.items() if score >= CERTAIN):
        if not union(a, b):
            refused += 1

    # For each record, its best-scoring people; a record that fits two about equally is ambiguous.
    def weighed(a: int, b: int, score: float) -> float:
        return round(score + _middle_adjustment(clusters[find(a)], clusters[find(b)]), 4)

    def ambiguous(rec: int, target: int, best: dict[int, dict[int, float]]) -> bool:
        """Another person, who could not also be `target`'s, fits `rec` about as well."""
        options = best[rec]
        if len(options) < 2:
            return False  # its only candidate is `target` itself
        target_root, own_root = find(target), find(rec)
        # Roots are re-found: people may have joined since the round began.
        roots = [(find(root), score) for root, score in options.items()]
        top = max((score for root, score in roots if root == target_root), default=0.0)
        own, wanted = clusters[own_root], clusters[target_root]
        for root, score in roots:
            if root in (target_root, own_root) or score < top - AMBIGUITY_MARGIN:
                continue
            rival = clusters[root]
            if compatible(own, rival) and not compatible(rival, wanted):
                return True
        return False

    # Weaker evidence, in rounds: each round's joins make people more complete (a middle name, a
    # city), which can settle records that were ambiguous in the round before.
    review: list[ReviewPair] = []
    # Middle initials add at most MIDDLE_AGREES to a pair; pairs that cannot reach review never matter.
    candidates = [
        (a, b, score, reason) for (a, b), (score, reason) in scored.items() if REVIEW_THRESHOLD - MIDDLE_AGREES <= score < CERTAIN
    ]
    for _round in range(4):
        candidates = [row for row in candidates if find(row[0]) != find(row[1])]
        weak = [(weighed(a, b, score), a, b, reason) for a, b, score, reason in candidates]
        best: dict[int, dict[int, float]] = defaultdict(dict)
        for score, a, b, _ in weak:
            if score >= REVIEW_THRESHOLD:
                for node, peer in ((a, b), (b, a)):
                    root, options = find(peer), best[node]
                    options[root] = max(options.get(root, 0.0), score)
        joined = 0
        review = []
        for score, a, b, reason in sorted(weak, key=lambda row: (-row[0], row[1], row[2])):
            if score < REVIEW_THRESHOLD or find(a) == find(b):
                continue
            if score >= MATCH_THRESHOLD and not ambiguous(a, b, best) and not ambiguous(b, a, best):
                if union(a, b):
                    joined += 1
                else:
                    refused += 1
                continue
            review.append(ReviewPair(records[a].key, records[b].key, score, reason))
        if not joined:
            break

    groups: dict[int, list[SourceRecord]] = defaultdict(list)
    for i, rec in enumerate(originals):
        groups[find(i)].append(rec)
    # Pairs that other evidence joined after all need no review.
    root_of = {rec.key: find(i) for i, rec in enumerate(records)}
    decided = {frozenset(pair) for pair in cannot_link}
    review = [r for r in review if root_of[r.a] != root_of[r.b] and frozenset((r.a, r.b)) not in decided]
    identified = sorted(((listing_id(group), group) for group in groups.values()), key=lambda row: row[0])
    return LinkageReport([g for _, g in identified], [i for i, _ in identified], refused, review)


def listing_id(group: Group) -> str:
    """A stable id from the cluster's strongest identifier, so re-indexing keeps every URL valid."""
    npis = sorted(r.npi for r in group if r.npi)
    licenses = sorted(k for r in group for k in r.license_keys)
    anchor = f"npi:{npis[0]}" if npis else f"lic:{licenses[0]}" if licenses else f"rec:{min(r.key for r in group)}"
    return "t_" + hashlib.sha1(anchor.encode()).hexdigest()[:12]
