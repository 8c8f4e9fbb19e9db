"""Health, readiness, Prometheus metrics and JSON request logs, through the real app."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from directory.backends.sqlite import SQLiteBackend
from directory.settings import Settings
from search_api.app import create_app
from search_api.ops import JsonFormatter
from tests.conftest import TODAY
from tests.factories import population


@pytest.fixture
def client(tmp_path: Path, vocab) -> TestClient:
    raw = tmp_path / "raw"
    raw.mkdir()
    summary = {"sources": [{"source": "tx_board", "kind": "license_csv", "fetched": 2, "items": 40, "quarantined": 1, "errors": 0}]}
    (raw / "crawl_summary.json").write_text(json.dumps(summary))
    meta = {
        "generation": "3",
        "built_at": "2026-11-20T00:00:00+00:00",
        "build_seconds": "12.5",
        "listings": "10",
        "source_records": "25",
        "quarantined": "1",
        "suppressed": "0",
        "review_pairs": "2",
        "raw_dir": str(raw),
    }
    db = tmp_path / "index.db"
    SQLiteBackend(db, vocab).replace_all(population(), metadata=meta)
    return TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY))


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["listings"] == 10 and ready.json()["generation"] == "3"


def test_readyz_is_503_in_the_one_error_shape_without_an_index(tmp_path: Path, vocab) -> None:
    client = TestClient(create_app(Settings(db=tmp_path / "missing.db"), vocab=vocab, today=TODAY))
    assert client.get("/healthz").status_code == 200  # the process is up
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_ready" and "no index" in response.json()["error"]["reason"]


def test_the_request_counter_moves_after_a_search(client: TestClient) -> None:
    key = ("therapists_http_requests_total", (("method", "GET"), ("route", "/search"), ("status", "200")))
    before = scrape(client).get(key, 0.0)
    assert client.get("/search", params={"condition": "sciatica", "near": "78704"}).status_code == 200
    after = scrape(client)
    assert after[key] == before + 1
    latency = ("therapists_http_request_duration_seconds_count", key[1])
    assert after[latency] >= 1
    client.get("/therapists/t_9999")  # a 404 is counted under its route template, not its raw path
    assert (
        scrape(client)[("therapists_http_requests_total", (("method", "GET"), ("route", "/therapists/{listing_id}"), ("status", "404")))]
        >= 1
    )


def test_index_facts_are_in_the_metrics(client: TestClient) -> None:
    samples = scrape(client)
    by_status = {dict(labels)["license_status"]: v for (name, labels), v in samples.items() if name == "therapists_listings"}
    assert by_status == {"active": 8, "expired": 1, "suspended": 1}  # Dan's licence lapsed after the build
    assert samples[("therapists_index_generation", ())] == 3
    assert samples[("therapists_index_build_duration_seconds", ())] == 12.5
    assert samples[("therapists_index_age_seconds", ())] > 0
    assert samples[("therapists_last_index_records", (("counter", "review_pairs"),))] == 2
    assert samples[("therapists_last_crawl", (("counter", "quarantined"), ("source", "tx_board")))] == 1


def test_each_request_logs_one_json_line_with_its_request_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="therapists.access"):
        response = client.get("/search", params={"near": "78704", "limit": 500})
    assert response.status_code == 422
    rid = response.headers["X-Request-ID"]
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "therapists.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == rid and line["status"] == 422 and line["route"] == "/search" and line["msg"] == "request"
    assert line["duration_ms"] >= 0 and "limit=500" in line["query"]


def test_a_callers_request_id_is_echoed_and_an_odd_one_replaced(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"}).headers["X-Request-ID"] == "lb-1234.abc"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers["X-Request-ID"]
    assert replaced != "bad id\twith spaces" and len(replaced) == 32
