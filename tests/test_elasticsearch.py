"""The Elasticsearch backend: same pages as SQLite, versioned indices behind an alias, failures.

Runs against osmem-server (an in-memory OpenSearch-compatible server, started once per session),
or against a real cluster when ES_URL is set. The shared contract tests in tests/test_backends.py
run on this backend too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from directory import ranking
from directory.backends.es import ElasticsearchBackend, _Window
from directory.backends.es_query import PAINLESS_TERMS, score_error_bound, score_script
from directory.backends.memory import MemoryBackend
from directory.backends.sqlite import SQLiteBackend
from directory.errors import BackendError
from directory.identity import IdentityMap, Redirect
from directory.models import ReviewItem
from directory.search_service import SearchParams, build_query
from tests.conftest import TODAY
from tests.factories import listing, population

pytestmark = pytest.mark.elasticsearch
ROOT = Path(__file__).resolve().parent.parent


def run(be, vocab, params: SearchParams):
    query, _ = build_query(params, vocab, TODAY)
    return be.search(query)


def page_of(page):
    return ([(h.listing.id, h.score, h.distance_km, h.why) for h in page.hits], page.total, page.facets, page.next_cursor)


@pytest.fixture(scope="module")
def dense(tmp_path_factory, es_server, vocab):
    """1,000 synthetic listings in a few metros (near-ties everywhere), in SQLite and Elasticsearch."""
    from bench.search_bench import synthetic_listings

    listings = synthetic_listings(1_000, seed=3)
    sqlite = SQLiteBackend(tmp_path_factory.mktemp("dense") / "index.db", vocab)
    sqlite.replace_all(listings)
    es = ElasticsearchBackend(es_server[0], "dense", vocab, plain_json=es_server[1])
    es.replace_all(listings)
    yield sqlite, es
    es.close()


def test_the_same_mixed_queries_give_identical_pages_on_sqlite_and_elasticsearch(dense, vocab) -> None:
    """45 mixed queries (condition, place, technique, free text, radius), up to three pages each
    through cursors: ids, order, scores, distances, why[], total, facets and cursors all equal."""
    from bench.search_bench import _params, query_mix

    sqlite, es = dense
    queries, pages = query_mix(seed=8)[:45], 0
    for _, raw in queries:
        cursors: list[str | None] = [None, None]
        for _page in range(3):
            got = []
            for i, be in enumerate((sqlite, es)):
                params = _params(raw)
                params.cursor = cursors[i]
                got.append(run(be, vocab, params))
            assert page_of(got[0]) == page_of(got[1]), (raw, _page)
            pages += 1
            if got[0].next_cursor is None:
                break
            cursors = [got[0].next_cursor, got[1].next_cursor]
    assert len(queries) == 45 and pages > 60


FILTERS = [
    SearchParams(near="78704", language="Spanish"),
    SearchParams(near="78704", gender="female"),
    SearchParams(near="78704", accepting_new_clients=True),
    SearchParams(near="78704", mobile=False),
    SearchParams(q="Ana", near="78704"),
    SearchParams(near="78704", min_years=0),
    SearchParams(near="78704", certification=["bctmb"], license_status="any"),
    SearchParams(condition="sciatica", modality=["deep tissue massage"], license_status="any", limit=2),
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: repr(p)[:70])
def test_every_filter_matches_the_reference_backend(make_es, vocab, params: SearchParams) -> None:
    es, memory = make_es(), MemoryBackend(vocab)
    for be in (es, memory):
        be.replace_all(population())
    assert page_of(run(es, vocab, params)) == page_of(run(memory, vocab, params))


QUERY_FIELDS = [
    {"verified_only": True},
    {"min_fit": 0.9},
    {"min_fit": 0.5, "verified_only": True},
    {"name_text": "Ana"},
    {"name_text": "Cara Deep Tisue"},  # a typo
    {"name_text": "B Piriformis"},  # an initial
    {"exclude_ids": frozenset({"t_0001", "t_0006", "t_not_there"})},  # hidden by an admin (backends/curated.py)
    {"exclude_ids": frozenset({"t_0001", "t_0003"})},  # hidden by an admin since the build
    {"exclude_ids": frozenset({"t_0001"}), "name_text": "Ana"},
]


@pytest.mark.parametrize("fields", QUERY_FIELDS, ids=repr)
def test_every_query_field_matches_the_reference_backend(make_es, vocab, fields: dict) -> None:
    """SearchQuery fields the API sets directly (referrals: verified_only, min_fit; names)."""
    from dataclasses import replace

    es, memory = make_es(), MemoryBackend(vocab)
    for be in (es, memory):
        be.replace_all(population())
    found = 0
    for params in (SearchParams(condition="sciatica", license_status="any"), SearchParams(near="78704", license_status="any")):
        query, _ = build_query(params, vocab, TODAY)
        query = replace(query, **fields)
        a, b = es.search(query), memory.search(query)
        assert page_of(a) == page_of(b), (fields, params)
        assert not {h.listing.id for h in a.hits} & fields.get("exclude_ids", frozenset())
        found += a.total
    assert found > 0  # the filter kept someone: the comparison is not between two empty pages


def test_elasticsearch_computes_the_ranking_within_the_declared_bound(dense, vocab) -> None:
    """The script's scores (before Python's exact re-score) are the ranking's, within the bound."""
    _, es = dense
    worst = 0.0
    for params in [SearchParams(condition="sciatica", near="78704"), SearchParams(near="10001", radius_km=60), SearchParams()]:
        query, _ = build_query(params, vocab, TODAY)
        window = _Window(es, query)
        exact = window.exact_scores(np.arange(len(window.scores)))
        assert len(exact) > 0
        worst = max(worst, float(np.max(np.abs(exact - window.scores))))
        assert np.all(np.abs(exact - window.scores) <= score_error_bound(query))
    assert worst < 1e-6


