"""Run the indexer: read a crawl directory, build listings, replace the backend's index.

Malformed lines and records the indexer cannot use are quarantined (counted, with the reason)
in `index_quarantine.jsonl` beside the raw files; the rest still index.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from directory.backends.base import SearchBackend
from directory.curation.overrides import Curation, CurationHook, Override, apply_overrides
from directory.errors import ConfigError
from directory.identity import IdentityMap
from directory.models import FactConflict, Listing, ReviewItem
from directory.raw import QUARANTINE_FILE, SourceKind
from directory.vocabulary import Vocabulary, get_vocabulary
from indexer.conflicts import fact_conflicts
from indexer.extract import SourceRecord, distinct_keys
from indexer.identity import assign_ids
from indexer.link_record import LinkRecord
from indexer.linkage import link_records
from indexer.merge import licence_state, merge
from indexer.reading import index_workers, read_chunks, read_spooled_chunks
from indexer.record_spool import RecordSpool
from indexer.suppress import SuppressionList

log = logging.getLogger(__name__)
INDEX_QUARANTINE_FILE = "index_quarantine.jsonl"


@dataclass
class IndexReport:
    raw_records: int = 0
    source_records: int = 0
    listings: int = 0
    quarantined: int = 0
    refused_joins: int = 0
    dropped_unanchored: int = 0
    suppressed: int = 0
    review_pairs: int = 0
    hidden: int = 0  # by an admin's override
    orphaned_overrides: list[int] = field(default_factory=list)  # overrides whose listing this build did not find
    ids: dict[str, int] = field(default_factory=dict)  # listing ids kept / minted / merged away / split off
    by_source: dict[str, int] = field(default_factory=dict)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    unparsed_values: dict[str, int] = field(default_factory=dict)  # by field, over the listings
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each phase: read, link, plan, merge_write
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # CPU of each phase, its worker processes included


class PhaseClock:
    """Wall and CPU time of each phase of a build into its report. Worker CPU counts once the
    phase's pool has ended (the kernel adds a child's time when it is reaped), as each phase's has."""

    def __init__(self, report: IndexReport) -> None:
        self.report = report
        self._marks = self._now()

    @staticmethod
    def _now() -> tuple[float, float]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime

    def lap(self, phase: str) -> float:
        now = self._now()
        self.report.seconds[phase] = round(now[0] - self._marks[0], 3)
        self.report.cpu_seconds[phase] = round(now[1] - self._marks[1], 3)
        self._marks = now
        return self.report.seconds[phase]


def raw_files(raw_dir: Path) -> list[Path]:
    """The per-source JSONL files of a crawl directory; a clear error if there are none."""
    if not raw_dir.is_dir():
        raise ConfigError(f"raw directory {raw_dir} does not exist or is not a directory")
    try:
        files = sorted(p for p in raw_dir.glob("*.jsonl") if p.name not in (QUARANTINE_FILE, INDEX_QUARANTINE_FILE))
    except OSError as exc:
        raise ConfigError(f"cannot read raw directory {raw_dir}: {exc.strerror or exc}") from None
    if not files:
        raise ConfigError(f"no raw .jsonl files in {raw_dir}; run `therapists crawl --out {raw_dir}` first")
    return files


def read_source_records(
    raw_dir: Path,
    vocab: Vocabulary,
    today: date,
    report: IndexReport,
    quarantine: list[dict[str, Any]],
    progress: bool,
    workers: int | None = None,
) -> list[SourceRecord]:
    """Every source record of the raw files."""
    records: list[SourceRecord] = []
    for chunk in read_chunks(raw_files(raw_dir), vocab, today, progress, workers):
        _count_chunk(report, quarantine, chunk.file_name, chunk.raw_records, chunk.quarantine, len(chunk.records))
        records.extend(chunk.records)
    return distinct_keys(records)


@dataclass
class BuiltIndex:
    listings: list[Listing]
    review: list[ReviewItem]
    report: IndexReport
    identity: IdentityMap
    quarantine: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SourceSet:
    """The build's source records: what linkage reads of each, in memory; the records, on disk."""

    links: list[LinkRecord]
    spool: RecordSpool


def read_sources(
    raw_dir: Path,
    vocab: Vocabulary,
    today: date,
    report: IndexReport,
    quarantine: list[dict[str, Any]],
    progress: bool,
    workers: int | None = None,
) -> SourceSet:
    """`read_source_records`, with the records spooled to disk and only their LinkRecords kept."""
    files = raw_files(raw_dir)
    sources = SourceSet([], RecordSpool(files, vocab, today))
    for spooled in read_spooled_chunks(files, vocab, today, progress, workers):
        _count_chunk(report, quarantine, spooled.file_name, spooled.raw_records, spooled.quarantine, len(spooled.links))
        sources.spool.append_lines(spooled.file_no, spooled.origins)
        sources.links.extend(spooled.links)
    _distinct_spooled_keys(sources)
    return sources


