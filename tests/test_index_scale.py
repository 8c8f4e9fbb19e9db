"""Indexing at scale: extraction over worker processes gives exactly what one process gives, and
listings stream into the backend (merged one at a time) with the same result as a built list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synthetic_raw import write_raw
from directory.backends.sqlite import SQLiteBackend
from indexer.build import IndexReport, build_listings, read_source_records, run_index
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "raw"
    write_raw(out, 600)
    return out


def _summary(records) -> list[tuple]:
    return [(r.key, r.variant(), r.source, r.fetched_at, tuple(r.unparsed)) for r in records]


def test_parallel_extraction_gives_the_records_one_process_gives(raw: Path, vocab) -> None:
    one, two = IndexReport(), IndexReport()
    quarantine_one: list[dict] = []
    quarantine_two: list[dict] = []
    alone = read_source_records(raw, vocab, TODAY, one, quarantine_one, False, workers=1)
    shared = read_source_records(raw, vocab, TODAY, two, quarantine_two, False, workers=2)
    assert len(alone) > 1000 and _summary(shared) == _summary(alone)
    assert (two.raw_records, two.by_source, quarantine_two) == (one.raw_records, one.by_source, quarantine_one)


def test_streamed_listings_are_the_built_ones(raw: Path, tmp_path: Path, vocab, monkeypatch: pytest.MonkeyPatch) -> None:
    built = build_listings(raw, TODAY, vocab)
    monkeypatch.setenv("THERAPISTS_INDEX_WORKERS", "2")
    backend = SQLiteBackend(tmp_path / "index.db", vocab)
    report = run_index(raw, backend, today=TODAY)
    assert report.listings == len(built.listings) and report.unparsed_values == built.report.unparsed_values
    stored = {i: backend.get(i) for i in backend.all_ids()}
    assert {listing.id: listing for listing in built.listings} == stored


def test_quarantined_lines_keep_their_line_numbers_when_a_file_is_read_in_runs(
    raw: Path, tmp_path: Path, vocab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers read their own byte ranges; a bad line is still reported by its line in the file."""
    import indexer.reading

    copy = tmp_path / "raw"
    copy.mkdir()
    lines = (raw / "board.jsonl").read_bytes().splitlines(keepends=True)
    bad = {5: b"{not json\n", len(lines) // 2: b"\xff\xfe broken bytes\n", len(lines) - 1: b'{"kind": "nope"}\n'}
    (copy / "board.jsonl").write_bytes(b"".join(bad.get(i, line) for i, line in enumerate(lines)))
    monkeypatch.setattr(indexer.reading, "CHUNK_BYTES", 4096)  # dozens of runs
    for workers in (1, 2):
        quarantine: list[dict] = []
        report = IndexReport()
        records = read_source_records(copy, vocab, TODAY, report, quarantine, False, workers=workers)
        assert sorted(q["line"] for q in quarantine) == [i + 1 for i in sorted(bad)]
        assert report.raw_records == len(lines) and len(records) == len(lines) - len(bad)