def test_the_score_script_is_generated_from_the_ranking_definition(make_es, vocab, monkeypatch) -> None:
    assert list(PAINLESS_TERMS) == [t.name for t in ranking.TERMS]
    query, _ = build_query(SearchParams(condition="sciatica", near="78704"), vocab, TODAY)
    params = score_script(query)["params"]
    assert {k[2:]: v for k, v in params.items() if k.startswith("w_")} == {
        t.name: ranking.WEIGHTS[t.name] for t in ranking.query_terms(query)
    }
    assert params["total_weight"] == sum(ranking.WEIGHTS[t.name] for t in ranking.query_terms(query))
    # Retune a weight: Elasticsearch follows it, and still agrees with the reference.
    monkeypatch.setitem(ranking.WEIGHTS, "experience", 0.6)
    es, memory = make_es(), MemoryBackend(vocab)
    for be in (es, memory):
        be.replace_all(population())
    for p in (SearchParams(condition="sciatica", near="78704", license_status="any"), SearchParams(near="Austin, TX")):
        assert page_of(run(es, vocab, p)) == page_of(run(memory, vocab, p))


def test_a_build_moves_the_alias_in_one_step_and_keeps_only_the_retained_generations(make_es, es_alias) -> None:
    es = make_es(retain=2)
    es.replace_all(population())
    assert es.current_index() == f"{es_alias}-1"
    es.replace_all([*population(), listing("t_9999", "New Person", "78704", ["sciatica"])])
    assert es.current_index() == f"{es_alias}-2"
    assert es.get("t_9999") is not None
    es.replace_all(population()[:3])
    assert es.current_index() == f"{es_alias}-3"
    assert sorted(es._generations()) == [2, 3]  # generation 1 is past retention
    assert es.all_ids() == ["t_0001", "t_0002", "t_0003"]  # retired listings are gone from search and get
    assert es.get("t_9999") is None


def test_a_failed_build_leaves_the_alias_where_it_was(make_es, es_alias, vocab) -> None:
    es = make_es()
    es.replace_all(population(), {"built_for_date": "first"})

    def exploding():
        yield listing("t_9999", "New Person", "78704", ["sciatica"])
        raise RuntimeError("crawl file truncated")

    with pytest.raises(RuntimeError):
        es.replace_all(exploding(), {"built_for_date": "second"})
    assert es.current_index() == f"{es_alias}-1"
    assert es.metadata()["built_for_date"] == "first"
    assert es.get("t_9999") is None and run(es, vocab, SearchParams(condition="sciatica")).total > 0
    assert sorted(es._generations()) == [1]  # the half-written generation was deleted


def test_a_rejected_document_fails_the_build_with_its_reason(make_es, es_alias) -> None:
    es = make_es()
    es.replace_all(population())
    bad = listing("t_0666", "Odd Condition", "78704", ["not_a_vocabulary_condition"])
    with pytest.raises(BackendError, match=r"1 listings documents were rejected.*t_0666"):
        es.replace_all([*population(), bad])
    assert es.current_index() == f"{es_alias}-1" and es.get("t_0666") is None


