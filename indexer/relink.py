"""Re-link only the records a re-index's changes can reach.

Linkage is exact per connected component of the graph whose edges are the scored pairs that can
matter (score ≥ REVIEW_THRESHOLD - MIDDLE_AGREES) and the admins' must-link / cannot-link pairs,
given two inputs taken from every record: the licences held per full name and the surnames double
surnames are read against. Its rounds touch only pairs of one component (a round without a join in
a component leaves it as it was, so the number of rounds others need changes nothing), its
ambiguity test weighs only a record's own candidates, and its ties are broken by record order,
which a subset in build order keeps. So linking a union of whole components, in build order and
with the whole build's name counts and surnames, gives exactly what linking everything gives them.

Which records are dirty (their features, or the records themselves, changed):
- the records of new and changed lines, and of every line sharing an extracted key with one
  (`extract.distinct_keys` decides those keys together);
- records whose double surname became or stopped being someone's surname;
- records compared under a full name whose licence count changed;
- records of an admin pair added or retired since the last build.
Their candidates are found through the stored blocking keys and scored; the records to re-link are
the components, over the old edges among clean records and the new edges of dirty ones, that hold
a dirty record or a record of a component a change touched.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from directory.errors import ConfigError
from directory.raw import SourceKind
from directory.vocabulary import Vocabulary
from indexer.extract import SourceRecord, distinct_keys
from indexer.incremental_state import ClusterState, Graph, LicenceCounts, LineResult, Pair, RecordState, StateStore
from indexer.link_record import LinkRecord
from indexer.linkage import Linkage, compound_surname, compound_surnames, edges_of, link_records, record_blocking_keys
from indexer.reading import extract_lines

log = logging.getLogger(__name__)


@dataclass
class Crawl:
    """The raw files of this build, hashed line by line; only lines not in the state are extracted."""

    where: dict[bytes, tuple[int, int]] = field(default_factory=dict)  # line ident → (file, line number)
    fresh: dict[bytes, LineResult] = field(default_factory=dict)
    gone: list[bytes] = field(default_factory=list)  # stored lines (kept or quarantined) this crawl no longer has
    raw_records: int = 0
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    by_source: dict[str, int] = field(default_factory=dict)


def _file_lines(path: Path) -> list[bytes]:
    """A raw file's lines, without their newline (`_raw` puts it back for extraction)."""
    try:
        return path.read_bytes().split(b"\n")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None


def _raw(lines: list[bytes], index: int) -> bytes:
    """Line `index` as iterating its file gives it: with its newline, but for the file's last."""
    return lines[index] + b"\n" if index + 1 < len(lines) else lines[index]


class _Occurrences:
    """Line idents: a line's content hash and which occurrence of that content it is, counting
    across every file in order (identical lines are told apart). Almost every line is unique, so
    only the repeated ones are numbered one by one."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()  # every content hashed so far
        self.count: dict[bytes, int] = {}  # occurrences so far, of the contents seen more than once

    def idents(self, digests: list[bytes]) -> list[bytes]:
        """The idents of one file's lines, after those of the files before it."""
        first = (1).to_bytes(4, "little")
        idents = [d + first for d in digests]
        within = Counter(digests)
        again = {d for d, n in within.items() if n > 1} | (within.keys() & self.seen)
        for i in [i for i, d in enumerate(digests) if d in again]:
            d = digests[i]
            n = self.count[d] = self.count.get(d, 1 if d in self.seen else 0) + 1
            idents[i] = d + n.to_bytes(4, "little")
        self.seen.update(within)
        return idents


