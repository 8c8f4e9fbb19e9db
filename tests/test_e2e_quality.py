"""End-to-end match quality: a generated corpus of real-shaped sources (NPPES pages, three board
layouts, practice sites in JSON-LD, microdata and plain text, a roster) crawled, indexed and served
through the CLI, and graded from its ground truth. A smaller corpus than `make bench` runs, so the
suite stays fast; the floors sit a little under what it measures, so a regression fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.e2e_quality.evaluate import Figures, evaluate


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Figures:
    return evaluate(people=250, seed=7, workdir=tmp_path_factory.mktemp("e2e"))


def test_ranking_end_to_end_stays_above_its_floor(figures: Figures) -> None:
    assert len(figures.per_query) >= 60
    assert sum(group == "free_text" for _, group, _ in figures.per_query) >= 20
    assert figures.ndcg["overall"] >= 0.93, figures.ndcg
    for group, value in figures.ndcg.items():
        assert value >= 0.85, (group, figures.ndcg)


def test_linkage_end_to_end_stays_above_its_floor(figures: Figures) -> None:
    assert figures.linkage["precision"] >= 0.995, figures.linkage
    assert figures.linkage["f1"] >= 0.98, figures.linkage


def test_extraction_finds_what_pages_state_and_claims_nothing_else(figures: Figures) -> None:
    assert figures.extraction["recall"] >= 0.97, figures.extraction
    assert figures.extraction["precision"] >= 0.99, figures.extraction


def test_every_evidence_line_quotes_text_present_in_its_source_record(figures: Figures) -> None:
    assert figures.evidence_problems == []


def test_the_corpus_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    from bench.e2e_quality.generate import generate

    generate(tmp_path / "a", seed=3, count=40)
    generate(tmp_path / "b", seed=3, count=40)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files and all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