def test_a_killed_build_leaves_the_alias_untouched_and_the_next_build_clears_it(make_es, es_server, es_alias, tmp_path) -> None:
    es = make_es()
    es.replace_all(population())
    script = tmp_path / "slow_build.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from directory.backends.es import ElasticsearchBackend
            from tests.factories import population

            def slow():
                for item in population():
                    yield item
                print("written", flush=True)
                time.sleep(60)

            ElasticsearchBackend({es_server[0]!r}, {es_alias!r}, plain_json={es_server[1]!r}).replace_all(slow())
            """
        )
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "written"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 2 in es._generations()  # the orphan is there, unaliased
    assert es.current_index() == f"{es_alias}-1"
    es.replace_all(population()[:2])
    assert es.current_index() == f"{es_alias}-3" and sorted(es._generations()) == [1, 3]  # retain 2: live and previous


def test_metadata_identity_and_review_queue_come_from_the_alias_generation(make_es) -> None:
    es = make_es()
    identity = IdentityMap(
        build=3,
        records={f"nppes:{i}": "t_0001" for i in range(12_000)},  # more than one stored chunk
        first_build={"t_0001": 1},
        first_seen={"t_0001": "2026-01-01"},
        redirects={"t_0077": Redirect("t_0001", "merged", "2026-02-01"), "t_0078": Redirect("t_gone", "merged", "2026-02-01")},
    )
    review = [ReviewItem(record_a="a", record_b="b", listing_a="t_0001", listing_b="t_0002", score=0.7, reason="same phone")]
    es.replace_all(population(), {"built_for_date": "x"}, review, identity)
    assert es.identity() == identity
    assert es.review_queue() == review
    assert es.metadata()["built_for_date"] == "x"
    assert es.redirect("t_0077") == "t_0001"
    assert es.redirect("t_0078") is None  # its survivor is not live
    es.replace_all(population(), {"built_for_date": "y"})  # a build without them
    assert es.identity() == IdentityMap() and es.review_queue() == [] and es.metadata()["built_for_date"] == "y"


def test_an_unreachable_cluster_is_a_503_in_the_error_shape(vocab) -> None:
    from fastapi.testclient import TestClient

    from search_api.app import create_app

    es = ElasticsearchBackend("http://127.0.0.1:9", "listings", vocab, plain_json=True)
    with pytest.raises(BackendError, match="unreachable"):
        es.all_ids()
    client = TestClient(create_app(backend=es, vocab=vocab, today=TODAY), raise_server_exceptions=False)
    for path in ("/search?condition=sciatica", "/health", "/therapists/t_0001"):
        response = client.get(path)
        assert response.status_code == 503, path
        body = response.json()
        assert body["error"]["code"] == "BackendError" and "unreachable" in body["error"]["reason"], body


def test_the_api_recovers_when_the_cluster_comes_back(vocab) -> None:
    """Stop the server under a running API: 503; start it again on the same port and reindex: 200."""
    if os.environ.get("ES_URL"):
        pytest.skip("stops and starts its own osmem-server")
    from fastapi.testclient import TestClient
    from osmem_server import OsmemServer

    from search_api.app import create_app

    server = OsmemServer.start(japanese=False)
    port = server.url.rsplit(":", 1)[1]
    es = ElasticsearchBackend(server.url, "listings", vocab, plain_json=True)
    es.replace_all(population())
    client = TestClient(create_app(backend=es, vocab=vocab, today=TODAY), raise_server_exceptions=False)
    try:
        assert client.get("/search?condition=sciatica").status_code == 200
        server.close()
        assert client.get("/search?condition=sciatica").status_code == 503
        assert client.get("/health").status_code == 503
        server = OsmemServer.start(japanese=False, addr=f"127.0.0.1:{port}")
        assert client.get("/health").status_code == 503  # up, but empty: no index yet, still the error shape
        ElasticsearchBackend(server.url, "listings", vocab, plain_json=True).replace_all(population())
        assert client.get("/search?condition=sciatica").status_code == 200
        assert client.get("/health").json()["index"]["elasticsearch_index"] == "listings-1"
    finally:
        server.close()


def test_a_closed_backend_reconnects_on_its_next_call(make_es, vocab) -> None:
    """`serve --workers N` closes the backend before forking; each worker then opens its own client."""
    es = make_es()
    es.replace_all(population())
    before = page_of(run(es, vocab, SearchParams(condition="sciatica")))
    es.close()
    assert page_of(run(es, vocab, SearchParams(condition="sciatica"))) == before


def test_expiry_is_checked_when_serving(make_es, vocab) -> None:
    es = make_es()
    es.replace_all([listing("t_0001", "Ana", "78704", ["sciatica"], expires_on=date(2027, 1, 31))])
    before, _ = build_query(SearchParams(condition="sciatica"), vocab, date(2027, 1, 31))
    after, _ = build_query(SearchParams(condition="sciatica"), vocab, date(2027, 2, 1))
    assert es.search(before).total == 1
    assert es.search(after).total == 0


def test_serve_with_the_es_flag_answers_from_the_alias(dense, es_server, vocab) -> None:
    """`therapists serve --es URL` (osmem needs THERAPISTS_ES_PLAIN_JSON=1): /health names the generation."""
    import json
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("THERAPISTS_") and k != "ES_URL"}
    env |= {"THERAPISTS_ES_PLAIN_JSON": "1" if es_server[1] else "0", "THERAPISTS_ES_INDEX": "dense"}
    command = [sys.executable, "-m", "therapists", "serve", "--es", es_server[0], "--port", str(port)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        health = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=30) as response:
                    health = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.2)
        assert health is not None and health["backend"] == "elasticsearch"
        assert health["index"]["elasticsearch_index"] == dense[1].current_index()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