def read_crawl(files: list[Path], graph: Graph, vocab: Vocabulary, today: date, progress: bool) -> Crawl:
    """Hash every raw line and extract only the lines the state does not hold. Each file is read
    whole and its lines hashed in one comprehension (this is the floor of a re-index: no
    per-line bookkeeping in Python for the lines the state holds). A line's hash is of its
    content, newline left out."""
    crawl = Crawl()
    blake2b = hashlib.blake2b
    counts, quarantined = graph.line_keys.counts, graph.quarantined  # the stored lines
    occurrences = _Occurrences()
    for number, path in enumerate(tqdm(files, desc="hashing raw files", unit="file", disable=not progress)):
        lines = _file_lines(path)
        numbers = [i for i, line in enumerate(lines, start=1) if line and not line.isspace()]  # blank lines are no records
        idents = occurrences.idents([blake2b(line, digest_size=16).digest() for line in lines if line and not line.isspace()])
        crawl.where.update(zip(idents, [(number, i) for i in numbers], strict=True))
        held = sum([counts.get(i, 0) for i in idents])
        for ident, line_number in [(i, n) for i, n in zip(idents, numbers, strict=True) if i not in counts or i in quarantined]:
            raw = _raw(lines, line_number - 1)
            if ident not in counts and ident not in quarantined:
                chunk = extract_lines(path.name, line_number, [raw], vocab, today)
                crawl.fresh[ident] = (chunk.records, chunk.quarantine[0]["reason"] if chunk.quarantine else None)
                held += len(chunk.records)
            reason = quarantined[ident] if ident in quarantined else crawl.fresh[ident][1]
            if reason is not None:
                text = raw.decode("utf-8", errors="replace")
                crawl.quarantine.append({"file": path.name, "line": line_number, "reason": reason, "raw": text[:2000]})
        crawl.raw_records += len(idents)
        crawl.by_source[path.stem] = crawl.by_source.get(path.stem, 0) + held
    crawl.gone = [i for i in (*counts, *quarantined) if i not in crawl.where]
    return crawl


def _components(count: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(count)]


@dataclass
class Relinked:
    """What re-linking changed: the clusters it made (by token), and the ones it replaced."""

    changed: dict[str, list[SourceRecord]]  # token → records, for clusters whose records or their content changed
    removed: dict[str, ClusterState]  # clusters of the last build that re-linking replaced
    dirty: set[str]
    relinked: int  # records re-linked