def _count_chunk(
    report: IndexReport, quarantine: list[dict[str, Any]], file_name: str, raw_records: int, rejected: list[dict[str, Any]], records: int
) -> None:
    report.raw_records += raw_records
    quarantine.extend(rejected)
    stem = Path(file_name).stem
    report.by_source[stem] = report.by_source.get(stem, 0) + records


def _distinct_spooled_keys(sources: SourceSet) -> None:
    """`extract.distinct_keys` over the spool: only records that share a key are read back."""
    first: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for i, link_record in enumerate(sources.links):
        if (seen := first.setdefault(link_record.key, i)) != i:
            repeated.setdefault(link_record.key, [seen]).append(i)
    del first
    for key, indexes in repeated.items():
        records = sources.spool.get_many(indexes)
        distinct_keys(records)
        for i, rec in zip(indexes, records, strict=True):
            if rec.key != key:
                sources.spool.keys[i] = rec.key
                sources.links[i] = replace(sources.links[i], key=rec.key)


@dataclass
class MergedListing:
    """What merging one person gives the writer: the listing (or the backend's prepared form of
    it) and what the build reports and records about it."""

    item: Any  # a Listing, or what the backend's `prepare` made of it
    conflicts: list[FactConflict]
    unparsed: list[str]  # fields of its values kept as published
    licence_state: Listing | None  # id, name and licences, for the curation store (when there is one)


def merge_listing(
    group: list[SourceRecord],
    today: date,
    listing_id: str,
    overrides: list[Override],
    prepare: Callable[[Listing], Any] | None = None,
    keep_licence_state: bool = False,
) -> MergedListing:
    """One person's records merged into their listing, with the admins' `overrides` applied."""
    merged = merge(group, today, listing_id)
    conflicts = fact_conflicts(group, merged, today)
    listing = apply_overrides(merged, overrides)
    state = licence_state(listing) if keep_licence_state else None
    return MergedListing(prepare(listing) if prepare else listing, conflicts, [u.field for u in listing.unparsed], state)


_MERGING: dict[str, Any] = {}  # the plan a forked merge worker works on


@dataclass
class ListingPlan:
    """Everything about the listings but the listings themselves, which `listings()` merges one by
    one (in worker processes for a large build): the writer stores each and lets it go, so memory
    holds the LinkRecords, never the source records or a second copy of the directory."""

    people: list[list[int]]  # by position: indexes of its records in `sources`
    sources: SourceSet
    ids: list[str]
    aliases: list[set[str]]
    order: list[int]  # positions of the people listed (not suppressed or hidden), by listing id
    today: date
    curation: Curation
    review: list[ReviewItem]
    report: IndexReport
    identity: IdentityMap
    quarantine: list[dict[str, Any]]
    workers: int = 1
    clock: PhaseClock | None = None
    keep_licence_states: bool = False
    # What the curation store reads of each listing written (its id and licences), kept small.
    licence_states: list[Listing] = field(default_factory=list)
    conflicts: list[FactConflict] = field(default_factory=list)  # facts the sources disagree on, for review

    def merge_person(self, i: int, prepare: Callable[[Listing], Any] | None = None) -> MergedListing:
        group = self.sources.spool.get_many(self.people[i])
        return merge_listing(group, self.today, self.ids[i], self.curation.for_ids(self.aliases[i]), prepare, self.keep_licence_states)

    def merged(self, prepare: Callable[[Listing], Any] | None = None) -> Iterator[Any]:
        """Every listed person merged, in listing-id order: the listings, or `prepare` of each."""
        unparsed: Counter[str] = Counter()
        for one in self._merged(prepare):
            self.conflicts += one.conflicts
            unparsed.update(one.unparsed)
            if one.licence_state is not None:
                self.licence_states.append(one.licence_state)
            yield one.item
        self.report.unparsed_values = dict(unparsed.most_common())
        self.sources.spool.close()

    def listings(self) -> Iterator[Listing]:
        yield from self.merged()

    def _merged(self, prepare: Callable[[Listing], Any] | None) -> Iterator[MergedListing]:
        if self.workers <= 1 or len(self.order) < MERGE_BATCH:
            for i in self.order:
                yield self.merge_person(i, prepare)
            return
        # Forked workers see the plan as it is now, the spool's open file included.
        _MERGING.update(plan=self, prepare=prepare)
        batches = [(start, min(start + MERGE_BATCH, len(self.order))) for start in range(0, len(self.order), MERGE_BATCH)]
        try:
            with multiprocessing.get_context("fork").Pool(self.workers) as pool:
                for batch in pool.imap(_merge_batch, batches, chunksize=1):
                    yield from batch
        finally:
            _MERGING.clear()


