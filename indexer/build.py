"""Run the indexer: read a crawl directory, build listings, replace the backend's index.

Malformed lines and records the indexer cannot use are quarantined (counted, with the reason)
in `index_quarantine.jsonl` beside the raw files; the rest still index.
"""

from __future__ import annotations

import gc
import json
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from directory.backends.base import SearchBackend
from directory.errors import ConfigError
from directory.identity import IdentityMap
from directory.models import Listing, ReviewItem
from directory.raw import QUARANTINE_FILE, SourceKind
from directory.vocabulary import Vocabulary, get_vocabulary
from indexer.extract import SourceRecord, distinct_keys
from indexer.identity import assign_ids
from indexer.linkage import link
from indexer.merge import merge
from indexer.reading import read_chunks
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
    ids: dict[str, int] = field(default_factory=dict)  # listing ids kept / minted / merged away / split off
    by_source: dict[str, int] = field(default_factory=dict)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    unparsed_values: dict[str, int] = field(default_factory=dict)  # by field, over the listings


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
    records: list[SourceRecord] = []
    files = raw_files(raw_dir)
    for chunk in read_chunks(files, vocab, today, progress, workers):
        report.raw_records += chunk.raw_records
        quarantine.extend(chunk.quarantine)
        stem = Path(chunk.file_name).stem
        report.by_source[stem] = report.by_source.get(stem, 0) + len(chunk.records)
        records.extend(chunk.records)
    return distinct_keys(records)


@dataclass
class BuiltIndex:
    listings: list[Listing]
    review: list[ReviewItem]
    report: IndexReport
    identity: IdentityMap


@dataclass
class ListingPlan:
    """Everything about the listings but the listings themselves, which `listings()` merges one by
    one: the writer stores each and lets it go, so memory holds the source records, never a second
    copy of the directory as Listing objects."""

    people: list[list[SourceRecord] | None]  # by position; emptied as each is merged
    ids: list[str]
    order: list[int]  # positions of the people listed (not suppressed), by listing id
    today: date
    review: list[ReviewItem]
    report: IndexReport
    identity: IdentityMap

    def listings(self) -> Iterator[Listing]:
        unparsed: Counter[str] = Counter()
        for i in self.order:
            group = self.people[i]
            assert group is not None, "a plan's listings are merged once"
            self.people[i] = None
            listing = merge(group, self.today, self.ids[i])
            unparsed.update(u.field for u in listing.unparsed)
            yield listing
        self.report.unparsed_values = dict(unparsed.most_common())


def plan_listings(
    raw_dir: Path,
    today: date,
    vocab: Vocabulary | None = None,
    progress: bool = False,
    suppressions: SuppressionList | None = None,
    previous: IdentityMap | None = None,
) -> ListingPlan:
    """Read, extract and link the raw files and decide every listing's id (carried over from
    `previous`, the last build's identity map); the merging is left to `ListingPlan.listings`."""
    vocab = vocab or get_vocabulary()
    suppressions = suppressions or SuppressionList.empty()
    report = IndexReport()
    quarantine: list[dict[str, Any]] = []
    records = read_source_records(raw_dir, vocab, today, report, quarantine, progress)
    report.source_records = len(records)
    linkage = link(records)
    del records  # the clusters hold them now
    report.refused_joins = linkage.refused_joins
    # A roster line alone says nothing about licence or practice: not enough for a listing.
    people = [group for group in linkage.clusters if not all(rec.kind == SourceKind.cert_roster for rec in group)]
    report.dropped_unanchored = len(linkage.clusters) - len(people)
    # Suppressed people get ids too: their identity is tracked so a suppression by id keeps holding.
    assignment = assign_ids(people, previous or IdentityMap(), today)
    report.ids = assignment.counts
    order: list[int] = []
    listing_of: dict[str, str] = {}
    for i in sorted(range(len(people)), key=assignment.ids.__getitem__):
        if suppressions.covers(people[i], assignment.aliases[i]):
            report.suppressed += 1
            continue
        order.append(i)
        listing_of.update((rec.key, assignment.ids[i]) for rec in people[i])
    review = [
        ReviewItem(record_a=p.a, record_b=p.b, listing_a=listing_of[p.a], listing_b=listing_of[p.b], score=p.score, reason=p.reason)
        for p in linkage.review
        if p.a in listing_of and p.b in listing_of
    ]
    report.listings = len(order)
    report.review_pairs = len(review)
    report.quarantined = len(quarantine)
    report.quarantine_reasons = dict(Counter(q["reason"] for q in quarantine).most_common())
    _write_quarantine(raw_dir, quarantine)
    return ListingPlan(list(people), assignment.ids, order, today, review, report, assignment.identity)


def build_listings(
    raw_dir: Path,
    today: date,
    vocab: Vocabulary | None = None,
    progress: bool = False,
    suppressions: SuppressionList | None = None,
    previous: IdentityMap | None = None,
) -> BuiltIndex:
    """Listings from the raw files, with ids carried over from `previous` (the last build's identity map)."""
    plan = plan_listings(raw_dir, today, vocab, progress, suppressions, previous)
    listings = list(tqdm(plan.listings(), total=len(plan.order), desc="merging listings", unit="listing", disable=not progress))
    return BuiltIndex(listings, plan.review, plan.report, plan.identity)


def _write_quarantine(raw_dir: Path, quarantine: list[dict[str, Any]]) -> None:
    path = raw_dir / INDEX_QUARANTINE_FILE
    try:
        with open(path, "w", encoding="utf-8") as fh:
            for row in quarantine:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        log.warning("could not write %s (%s); %d records were quarantined", path, exc, len(quarantine))


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Indexing builds millions of small acyclic objects; Python's cyclic collector would walk
    them all again and again (it took over half the run time at 200k records). Reference counting
    still frees everything; the collector runs once at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def run_index(
    raw_dir: Path,
    backend: SearchBackend,
    today: date | None = None,
    progress: bool = False,
    suppressions: SuppressionList | None = None,
) -> IndexReport:
    """Build listings from `raw_dir` and atomically replace the backend's index with them."""
    today = today or date.today()
    with _without_cyclic_gc():
        return _run_index(raw_dir, backend, today, progress, suppressions)


def _run_index(raw_dir: Path, backend: SearchBackend, today: date, progress: bool, suppressions: SuppressionList | None) -> IndexReport:
    built = plan_listings(raw_dir, today, progress=progress, suppressions=suppressions, previous=backend.identity())
    report = built.report
    backend.replace_all(
        tqdm(built.listings(), total=len(built.order), desc="merging and writing listings", unit="listing", disable=not progress),
        metadata={
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "generation": str(built.identity.build),
            "built_for_date": today.isoformat(),
            "raw_dir": str(raw_dir.resolve()),
            "listings": str(report.listings),
            "source_records": str(report.source_records),
            "quarantined": str(report.quarantined),
            "suppressed": str(report.suppressed),
            "review_pairs": str(report.review_pairs),
        },
        review=built.review,
        identity=built.identity,
    )
    if report.unparsed_values:
        log.info(
            "values kept as published because they did not parse: %s",
            ", ".join(f"{n} {name}" for name, n in report.unparsed_values.items()),
        )
    log.info(
        "indexed %d listings from %d source records (%d raw lines, %d quarantined, %d suppressed, "
        "%d joins refused, %d pairs for review; ids: %d kept, %d new, %d merged away, %d split off)",
        report.listings,
        report.source_records,
        report.raw_records,
        report.quarantined,
        report.suppressed,
        report.refused_joins,
        report.review_pairs,
        *(report.ids.get(k, 0) for k in ("kept", "minted", "merged", "split")),
    )
    return report