class Relinker:
    """One re-index's re-linking: finds the dirty records, the components around them, links
    those, and updates the graph's records, components and blocking keys in place."""

    def __init__(self, graph: Graph, crawl: Crawl, store: StateStore, must_link: list[Pair], cannot_link: list[Pair]) -> None:
        self.graph, self.crawl, self.store = graph, crawl, store
        self.block_index = {key: i for i, key in enumerate(graph.block_keys)}
        self.must_link, self.cannot_link = must_link, cannot_link
        self.loaded: dict[str, SourceRecord] = {}  # current records by final key
        self.origin: dict[str, tuple[bytes, int]] = {}  # line ident and place of every loaded record
        self.replaced: set[str] = set()  # stored keys whose state is rebuilt (gone, re-keyed or dirty)
        self.dirty: set[str] = set()  # current records whose features may have changed
        self.names: dict[str, tuple[Pair, ...]] = {}  # of the dirty records, as linked
        self.raw_of: dict[tuple[bytes, int], str] = {}  # the extracted key of each re-derived record, by its place
        self._surnames_before: dict[str, int] = {}
        self._held: dict[Pair, Counter[str]] = {}  # licences held per linked full name, for the names asked about
        self._held_before: dict[Pair, int] = {}

    # Loading -----------------------------------------------------------------------------------

    def position(self, key: str) -> tuple[int, int, int]:
        ident, pos = self.origin[key] if key in self.origin else (self.graph.records[key].line, self.graph.records[key].pos)
        return (*self.crawl.where[ident], pos)

    def records_of(self, keys: Iterable[str]) -> list[SourceRecord]:
        keys = list(keys)
        self.load(keys)
        return [self.loaded[k] for k in keys]

    def load(self, keys: Iterable[str], raw: bool = False) -> list[SourceRecord]:
        """Stored records as this build has them (`raw`: under the key they were extracted with)."""
        wanted = [k for k in dict.fromkeys(keys) if raw or k not in self.loaded]
        self.graph.records.fetch(wanted)
        results = self.store.results(self.graph.records[k].line for k in wanted)
        out = []
        for key in wanted:
            state = self.graph.records[key]
            rec = copy.copy(results[state.line][0][state.pos])
            rec.key = state.raw_key if raw else key
            if not raw:
                self.loaded[key] = rec
                self.origin[key] = (state.line, state.pos)
            out.append(rec)
        return out

    # The global inputs, kept up to date ---------------------------------------------------------

    def _surname(self, surname: str, delta: int) -> None:
        self._surnames_before.setdefault(surname, self.graph.surnames[surname])
        self.graph.surnames[surname] += delta

    def held(self, name: Pair) -> Counter[str]:
        """The licences records linked under `name` hold (counted from the stored records when
        first asked, then kept up to date as records go and come)."""
        if name not in self._held:
            self._count_held((name,))
        return self._held[name]

    def _count_held(self, names: Iterable[Pair]) -> None:
        """`held` for the names not counted yet, read from the stored records in batches."""
        wanted = [n for n in dict.fromkeys(names) if n not in self._held]
        records = self.graph.records
        under = records.by_names(wanted)
        records.fetch(k for keys in under.values() for k in keys)
        for name in wanted:
            keys = under.get(name, ())
            self._held[name] = Counter(licence for k in keys if records[k].names[0] == name for licence in records[k].licences)

    def _count(self, name: Pair, licences: Collection[str], delta: int) -> None:
        held = self.held(name)
        self._held_before.setdefault(name, len(held))
        for licence in licences:
            held[licence] += delta
            if held[licence] <= 0:
                del held[licence]

    def _forget(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        self._count_held(self.graph.records[k].names[0] for k in keys)
        for key in keys:
            state = self.graph.records[key]
            self.replaced.add(key)
            self.raw_of[(state.line, state.pos)] = state.raw_key
            self._count(state.names[0], state.licences, -1)
            self._surname(state.last_key, -1)

    def _take(self, rec: SourceRecord, place: tuple[bytes, int]) -> None:
        self.loaded[rec.key] = rec
        self.origin[rec.key] = place
        self.dirty.add(rec.key)
        self._surname(rec.name.last_key, +1)

    def _mark(self, keys: Iterable[str]) -> list[str]:
        """Clean stored records whose features may change: re-derived like new ones."""
        keys = list(dict.fromkeys(keys))
        self.graph.records.fetch(keys)
        fresh = [k for k in keys if k in self.graph.records and k not in self.replaced]
        self._forget(fresh)
        for rec in self.load(fresh):
            self._take(rec, self.origin[rec.key])
        return fresh

    def surnames(self) -> set[str]:
        return {s for s, n in self.graph.surnames.items() if n > 0}

    # Dirty records -----------------------------------------------------------------------------

    def find_dirty(self) -> None:
        graph = self.graph
        graph.line_keys.fetch(self.crawl.gone)
        gone = {key for ident in self.crawl.gone for key in graph.line_keys.get(ident)}
        graph.records.fetch(gone)
        new: list[SourceRecord] = []
        places: list[tuple[bytes, int]] = []
        for ident, (records, _) in self.crawl.fresh.items():
            for pos, rec in enumerate(records):
                new.append(copy.copy(rec))
                places.append((ident, pos))
        # `distinct_keys` decides the keys of records extracted under one key together.
        raw_keys = {rec.key for rec in new} | {graph.records[k].raw_key for k in gone}
        regroup = [k for k in graph.records.by_raw_key(raw_keys) if k not in gone]
        again = self.load(regroup, raw=True)
        places += [(graph.records[k].line, graph.records[k].pos) for k in regroup]
        self._forget(gone | set(regroup))
        self.raw_of.update((place, rec.key) for rec, place in zip(new, places, strict=False))
        group = distinct_keys(new + again)
        for rec, place in zip(group, places, strict=True):
            self._take(rec, place)
        # A double surname that appeared or went changes how the records that may spell it link.
        flipped = [s for s, before in self._surnames_before.items() if (before > 0) != (graph.surnames[s] > 0)]
        self._mark(graph.records.by_compound(flipped))
        # Admins' pairs added or retired since the last build.
        changed = (graph.must_link ^ frozenset(self.must_link)) | (graph.cannot_link ^ frozenset(self.cannot_link))
        self._mark(k for pair in changed for k in pair)
        # Records compared under a full name whose licence count changed score and block differently.
        surnames = self.surnames()
        pending = list(self.dirty)
        while pending:
            recs = [self.loaded[k] for k in pending]
            for rec, linked in zip(recs, compound_surnames([LinkRecord.of(r) for r in recs], surnames), strict=True):
                self.names[rec.key] = ((linked.name.first_key, linked.name.last_key), *((n.first_key, n.last_key) for n in rec.other_names))
            self._count_held(self.names[rec.key][0] for rec in recs)
            for rec in recs:
                self._count(self.names[rec.key][0], rec.license_keys, +1)
            recounted = [n for n, before in self._held_before.items() if before != len(self.held(n))]
            under = graph.records.by_names(recounted)
            pending = self._mark(k for n in recounted for k in under.get(n, ()))

    # Re-linking --------------------------------------------------------------------------------

    def _link(self, keys: Iterable[str]) -> tuple[list[SourceRecord], Linkage]:
        records = [self.loaded[k] for k in sorted(keys, key=self.position)]
        links = [LinkRecord.of(rec) for rec in records]
        linkage = link_records(links, self.must_link, self.cannot_link, name_licences=LicenceCounts(self.held), surnames=self.surnames())
        return records, linkage

    def _candidates(self, blocking: list[list[int]]) -> list[set[str]]:
        """Per record, the stored records sharing one of its blocking keys."""
        graph = self.graph
        found = []
        for keys in blocking:
            wanted = np.array(keys, dtype=np.int64)
            lo = np.searchsorted(graph.block_hash, wanted, side="left")
            hi = np.searchsorted(graph.block_hash, wanted, side="right")
            hits = {i for a, b in zip(lo.tolist(), hi.tolist(), strict=True) for i in graph.block_rec[a:b].tolist()}
            found.append({graph.block_keys[i] for i in hits})
        graph.records.fetch(set().union(*found))
        return [{k for k in keys if k in graph.records and k not in self.replaced} for keys in found]

    def run(self) -> Relinked:
        graph = self.graph
        self.find_dirty()
        dirty = self.dirty
        admin: dict[str, set[str]] = defaultdict(set)
        for a, b in (*self.must_link, *self.cannot_link):
            admin[a].add(b)
            admin[b].add(a)
        new_edges: dict[str, set[str]] = defaultdict(set)
        # Each dirty record's blocking keys under the whole build's name counts and surnames.
        dirty_keys = sorted(dirty)
        blocking = dict(
            zip(
                dirty_keys,
                record_blocking_keys([LinkRecord.of(self.loaded[k]) for k in dirty_keys], LicenceCounts(self.held), self.surnames()),
                strict=True,
            )
        )
        if dirty and graph.records:
            # The dirty records' edges, scored against every stored record they share a blocking key with.
            near = set(dirty).union(*self._candidates(list(blocking.values())))
            log.info("re-link: %d dirty records, %d stored records sharing a blocking key with them", len(dirty), len(near) - len(dirty))
            records = self.records_of(sorted(near, key=self.position))
            among = [i for i, rec in enumerate(records) if rec.key in dirty]
            pa, pb, _ = edges_of([LinkRecord.of(rec) for rec in records], among, LicenceCounts(self.held), self.surnames())
            for x, y in zip(pa.tolist(), pb.tolist(), strict=True):
                new_edges[records[x].key].add(records[y].key)
                new_edges[records[y].key].add(records[x].key)

        current = self._reach(dirty, new_edges, admin)
        self.load(current)
        records, linkage = self._link(current)
        return self._update(records, linkage, admin, blocking)

    def _reach(self, dirty: set[str], new_edges: dict[str, set[str]], admin: dict[str, set[str]]) -> set[str]:
        """The records to re-link: the components a change touched, as they were, and the components
        their records and the dirty ones are part of now. Walked a level at a time, so the stored
        records are read in batches."""
        records, replaced = self.graph.records, self.replaced
        seen, frontier = set(replaced), set(replaced)
        while frontier:
            records.fetch(frontier)
            around = {n for k in frontier for n in records[k].neighbours} - seen
            records.fetch(around)
            frontier = {n for n in around if n in records}
            seen |= frontier
        current = (seen - replaced) | dirty
        frontier = set(current)
        while frontier:
            around = set()
            for key in frontier:
                around |= new_edges.get(key, set()) | admin.get(key, set())
                if key not in dirty:
                    around.update(records[key].neighbours)
            around -= current
            records.fetch(around)
            frontier = {n for n in around if n in dirty or (n in records and n not in replaced)}
            current |= frontier
        return current

    def _update(
        self, records: list[SourceRecord], linkage: Linkage, admin: dict[str, set[str]], blocking: dict[str, list[int]]
    ) -> Relinked:
        graph = self.graph
        index = {rec.key: i for i, rec in enumerate(records)}
        neighbours: list[set[str]] = [set() for _ in records]
        for a, b in zip(linkage.edges[0].tolist(), linkage.edges[1].tolist(), strict=True):
            neighbours[a].add(records[b].key)
            neighbours[b].add(records[a].key)
        for i, rec in enumerate(records):
            neighbours[i] |= {n for n in admin.get(rec.key, ()) if n in index}
        roots = _components(len(records), ((i, index[n]) for i, ns in enumerate(neighbours) for n in ns))
        graph.records.fetch(self.replaced | set(index))
        old_components = {graph.records[k].component for k in self.replaced | set(index) if k in graph.records}
        old_clusters = {graph.records[k].cluster for k in self.replaced | set(index) if k in graph.records}
        for c in old_components:
            graph.components.pop(c, None)
        graph.clusters.fetch(old_clusters)
        removed = {t: was for t in old_clusters if (was := graph.clusters.pop(t)) is not None}
        component_of: dict[int, int] = {}
        for root in roots:
            if root not in component_of:
                component_of[root] = graph.next_component
                graph.next_component += 1
        refused = Counter(component_of[roots[i]] for i in linkage.refused_at)
        review: dict[int, list[Any]] = defaultdict(list)
        for pair in linkage.review:
            review[component_of[roots[index[pair.a]]]].append(pair)
        for c in set(component_of.values()) & (refused.keys() | review.keys()):  # the others have nothing to report
            graph.components[c] = (refused[c], review[c])
        # Records: the dirty ones re-derived, the others keep what they had but for edges and cluster.
        for key in self.replaced:
            graph.records.pop(key)
        changed: dict[str, list[SourceRecord]] = {}
        graph.clusters.fetch(min(records[i].key for i in members) for members in linkage.clusters)
        for members in linkage.clusters:
            group = [records[i] for i in members]
            token = min(rec.key for rec in group)
            keys = tuple(rec.key for rec in group)
            was = removed.get(token)
            if was is not None and was.keys == keys and self.dirty.isdisjoint(keys):
                graph.clusters[token] = removed.pop(token)  # the same records, unchanged: its listing stands
            else:
                graph.clusters[token] = ClusterState(keys, all(rec.kind == SourceKind.cert_roster for rec in group))
                changed[token] = group
            for rec in group:
                i = index[rec.key]
                comp = component_of[roots[i]]
                state = graph.records.get(rec.key)
                if state is not None:
                    graph.records[rec.key] = state._replace(neighbours=tuple(sorted(neighbours[i])), component=comp, cluster=token)
                    continue
                line, pos = self.origin[rec.key]
                graph.records[rec.key] = RecordState(
                    line, pos, self.raw_of[(line, pos)], rec.name.last_key, compound_surname(rec.name), self.names[rec.key],
                    tuple(sorted(rec.license_keys)), rec.npi, tuple(sorted(neighbours[i])), comp, token,
                )  # fmt: skip
        graph.roster_only += sum(graph.clusters[t].roster_only for t in changed) - sum(c.roster_only for c in removed.values())
        for ident in self.crawl.fresh:
            graph.line_keys.pop(ident)
        self._update_lines()
        self._update_blocking(blocking)
        graph.must_link, graph.cannot_link = frozenset(self.must_link), frozenset(self.cannot_link)
        return Relinked(changed, removed, set(self.dirty), len(records))

    def _update_lines(self) -> None:
        graph, crawl = self.graph, self.crawl
        for ident in crawl.gone:
            graph.line_keys.pop(ident)
            graph.quarantined.pop(ident, None)
        lines: dict[bytes, list[str]] = {}
        for ident, (records, reason) in crawl.fresh.items():
            if reason is not None:
                graph.quarantined[ident] = reason
            else:
                lines[ident] = [""] * len(records)
        graph.line_keys.fetch(self.origin[key][0] for key in self.dirty)
        for key in self.dirty:
            ident, pos = self.origin[key]
            if ident not in lines:
                lines[ident] = list(graph.line_keys[ident])
            lines[ident][pos] = key
        for ident, keys in lines.items():
            graph.line_keys[ident] = tuple(keys)

    def _update_blocking(self, blocking: dict[str, list[int]]) -> None:
        """Drop the blocking keys of replaced records, add the dirty records' (the others' are as
        they were): a mask over the owners and an insertion into the sorted arrays, no re-sort."""
        graph, positions = self.graph, self.block_index
        dropped = np.zeros(len(graph.block_keys), dtype=bool)
        dropped[[positions[k] for k in self.replaced if k in positions]] = True
        keep = ~dropped[graph.block_rec]
        kept_hash, kept_rec = graph.block_hash[keep], graph.block_rec[keep]
        hashes, owners = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int32)]
        for key, keys in blocking.items():
            if key not in positions:
                positions[key] = len(graph.block_keys)
                graph.block_keys.append(key)
            hashes.append(np.array(keys, dtype=np.int64))
            owners.append(np.full(len(keys), positions[key], dtype=np.int32))
        new_hash, new_rec = np.concatenate(hashes), np.concatenate(owners)
        order = np.argsort(new_hash, kind="stable")
        at = np.searchsorted(kept_hash, new_hash[order], side="right")
        graph.block_hash, graph.block_rec = np.insert(kept_hash, at, new_hash[order]), np.insert(kept_rec, at, new_rec[order])
