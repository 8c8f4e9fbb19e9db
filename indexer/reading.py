"""Raw JSONL lines → source records, in one process or over several.

Extraction is most of an index build's CPU and each line is independent of the others, so large
crawls are read by worker processes (forked, so each starts with the vocabulary and the ZIP
tables already loaded): the parent cuts the files into byte ranges of whole lines, each worker
reads, decodes and extracts its own ranges, and the records come back in file order, so the
result is the same as reading in one process. Small crawls are read in-process: starting workers
would cost more than it saves.
"""

from __future__ import annotations

import io
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

CHUNK_LINES = 2000  # lines a caller extracts at a time (benchmarks)
CHUNK_BYTES = 1 << 20  # a worker's run of raw lines: about 1,500 records
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
    lines: int = 0  # lines in the run, blank ones included


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
    lines: int


def extract_line(line: str | bytes, vocab: Vocabulary, today: date) -> list[SourceRecord]:
    """The source records of one raw JSONL line (ValueError or ExtractError if it is not usable)."""
    return extract(RawRecord.from_json(json.loads(line)), vocab, today)


def extract_lines(file_name: str, first_line: int, lines: Sequence[str | bytes], vocab: Vocabulary, today: date) -> Chunk:
    """Decode and extract a run of raw lines; a line that cannot be used is quarantined with its reason."""
    chunk = Chunk(file_name)
    for position, line in enumerate(lines):
        if not line.strip():
            continue
        chunk.raw_records += 1
        try:
            found = extract_line(line, vocab, today)
        except (ValueError, ExtractError) as exc:
            text = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
            reason = str(exc).split(":")[0] if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError) else str(exc)
            chunk.quarantine.append({"file": file_name, "line": first_line + position, "reason": reason, "raw": text[:2000]})
            continue
        chunk.records.extend(found)
        chunk.origins.extend((position, sub) for sub in range(len(found)))
    return chunk


Job = tuple[int, str, int, int]  # a raw file's number and path, and a byte range of whole lines in it


def _byte_ranges(files: list[Path]) -> list[Job]:
    """Each file cut into runs of about CHUNK_BYTES of whole lines. Workers read their own runs:
    piping every line through the parent made it the bottleneck of a national build."""
    jobs: list[Job] = []
    for file_no, path in enumerate(files):
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
        with handle:
            size = os.fstat(handle.fileno()).st_size
            start = 0
            while start < size:
                handle.seek(min(start + CHUNK_BYTES, size))
                handle.readline()  # to the end of the line the cut fell in
                end = min(handle.tell(), size)
                jobs.append((file_no, str(path), start, end))
                start = end
    return jobs


def _lines_of(job: Job) -> list[bytes]:
    _, path, start, end = job
    with open(path, "rb") as handle:
        handle.seek(start)
        return list(io.BytesIO(handle.read(end - start)))


def _extract_run(job: Job, vocab: Vocabulary, today: date) -> tuple[list[bytes], Chunk]:
    """A run's lines, and what extracting them gave; line numbers in its quarantine count from the
    run's first line (`_read` makes them the file's, knowing how many lines came before)."""
    lines = _lines_of(job)
    chunk = extract_lines(Path(job[1]).name, 1, lines, vocab, today)
    chunk.lines = len(lines)
    return lines, chunk


def _extract_job(job: Job, vocab: Vocabulary, today: date) -> Chunk:
    return _extract_run(job, vocab, today)[1]


def _spool_job(job: Job, vocab: Vocabulary, today: date) -> SpooledChunk:
    lines, chunk = _extract_run(job, vocab, today)
    starts = list(accumulate((len(line) for line in lines), initial=job[2]))
    origins = [(starts[position], len(lines[position]), sub) for position, sub in chunk.origins]
    links = [LinkRecord.of(rec) for rec in chunk.records]
    return SpooledChunk(chunk.file_name, job[0], links, origins, chunk.quarantine, chunk.raw_records, chunk.lines)


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
    """`read_chunks`, each chunk's records as LinkRecords plus where each came from (for a `RecordSpool`)."""
    yield from _read(files, vocab, today, progress, workers, spooled=True)


def _read(files: list[Path], vocab: Vocabulary, today: date, progress: bool, workers: int | None, spooled: bool) -> Iterator[Any]:
    total = sum(p.stat().st_size for p in files)
    if workers is None:
        workers = index_workers(total)
    jobs = _byte_ranges(files)
    lines_before = [0] * len(files)
    with tqdm(total=total, unit="B", unit_scale=True, desc="reading raw records", disable=not progress) as bar:
        if workers <= 1:
            results: Iterator[Any] = ((_spool_job if spooled else _extract_job)(job, vocab, today) for job in jobs)
            for job, chunk in zip(jobs, results, strict=True):
                yield _numbered(chunk, job, lines_before, bar)
            return
        # Forked workers inherit the loaded vocabulary and geography; nothing large is pickled.
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_worker, initargs=(vocab, today)) as pool:
            chunks = pool.imap(_spool_in_worker if spooled else _extract_in_worker, jobs, chunksize=1)
            for job, chunk in zip(jobs, chunks, strict=True):
                yield _numbered(chunk, job, lines_before, bar)


def _numbered(chunk: Any, job: Job, lines_before: list[int], bar: tqdm) -> Any:
    """`chunk` with its quarantined lines numbered within their file, not within the run."""
    for row in chunk.quarantine:
        row["line"] += lines_before[job[0]]
    lines_before[job[0]] += chunk.lines
    bar.update(job[3] - job[2])
    return chunk
