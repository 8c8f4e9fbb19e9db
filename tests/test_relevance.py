"""Ranking quality on the judged queries (tests/relevance, graded before tuning)."""

from __future__ import annotations

from pathlib import Path

from bench.relevance_eval import evaluate, population
from directory.backends.sqlite import SQLiteBackend


def test_mean_ndcg_at_10_and_no_lapsed_licence_in_default_results(tmp_path: Path, vocab) -> None:
    backend = SQLiteBackend(tmp_path / "relevance.db", vocab)
    backend.replace_all(population())
    results = evaluate(backend)
    assert len(results) >= 40
    mean = sum(r.ndcg for r in results) / len(results)
    assert mean >= 0.9, sorted((round(r.ndcg, 3), r.id) for r in results)[:10]
    assert not [(r.id, r.lapsed_shown) for r in results if r.lapsed_shown]


def test_both_backends_rank_the_judged_queries_identically(tmp_path: Path, vocab) -> None:
    backend = SQLiteBackend(tmp_path / "relevance.db", vocab)
    backend.replace_all(population())
    assert [r.returned for r in evaluate(backend)] == [r.returned for r in evaluate()]