MERGE_BATCH = 500


def _merge_batch(span: tuple[int, int]) -> list[MergedListing]:
    plan: ListingPlan = _MERGING["plan"]
    return [plan.merge_person(i, _MERGING["prepare"]) for i in plan.order[span[0] : span[1]]]


def plan_listings(
    raw_dir: Path,
    today: date,
    vocab: Vocabulary | None = None,
    progress: bool = False,
    suppressions: SuppressionList | None = None,
    previous: IdentityMap | None = None,
    curation: Curation | None = None,
    workers: int | None = None,
) -> ListingPlan:
    """Read, extract and link the raw files and decide every listing's id (carried over from
    `previous`, the last build's identity map) and fate under the admins' overrides (`curation`);
    the merging is left to `ListingPlan.listings`."""
    vocab = vocab or get_vocabulary()
    curation = curation or Curation()
    suppressions = suppressions or SuppressionList.empty()
    report = IndexReport()
    quarantine: list[dict[str, Any]] = []
    if workers is None:
        workers = index_workers(sum(p.stat().st_size for p in raw_files(raw_dir)))
    clock = PhaseClock(report)
    sources = read_sources(raw_dir, vocab, today, report, quarantine, progress, workers)
    report.source_records = len(sources.links)
    log.info("read %d source records from %d raw lines in %.1f s", len(sources.links), report.raw_records, clock.lap("read"))
    linkage = link_records(sources.links, curation.must_link(), curation.cannot_link())  # clusters of record indexes
    clusters = linkage.clusters
    log.info("linked them into %d people in %.1f s", len(clusters), clock.lap("link"))
    report.refused_joins = linkage.refused_joins
    links = sources.links
    # A roster line alone says nothing about licence or practice: not enough for a listing.
    people = [c for c in clusters if not all(links[i].kind == SourceKind.cert_roster for i in c)]
    report.dropped_unanchored = len(clusters) - len(people)
    del clusters
    # Suppressed people get ids too: their identity is tracked so a suppression by id keeps holding.
    groups = [[links[i] for i in person] for person in people]
    assignment = assign_ids(groups, previous or IdentityMap(), today)
    report.ids = assignment.counts
    order: list[int] = []
    listing_of: dict[str, str] = {}  # of the records in review pairs only: a national build has a million
    in_review = {key for pair in linkage.review for key in (pair.a, pair.b)}
    hidden, removed_keys = curation.hidden_ids, curation.suppressed_keys
    found_ids: set[str] = set()
    for i in sorted(range(len(people)), key=assignment.ids.__getitem__):
        group = groups[i]
        found_ids |= assignment.aliases[i]
        if suppressions.covers(group, assignment.aliases[i]) or any(rec.key in removed_keys for rec in group):
            report.suppressed += 1
            continue
        if not hidden.isdisjoint(assignment.aliases[i]):
            report.hidden += 1
            continue
        order.append(i)
        listing_of.update((rec.key, assignment.ids[i]) for rec in group if rec.key in in_review)
    del groups
    review = [
        ReviewItem(record_a=p.a, record_b=p.b, listing_a=listing_of[p.a], listing_b=listing_of[p.b], score=p.score, reason=p.reason)
        for p in linkage.review
        if p.a in listing_of and p.b in listing_of
    ]
    report.listings = len(order)
    report.review_pairs = len(review)
    report.quarantined = len(quarantine)
    report.quarantine_reasons = dict(Counter(q["reason"] for q in quarantine).most_common())
    report.orphaned_overrides = [o.id for o in curation.for_ids_missing(found_ids)]
    _write_quarantine(raw_dir, quarantine)
    # Merging reads the records from the spool: the LinkRecords (a third of the parent's memory
    # at a million records) go before the merge workers are forked from it.
    sources.links = []
    clock.lap("plan")
    return ListingPlan(
        people,
        sources,
        assignment.ids,
        assignment.aliases,
        order,
        today,
        curation,
        review,
        report,
        assignment.identity,
        quarantine,
        workers,
        clock,
    )


def build_listings(
    raw_dir: Path,
    today: date,
    vocab: Vocabulary | None = None,
    progress: bool = False,
    suppressions: SuppressionList | None = None,
    previous: IdentityMap | None = None,
    curation: Curation | None = None,
) -> BuiltIndex:
    """Listings from the raw files, with ids carried over from `previous` (the last build's identity map)
    and admins' overrides (`curation`) applied."""
    plan = plan_listings(raw_dir, today, vocab, progress, suppressions, previous, curation, workers=1)
    listings = list(tqdm(plan.listings(), total=len(plan.order), desc="merging listings", unit="listing", disable=not progress))
    return BuiltIndex(listings, plan.review, plan.report, plan.identity, plan.quarantine)


