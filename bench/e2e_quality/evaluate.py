"""End to end, as a user meets it: generate the corpus, serve it on 127.0.0.1, then crawl → index →
serve through the documented CLI, and grade what the HTTP API answers.

Figures: nDCG@10 per query group and overall; linkage precision/recall/F1 over the served
listings (pairs of source mentions — an NPI, a licence, a page's person, a roster entry — put in
one listing, against the ground truth's pairs); per-person extraction accuracy (the conditions and
techniques a person's page stated, against those their listing shows).

    python -m bench.e2e_quality.evaluate [--people 1000] [--seed 20261201] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import httpx

from bench.e2e_quality.generate import TODAY, Person, fold, generate
from bench.e2e_quality.queries import GROUPS, Query, build_queries
from directory.vocabulary import get_vocabulary
from therapists.mirror import MirrorServer

ROOT = Path(__file__).resolve().parents[2]
K = 10


def ndcg_at_k(returned: list[int], ideal: list[int], k: int = K) -> float:
    dcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(returned[:k]))
    idcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(sorted(ideal, reverse=True)[:k]))
    return dcg / idcg if idcg else 1.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THERAPISTS_")}
    done = subprocess.run([sys.executable, "-m", "therapists", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"therapists {' '.join(args)} failed: {done.stderr[-2000:]}")


def _licence_key(state: str, number: str) -> str:
    return f"{state.upper()}:{re.sub(r'[^A-Z0-9]', '', number.upper()).lstrip('0')}"


@dataclass
class Truth:
    """Who each served mention belongs to."""

    people: dict[str, Person]
    by_npi: dict[str, str] = field(default_factory=dict)
    by_licence: dict[str, str] = field(default_factory=dict)
    on_page: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, people: list[Person]) -> Truth:
        truth = cls({p.id: p for p in people})
        for p in people:
            if p.npi:
                truth.by_npi[p.npi] = p.id
            for lic in p.licences:
                truth.by_licence[_licence_key(lic.state, lic.number)] = p.id
            for url in (p.site_url, p.roster_url):
                if url:
                    truth.on_page[url].append(p)
        return truth

    def page_person(self, url: str, name: str) -> str | None:
        """The person of that name on that page (a clinic page or roster page names several)."""
        path = url.split("/", 3)[-1] if url.startswith("http") else url
        here = self.on_page.get(path, [])
        if len(here) == 1:
            return here[0].id  # a person's own page
        # The grader's own matching, not the system's: the names the generator itself wrote.
        words = fold(name).lower().split()  # a listing's name may carry a middle name the page left out
        found = [
            p
            for p in here
            if words
            and words[-1] == fold(p.last).lower()
            and words[0] in {fold(first).lower() for first in (p.first, p.site_first, p.roster_first) if first}
        ]
        found = found or [p for p in here if fold(p.last).lower() in words]
        return found[0].id if len(found) == 1 else None


def mentions(detail: dict[str, Any], truth: Truth) -> list[tuple[str, str | None]]:
    """(mention key, its true person) for every source record a served listing shows."""
    out: list[tuple[str, str | None]] = []
    if detail.get("npi"):
        out.append((f"npi:{detail['npi']}", truth.by_npi.get(detail["npi"])))
    for lic in detail["licenses"]:
        key = _licence_key(lic["state"], lic["number"])
        out.append((f"lic:{key}", truth.by_licence.get(key)))
    for source in detail["sources"]:
        if source["kind"] in ("profile_site", "cert_roster"):
            out.append((f"page:{source['url']}#{detail['name']}", truth.page_person(source["url"], detail["name"])))
    return out


def listing_person(ms: list[tuple[str, str | None]]) -> str | None:
    votes = Counter(person for _, person in ms if person)
    return votes.most_common(1)[0][0] if votes else None


@dataclass
class Figures:
    ndcg: dict[str, float]
    per_query: list[tuple[str, str, float]]
    linkage: dict[str, float]
    extraction: dict[str, float]
    listings: int
    persons: int
    evidence_problems: list[str] = field(default_factory=list)


def linkage_figures(details: list[dict[str, Any]], truth: Truth) -> dict[str, float]:
    instances = [(i, person) for i, d in enumerate(details) for _, person in mentions(d, truth)]
    predicted = correct = 0
    by_listing: dict[int, list[str | None]] = defaultdict(list)
    for listing, person in instances:
        by_listing[listing].append(person)
    for persons in by_listing.values():
        for a, b in combinations(persons, 2):
            predicted += 1
            correct += a is not None and a == b
    per_person = Counter(person for _, person in instances if person)
    true_pairs = sum(n * (n - 1) // 2 for n in per_person.values())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    split = sum(1 for n in Counter(listing_person(mentions(d, truth)) for d in details).values() if n > 1)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "people_split": split}


def extraction_figures(details: list[dict[str, Any]], truth: Truth) -> dict[str, float]:
    vocab = get_vocabulary()
    ids = {(kind, vocab.name(kind, tid)): tid for kind in ("condition", "modality") for tid in vocab.terms[kind]}
    best: dict[str, dict[str, Any]] = {}
    for d in details:
        person = listing_person(mentions(d, truth))
        if person and (person not in best or len(d["sources"]) > len(best[person]["sources"])):
            best[person] = d
    exact = stated_total = found_total = hit = 0
    scored = 0
    for person in truth.people.values():
        if not person.site_layout:
            continue
        scored += 1
        d = best.get(person.id)
        stated = {("condition", c) for c in person.conditions} | {("modality", m) for m in person.modalities}
        found: set[tuple[str, str]] = set()
        if d is not None:
            found = {("condition", ids.get(("condition", n), n)) for n in d["conditions"]} | {
                ("modality", ids.get(("modality", n), n)) for n in d["modalities"]
            }
        # Techniques a certification implies are the roster's claim, not an extraction error.
        implied = {("modality", m) for c in person.certifications if (t := vocab.term("certification", c)) for m in t.implies_modalities}
        found -= implied - stated
        exact += found == stated
        stated_total += len(stated)
        found_total += len(found)
        hit += len(found & stated)
    return {
        "people_with_pages": scored,
        "exact": round(exact / scored, 4) if scored else 1.0,
        "recall": round(hit / stated_total, 4) if stated_total else 1.0,
        "precision": round(hit / found_total, 4) if found_total else 1.0,
    }


def crawl_index_serve(workdir: Path, people: int, seed: int) -> tuple[list[Person], str, subprocess.Popen[str], Path, Path]:
    corpus, raw, db = workdir / "corpus", workdir / "raw", workdir / "therapists.db"
    truth = generate(corpus, seed=seed, count=people)
    mirror = MirrorServer(corpus).start()
    try:
        config = workdir / "sources.toml"
        config.write_text((corpus / "sources.toml").read_text(encoding="utf-8").replace("{base}", mirror.base_url), encoding="utf-8")
        _cli("crawl", "--config", str(config), "--out", str(raw))
    finally:
        mirror.stop()
    _cli("index", "--from", str(raw), "--db", str(db))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("THERAPISTS_")}
    # The server logs a line a request: to a file, since an unread pipe would fill and stall it.
    log = open(workdir / "serve.log", "w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "therapists", "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        text=True,
    )
    log.close()  # the child has its own descriptor
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("the API never came up")
    return truth, base, server, raw, db


def all_details(client: httpx.Client) -> list[dict[str, Any]]:
    ids: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"license_status": "any", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/search", params=params).raise_for_status().json()
        ids += [r["id"] for r in body["results"]]
        cursor = body["next_cursor"]
        if not cursor:
            return [client.get(f"/therapists/{i}").raise_for_status().json() for i in ids]


def grade_queries(
    client: httpx.Client, queries: list[Query], person_of: dict[str, str | None], shown: list[dict[str, Any]]
) -> list[tuple[str, str, float]]:
    """nDCG@10 of each query; every result shown is appended to `shown`."""
    rows = []
    for query in queries:
        response = client.get("/search", params={**query.params, "limit": K})
        returned: list[int] = []
        if response.status_code == 200:
            seen: set[str] = set()
            shown += response.json()["results"]
            for result in response.json()["results"]:
                person = person_of.get(result["id"])
                # A second listing of one person adds nothing for the searcher.
                returned.append(query.grades.get(person, 0) if person and person not in seen else 0)
                if person:
                    seen.add(person)
        rows.append((query.id, query.group, ndcg_at_k(returned, list(query.grades.values()))))
    return rows


def evaluate(people: int = 1000, seed: int = 20261201, workdir: Path | None = None, today: date = TODAY) -> Figures:
    """Generate, crawl, index, serve and grade; also list evidence that its sources do not contain."""
    with tempfile.TemporaryDirectory(prefix="e2e-quality-") as tmp:
        work = workdir or Path(tmp)
        truth_people, base, server, raw, db = crawl_index_serve(work, people, seed)
        shown: list[dict[str, Any]] = []
        try:
            truth = Truth.of(truth_people)
            with httpx.Client(base_url=base, timeout=30) as client:
                details = all_details(client)
                person_of = {d["id"]: listing_person(mentions(d, truth)) for d in details}
                rows = grade_queries(client, build_queries(truth_people, today), person_of, shown)
        finally:
            server.terminate()
            server.wait(timeout=20)
        problems = unquoted_evidence(db, raw, shown)
    ndcg = {group: round(sum(n for _, g, n in rows if g == group) / max(1, sum(g == group for _, g, _ in rows)), 4) for group in GROUPS}
    ndcg["overall"] = round(sum(n for *_, n in rows) / len(rows), 4)
    return Figures(
        ndcg, rows, linkage_figures(details, truth), extraction_figures(details, truth), len(details), len(truth_people), problems
    )


def e2e_quality_benchmark() -> dict[str, Any]:
    """The `make bench` leg: the full corpus (about 1,000 people)."""
    figures = evaluate()
    out: dict[str, Any] = {f"e2e_ndcg_{group}": value for group, value in figures.ndcg.items()}
    out["e2e_queries"] = len(figures.per_query)
    out.update({f"e2e_linkage_{key}": value for key, value in figures.linkage.items()})
    out.update({f"e2e_extraction_{key}": value for key, value in figures.extraction.items()})
    out["e2e_people"], out["e2e_listings"] = figures.persons, figures.listings
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the corpus, raw files and index here")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    figures = evaluate(args.people, args.seed, args.workdir)
    for query_id, group, value in sorted(figures.per_query, key=lambda r: r[2]):
        if value < 0.9:
            print(f"{query_id:<16} {group:<10} nDCG@10 {value:.3f}")
    for problem in figures.evidence_problems[:20]:
        print(problem)
    print(
        json.dumps(
            {
                "evidence_problems": len(figures.evidence_problems),
                "ndcg": figures.ndcg,
                "linkage": figures.linkage,
                "extraction": figures.extraction,
                "queries": len(figures.per_query),
                "listings": figures.listings,
                "people": figures.persons,
            },
            indent=1,
        )
    )
    return 0


def _raw_texts(raw: Path) -> dict[tuple[str, str], str]:
    """(source, url) → the normalised text of every raw record fetched from it."""
    from directory.vocabulary import normalize_text

    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in raw.glob("*.jsonl"):
        if path.name.endswith("quarantine.jsonl"):
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                texts[(record["source"], record["url"])].append(normalize_text(json.dumps(record["data"], ensure_ascii=False)))
    return {key: " | ".join(parts) for key, parts in texts.items()}


QUOTED = re.compile(r'"([^"]+)"\)$')


def unquoted_evidence(db: Path, raw: Path, results: list[dict[str, Any]]) -> list[str]:
    """Evidence a listing holds, and words a why[] line quotes, that its own source records do not contain."""
    from directory.backends.sqlite import SQLiteBackend
    from directory.vocabulary import normalize_text

    texts = _raw_texts(raw)
    backend = SQLiteBackend(db)
    problems = []
    try:
        for listing_id in backend.all_ids():
            listing = backend.get(listing_id)
            assert listing is not None
            for ev in listing.evidence:
                said = " | ".join(texts.get((ev.source, s.url), "") for s in listing.sources if s.source == ev.source)
                if normalize_text(ev.text) not in said:
                    problems.append(f"{listing_id}: {ev.kind} {ev.term} from {ev.source}: {ev.text!r} is not in its source records")
        for result in results:
            listing = backend.get(result["id"])
            assert listing is not None
            said = " | ".join(texts.get((s.source, s.url), "") for s in listing.sources)
            for line in result["why"]:
                if (quote := QUOTED.search(line)) and normalize_text(quote.group(1)) not in said:
                    problems.append(f"{result['id']}: why {line!r} quotes words its sources do not contain")
    finally:
        backend.close()
    return problems


if __name__ == "__main__":
    raise SystemExit(main())
