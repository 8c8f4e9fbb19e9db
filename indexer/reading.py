"""Raw JSONL lines → source records, in one process or over several.

Extraction is most of an index build's CPU and each line is independent of the others, so large
crawls are read by worker processes (forked, so each starts with the vocabulary and the ZIP
tables already loaded): the parent reads the files in chunks of lines, the workers decode and
extract them, and the records come back in file order, so the result is the same as reading in
one process. Small crawls are read in-process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from directory.errors import ConfigError
from directory.raw import RawRecord
from directory.vocabulary import Vocabulary
from indexer.extract import ExtractError, SourceRecord, extract
from indexer.link_record import LinkRecord
from indexer.record_spool import pickle_records

CHUNK_LINES = 2000
PARALLEL_FROM_BYTES = 32 * 1024 * 1024  # below this, one process reads faster than several start


@dataclass
class Chunk:
    """What a run of lines from one raw file gave."""

    file_name: str
    records: list[SourceRecord] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    raw_records: int = 0


@dataclass
class SpooledChunk:
    """A chunk as a worker sends it back: what linkage reads of each record, and the records
    themselves pickled (they go to the build's `RecordSpool`, not into the parent's memory)."""

    file_name: str
    links: list[LinkRecord]
    pickled: bytes
    sizes: list[int]
    quarantine: list[dict[str, Any]]
    raw_records: int

    @classmethod
    def of(cls, chunk: Chunk) -> SpooledChunk:
        return cls(
            chunk.file_name,
            [LinkRecord.of(rec) for rec in chunk.records],
            *pickle_records(chunk.records),
            chunk.quarantine,
            chunk.raw_records,
        )


def extract_lines(file_name: str, first_line: int, lines: list[str], vocab: Vocabulary, today: date) -> Chunk:
    """Decode and extract a run of raw lines; a line that cannot be used is quarantined with its reason."""
    chunk = Chunk(file_name)
    for line_number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        chunk.raw_records += 1
        try:
            raw = RawRecord.from_json(json.loads(line))
            chunk.records.extend(extract(raw, vocab, today))
        except (ValueError, ExtractError) as exc:
            reason = str(exc).split(":")[0] if isinstance(exc, json.JSONDecodeError) else str(exc)
            chunk.quarantine.append({"file": file_name, "line": line_number, "reason": reason, "raw": line[:2000]})
    return chunk


def _line_chunks(files: list[Path], bar: tqdm) -> Iterator[tuple[str, int, list[str]]]:
    for path in files:
        try:
            handle = open(path, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
        with handle:
            first, lines, size = 1, [], 0
            for line in handle:
                lines.append(line)
                size += len(line)
                if len(lines) >= CHUNK_LINES:
                    bar.update(size)
                    yield path.name, first, lines
                    first, lines, size = first + len(lines), [], 0
            if lines:
                bar.update(size)
                yield path.name, first, lines


_WORKER: dict[str, Any] = {}


def _start_worker(vocab: Vocabulary, today: date) -> None:
    _WORKER.update(vocab=vocab, today=today)


def _extract_in_worker(job: tuple[str, int, list[str]]) -> Chunk:
    return extract_lines(*job, _WORKER["vocab"], _WORKER["today"])


def _spool_in_worker(job: tuple[str, int, list[str]]) -> SpooledChunk:
    return SpooledChunk.of(extract_lines(*job, _WORKER["vocab"], _WORKER["today"]))


def index_workers(raw_bytes: int) -> int:
    """Worker processes for extraction: THERAPISTS_INDEX_WORKERS if set, else one per core (four at
    most) for a crawl large enough to repay starting them, else none (1: read in-process)."""
    configured = os.environ.get("THERAPISTS_INDEX_WORKERS")
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ConfigError(f"THERAPISTS_INDEX_WORKERS must be a whole number, got {configured!r}") from None
    return max(1, min(os.cpu_count() or 1, 4)) if raw_bytes >= PARALLEL_FROM_BYTES else 1


def read_chunks(files: list[Path], vocab: Vocabulary, today: date, progress: bool, workers: int | None = None) -> Iterator[Chunk]:
    """Every raw file's chunks, in order, extracted in-process or by `workers` processes."""
    yield from _read(files, vocab, today, progress, workers, spooled=False)


def read_spooled_chunks(
    files: list[Path], vocab: Vocabulary, today: date, progress: bool, workers: int | None = None
) -> Iterator[SpooledChunk]:
    """`read_chunks`, each chunk's records as LinkRecords plus their pickles (for a `RecordSpool`)."""
    yield from _read(files, vocab, today, progress, workers, spooled=True)


def _read(files: list[Path], vocab: Vocabulary, today: date, progress: bool, workers: int | None, spooled: bool) -> Iterator[Any]:
    total = sum(p.stat().st_size for p in files)
    if workers is None:
        workers = index_workers(total)
    with tqdm(total=total, unit="B", unit_scale=True, desc="reading raw records", disable=not progress) as bar:
        jobs = _line_chunks(files, bar)
        if workers <= 1:
            for job in jobs:
                chunk = extract_lines(*job, vocab, today)
                yield SpooledChunk.of(chunk) if spooled else chunk
            return
        # Forked workers inherit the loaded vocabulary and geography; nothing large is pickled.
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_worker, initargs=(vocab, today)) as pool:
            yield from pool.imap(_spool_in_worker if spooled else _extract_in_worker, jobs, chunksize=1)
