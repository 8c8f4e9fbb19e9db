"""nDCG@10 of the ranking on the judged queries in tests/relevance/ (graded 0-3 before tuning)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from directory.backends.memory import MemoryBackend
from directory.models import LicenseStatus, Listing
from directory.search_service import SearchParams, build_query
from directory.vocabulary import get_vocabulary

RELEVANCE_DIR = Path(__file__).resolve().parent.parent / "tests" / "relevance"
TODAY = date(2026, 11, 23)
K = 10


@dataclass
class QueryResult:
    id: str
    ndcg: float
    returned: list[str]
    lapsed_shown: list[str]


def population() -> list[Listing]:
    with open(RELEVANCE_DIR / "population.jsonl", encoding="utf-8") as fh:
        return [Listing.model_validate_json(line) for line in fh]


def judged_queries() -> list[dict]:
    return json.loads((RELEVANCE_DIR / "judgments.json").read_text(encoding="utf-8"))


def ndcg_at_k(returned: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(lid, 0) - 1) / math.log2(rank + 2) for rank, lid in enumerate(returned[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg else 1.0


def evaluate(backend=None) -> list[QueryResult]:
    vocab = get_vocabulary()
    listings = population()
    if backend is None:
        backend = MemoryBackend(vocab)
        backend.replace_all(listings)
    by_id = {listing.id: listing for listing in listings}
    results = []
    for query in judged_queries():
        params = SearchParams(**{**query["params"], "limit": K})
        search, _ = build_query(params, vocab, TODAY)
        page = backend.search(search)
        returned = [hit.listing.id for hit in page.hits]
        grades = {lid: j["grade"] for lid, j in query["judgments"].items()}
        lapsed = [lid for lid in returned if by_id[lid].status_summary(TODAY) != LicenseStatus.active]
        results.append(QueryResult(query["id"], ndcg_at_k(returned, grades), returned, lapsed))
    return results


if __name__ == "__main__":
    results = evaluate()
    for r in sorted(results, key=lambda r: r.ndcg):
        print(f"{r.id:<5} nDCG@10 {r.ndcg:.3f}")
    print(f"mean nDCG@10 {sum(r.ndcg for r in results) / len(results):.4f} over {len(results)} queries")
