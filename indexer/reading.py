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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any

from tqdm import tqdm

from directory.errors import ConfigError
from directory.raw import RawRecord
from directory.vocabulary import Vocabulary
from indexer.extract import ExtractError, SourceRecord, extract
from indexer.link_record import LinkRecord

CHUNK_LINES = 2000
PARALLEL_FROM_BYTES = 32 * 1024 * 1024  # below this, one process reads faster than several start


@dataclass
class Chunk:
    """What a run of lines from one raw file gave."""

    file_name: str
    records: list[SourceRecord] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    raw_records: int = 0
    # Per record: the position of its line in the run and its place among that line's records.
    origins: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SpooledChunk:
    """A chunk as a worker sends it back: what linkage reads of each record, and where in the raw
    file each came from (the records themselves stay behind: `indexer.record_spool`)."""

    file_name: str
    file_no: int
    links: list[LinkRecord]
    origins: list[tuple[int, int, int]]  # per record: its line's byte offset and length, its place in the line
    quarantine: list[dict[str, Any]]
    raw_records: int


def extract_lines(file_name: str, first_line: int, lines: Sequence[str | bytes], vocab: Vocabulary, today: date) -> Chunk:
    """Decode and extract a run of raw lines; a line that cannot be used is quarantined with its reason."""
    chunk = Chunk(file_name)
    for position, line in enumerate(lines):
        if not line.strip():
            continue
        chunk.raw_records += 1
        try:
            raw = RawRecord.from_json(json.loads(line))
            found = extract(raw, vocab, today)
        except (ValueError, ExtractError) as exc:
            text = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
            reason = str(exc).split(":")[0] if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError) else str(exc)
            chunk.quarantine.append({"file": file_name, "line": first_line + position, "reason": reason, "raw": text[:2000]})
            continue
        chunk.records.extend(found)
        chunk.origins.extend((position, sub) for sub in range(len(found)))
    return chunk


Job = tuple[int, str, int, int, list[bytes]]  # file number and name, first line number, its byte offset, the lines


def _line_chunks(files: list[Path], bar: tqdm) -> Iterator[Job]:
    """Runs of CHUNK_LINES raw lines, as bytes (each worker decodes its own), with their offsets."""
    for file_no, path in enumerate(files):
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
        with handle:
            first, offset, lines, size = 1, 0, [], 0
            for line in handle:
                lines.append(line)
                size += len(line)
                if len(lines) >= CHUNK_LINES:
                    bar.update(size)
                    yield file_no, path.name, first, offset, lines
                    first, offset, lines, size = first + len(lines), offset + size, [], 0
            if lines:
                bar.update(size)
                yield file_no, path.name, first, offset, lines


def _extract_job(job: Job, vocab: Vocabulary, today: date) -> Chunk:
    return extract_lines(job[1], job[2], job[4], vocab, today)


def _spool_job(job: Job, vocab: Vocabulary, today: date) -> SpooledChunk:
    file_no, file_name, _, offset, lines = job
    chunk = _extract_job(job, vocab, today)
    starts = list(accumulate((len(line) for line in lines), initial=offset))
    origins = [(starts[position], len(lines[position]), sub) for position, sub in chunk.origins]
    return SpooledChunk(file_name, file_no, [LinkRecord.of(rec) for rec in chunk.records], origins, chunk.quarantine, chunk.raw_records)


_WORKER: dict[str, Any] = {}


def _start_worker(vocab: Vocabulary, today: date) -> None:
    _WORKER.update(vocab=vocab, today=today)


def _extract_in_worker(job: Job) -> Chunk:
    return _extract_job(job, _WORKER["vocab"], _WORKER["today"])


def _spool_in_worker(job: Job) -> SpooledChunk:
    return _spool_job(job, _WORKER["vocab"], _WORKER["today"])


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
                yield _spool_job(job, vocab, today) if spooled else _extract_job(job, vocab, today)
            return
        # Forked workers inherit the loaded vocabulary and geography; nothing large is pickled.
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_worker, initargs=(vocab, today)) as pool:
            yield from pool.imap(_spool_in_worker if spooled else _extract_in_worker, jobs, chunksize=1)
