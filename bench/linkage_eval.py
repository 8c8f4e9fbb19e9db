"""Pairwise precision and recall of the linker on the labelled set in tests/data/linkage/.

A pair is two source records of the same person; precision is the share of pairs the linker
joined that are true, recall the share of true pairs it joined.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path

from directory.raw import RawRecord
from directory.vocabulary import get_vocabulary
from indexer.extract import SourceRecord, extract
from indexer.linkage import LinkageReport, link

LINKAGE_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "linkage"
TODAY = date(2026, 11, 23)


@dataclass
class LinkageQuality:
    records: int
    true_pairs: int
    predicted_pairs: int
    precision: float
    recall: float
    seconds: float
    false_joins: list[tuple[str, str]]
    missed: list[tuple[str, str]]

    @property
    def f1(self) -> float:
        return 2 * self.precision * self.recall / (self.precision + self.recall) if self.precision + self.recall else 0.0


def labelled_records() -> tuple[list[SourceRecord], dict[str, str]]:
    vocab = get_vocabulary()
    truth = [json.loads(line) for line in open(LINKAGE_DIR / "truth.jsonl", encoding="utf-8")]
    lines: dict[str, list[str]] = {}
    records: list[SourceRecord] = []
    person_of: dict[str, str] = {}
    for row in truth:
        file_lines = lines.setdefault(row["file"], open(LINKAGE_DIR / row["file"], encoding="utf-8").read().splitlines())
        (record,) = extract(RawRecord.from_json(json.loads(file_lines[row["line"] - 1])), vocab, TODAY)
        records.append(record)
        person_of[record.key] = row["person_id"]
    return records, person_of


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in combinations(group, 2)}  # type: ignore[misc]


def evaluate() -> LinkageQuality:
    records, person_of = labelled_records()
    started = time.perf_counter()
    report: LinkageReport = link(records)
    seconds = time.perf_counter() - started
    predicted = _pairs([[r.key for r in cluster] for cluster in report.clusters])
    by_person: dict[str, list[str]] = {}
    for key, person in person_of.items():
        by_person.setdefault(person, []).append(key)
    true = _pairs(list(by_person.values()))
    hits = predicted & true
    return LinkageQuality(
        records=len(records),
        true_pairs=len(true),
        predicted_pairs=len(predicted),
        precision=len(hits) / len(predicted) if predicted else 1.0,
        recall=len(hits) / len(true) if true else 1.0,
        seconds=seconds,
        false_joins=sorted(predicted - true),
        missed=sorted(true - predicted),
    )


if __name__ == "__main__":
    quality = evaluate()
    print(f"records {quality.records}  true pairs {quality.true_pairs}  predicted {quality.predicted_pairs}")
    print(f"precision {quality.precision:.3f}  recall {quality.recall:.3f}  F1 {quality.f1:.3f}  ({quality.seconds * 1000:.0f} ms)")
    for a, b in quality.false_joins[:30]:
        print("  FALSE JOIN", a, "|", b)
    for a, b in quality.missed[:60]:
        print("  MISSED    ", a, "|", b)