def _write_quarantine(raw_dir: Path, quarantine: list[dict[str, Any]]) -> None:
    path = raw_dir / INDEX_QUARANTINE_FILE
    try:
        with open(path, "w", encoding="utf-8") as fh:
            for row in quarantine:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        log.warning("could not write %s (%s); %d records were quarantined", path, exc, len(quarantine))


@contextmanager
def _without_cyclic_gc(collect: bool = True) -> Iterator[None]:
    """Indexing builds millions of small acyclic objects; Python's cyclic collector would walk
    them all again and again (it took over half the run time at 200k records). Reference counting
    still frees everything; the collector runs once at the end (`collect`: a small incremental
    re-index skips that, which walks every object of the process and costs more than the re-index)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if collect:
            gc.collect()


def run_index(
    raw_dir: Path,
    backend: SearchBackend,
    today: date | None = None,
    progress: bool = False,
    suppressions: SuppressionList | None = None,
    curation: CurationHook | None = None,
) -> IndexReport:
    """Build listings from `raw_dir` and atomically replace the backend's index with them.

    `curation` (the curation store) gives the admins' overrides to apply, and is told what the
    build found for the review queue once the new index is in place (`indexer.incremental`'s
    `run_incremental_index` re-indexes only what changed since its last run, to the same index)."""
    today = today or date.today()
    with _without_cyclic_gc():
        return _run_index(raw_dir, backend, today, progress, suppressions, curation)


def _run_index(
    raw_dir: Path,
    backend: SearchBackend,
    today: date,
    progress: bool,
    suppressions: SuppressionList | None,
    curation: CurationHook | None,
) -> IndexReport:
    started = time.perf_counter()
    built = plan_listings(
        raw_dir,
        today,
        progress=progress,
        suppressions=suppressions,
        previous=backend.identity(),
        curation=curation.snapshot() if curation is not None else None,
    )
    built.keep_licence_states = curation is not None
    build_seconds = time.perf_counter() - started  # reading, extracting, linking; merging streams into the write
    report = built.report
    metadata = index_metadata(report, built.identity, today, raw_dir, build_seconds)
    # A backend that can prepare its rows from each listing alone (SQLite) has that done where the
    # listing is merged, in the merge workers; the parent only appends.
    preparer = getattr(backend, "preparer", None)
    prepare = preparer(metadata).prepare if preparer is not None else None
    backend.replace_all(
        tqdm(built.merged(prepare), total=len(built.order), desc="merging and writing listings", unit="listing", disable=not progress),
        metadata=metadata,
        review=built.review,
        identity=built.identity,
    )
    if built.clock is not None:
        built.clock.lap("merge_write")
    if curation is not None:
        curation.record_build(built.review, built.quarantine, built.licence_states, report.orphaned_overrides, today, built.conflicts)
    log_report(report)
    return report


def index_metadata(report: IndexReport, identity: IdentityMap, today: date, raw_dir: Path, build_seconds: float) -> dict[str, str]:
    """What an index file records about the build that wrote it."""
    return {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generation": str(identity.build),
        "build_seconds": f"{build_seconds:.3f}",
        "built_for_date": today.isoformat(),
        "raw_dir": str(raw_dir.resolve()),
        "listings": str(report.listings),
        "source_records": str(report.source_records),
        "quarantined": str(report.quarantined),
        "suppressed": str(report.suppressed),
        "review_pairs": str(report.review_pairs),
        "hidden": str(report.hidden),
        "orphaned_overrides": str(len(report.orphaned_overrides)),
    }


def log_report(report: IndexReport) -> None:
    if report.orphaned_overrides:
        log.warning("%d overrides name a listing this build did not find: %s", len(report.orphaned_overrides), report.orphaned_overrides)
    if report.unparsed_values:
        log.info(
            "values kept as published because they did not parse: %s",
            ", ".join(f"{n} {name}" for name, n in report.unparsed_values.items()),
        )
    log.info(
        "indexed %d listings from %d source records (%d raw lines, %d quarantined, %d suppressed, "
        "%d joins refused, %d pairs for review; ids: %d kept, %d new, %d merged away, %d split off; seconds: %s)",
        report.listings,
        report.source_records,
        report.raw_records,
        report.quarantined,
        report.suppressed,
        report.refused_joins,
        report.review_pairs,
        *(report.ids.get(k, 0) for k in ("kept", "minted", "merged", "split")),
        ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in report.seconds.items()),
    )
