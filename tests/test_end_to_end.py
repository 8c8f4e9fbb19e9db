"""The whole path on the bundled sample sources: a real HTTP server on 127.0.0.1 serving
real-shaped NPPES, board, website and roster data → the real Scrapy crawl (the CLI, in a child
process) → indexing into a temp SQLite file → the FastAPI app through its test client.

Checked against `people.json`, the ground truth the sample sources were generated from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directory.backends.sqlite import SQLiteBackend
from directory.settings import Settings
from indexer.build import run_index
from search_api.app import create_app
from tests.cli_helpers import therapists
from tests.conftest import TODAY
from therapists.demo import write_demo_sources
from therapists.mirror import MirrorServer, sample_sources_dir

PEOPLE = json.loads((sample_sources_dir() / "people.json").read_text(encoding="utf-8"))


@dataclass
class Pipeline:
    raw_dir: Path
    db: Path
    requests: list[str]
    client: TestClient
    summary: dict


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, vocab) -> Pipeline:
    work = tmp_path_factory.mktemp("e2e")
    with MirrorServer() as mirror:
        config = write_demo_sources(mirror.base_url, work / "sources.toml")
        result = therapists("crawl", "--config", str(config), "--out", str(work / "raw"))
        assert result.returncode == 0, result.stderr[-3000:]
        requests = list(mirror.requests)
    db = work / "therapists.db"
    run_index(work / "raw", SQLiteBackend(db, vocab), today=TODAY)
    client = TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY))
    summary = json.loads((work / "raw" / "crawl_summary.json").read_text())
    return Pipeline(work / "raw", db, requests, client, summary)


def _raw(pipeline: Pipeline, source: str) -> list[dict]:
    with open(pipeline.raw_dir / f"{source}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_every_source_was_crawled_and_summarised(pipeline: Pipeline) -> None:
    by_source = {s["source"]: s for s in pipeline.summary["sources"]}
    assert set(by_source) == {"nppes", "tx_tdlr", "fl_mqa", "ca_camtc", "practice_sites", "ncbtmb", "nmt"}
    for name, summary in by_source.items():
        assert summary["fetched"] > 0 and summary["items"] > 0 and summary["unreachable"] is None, name
        assert summary["download_delay"] == 0  # the source's own politeness setting took effect
    npis = {p["npi"] for p in PEOPLE if p["npi"]}
    assert {r["data"]["number"] for r in _raw(pipeline, "nppes")} == npis  # other professions filtered out
    tx_people = [p for p in PEOPLE if any(lic["state"] == "TX" for lic in p["licenses"])]
    assert by_source["tx_tdlr"]["items"] == len(tx_people)


def test_raw_records_carry_provenance(pipeline: Pipeline) -> None:
    for source in ("nppes", "tx_tdlr", "practice_sites"):
        for record in _raw(pipeline, source):
            assert record["source"] == source
            assert record["url"].startswith("http://127.0.0.1:")
            assert re.fullmatch(r"[0-9a-f]{64}", record["content_sha256"])
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record["fetched_at"])


def test_a_paginated_roster_is_followed_to_its_last_page(pipeline: Pipeline) -> None:
    pages = sorted({p for p in pipeline.requests if p.startswith("/rosters/ncbtmb/")})
    assert pages == ["/rosters/ncbtmb/page-1.html", "/rosters/ncbtmb/page-2.html", "/rosters/ncbtmb/page-3.html"]
    rows = _raw(pipeline, "ncbtmb")
    assert len(rows) == 36 and len({r["url"] for r in rows}) == 3


def test_the_crawler_obeys_robots_txt(pipeline: Pipeline) -> None:
    assert any(path == "/robots.txt" for path in pipeline.requests)
    assert not [path for path in pipeline.requests if path.startswith("/private/")]


def test_malformed_structured_data_is_quarantined_with_a_reason(pipeline: Pipeline) -> None:
    quarantine = [json.loads(line) for line in open(pipeline.raw_dir / "quarantine.jsonl", encoding="utf-8")]
    assert any(q["source"] == "practice_sites" and q["reason"].startswith("malformed JSON-LD block") for q in quarantine)


def _listing_for(pipeline: Pipeline, person: dict) -> list[dict]:
    """The listing(s) showing any of this person's licence numbers."""
    wanted = {(lic["state"], lic["number"]) for lic in person["licenses"]}
    found = []
    for listing_id in SQLiteBackend(pipeline.db).all_ids():
        detail = pipeline.client.get(f"/therapists/{listing_id}").json()
        if {(lic["state"], lic["number"]) for lic in detail["licenses"]} & wanted:
            found.append(detail)
    return found


@pytest.fixture(scope="module")
def details(pipeline: Pipeline) -> list[dict]:
    return [pipeline.client.get(f"/therapists/{i}").json() for i in SQLiteBackend(pipeline.db).all_ids()]


def test_each_person_becomes_exactly_one_listing(details: list[dict]) -> None:
    for person in PEOPLE:
        wanted = {(lic["state"], lic["number"]) for lic in person["licenses"]}
        matches = [d for d in details if {(lic["state"], lic["number"]) for lic in d["licenses"]} & wanted]
        assert len(matches) == 1, (person["person_id"], [m["name"] for m in matches])
        listing = matches[0]
        assert listing["npi"] == person["npi"], person["person_id"]
        kinds = {s["kind"] for s in listing["sources"]}
        if person["site_pages"]:
            assert "profile_site" in kinds, person["person_id"]
        if person["roster_entries"]:
            assert "cert_roster" in kinds, person["person_id"]


def test_licence_status_and_verification_follow_the_board(details: list[dict]) -> None:
    for person in PEOPLE:
        for expected in person["licenses"]:
            shown = [
                lic for d in details for lic in d["licenses"] if (lic["state"], lic["number"]) == (expected["state"], expected["number"])
            ]
            assert len(shown) == 1, (person["person_id"], expected)
            assert shown[0]["status"] == expected["status_expected"], (person["person_id"], shown[0])
            assert shown[0]["verified"] is (expected["status_expected"] == "active")


def test_mailing_addresses_never_reach_the_api(pipeline: Pipeline, details: list[dict]) -> None:
    served = json.dumps(details).lower()
    for person in PEOPLE:
        mailing = person.get("mailing_address")
        if mailing:
            street = mailing.split(",")[0].strip().lower()
            assert street not in served, (person["person_id"], street)


def test_default_search_shows_only_licences_in_force(pipeline: Pipeline) -> None:
    lapsed = {(lic["state"], lic["number"]) for p in PEOPLE for lic in p["licenses"] if lic["status_expected"] != "active"}
    assert lapsed, "the sample must contain lapsed licences to test this"
    for near in ("Austin, TX", "Houston, TX", "Dallas, TX", "Miami, FL", "Tampa, FL", "Orlando, FL"):
        body = pipeline.client.get("/search", params={"near": near, "radius_km": 80, "limit": 100}).json()
        for result in body["results"]:
            assert all(lic["status"] == "active" for lic in result["licenses"] if lic["verified"])
            assert any(lic["status"] == "active" for lic in result["licenses"]), result["name"]
        everyone = pipeline.client.get("/search", params={"near": near, "radius_km": 80, "limit": 100, "license_status": "any"}).json()
        assert everyone["total"] >= body["total"]


def test_condition_search_puts_specialists_first_and_explains_why(pipeline: Pipeline) -> None:
    body = pipeline.client.get("/search", params={"q": "sciatica near Austin, TX"}).json()
    assert body["total"] > 0
    top = body["results"][0]
    assert "Sciatica" in top["conditions"]
    assert top["why"][0].startswith("Lists sciatica as a specialty")
    assert any("licence" in why and "active" in why for why in top["why"])
    assert top["distance_km"] is not None and top["distance_km"] <= 40


def test_every_listing_has_provenance_and_a_located_practice(details: list[dict], vocab) -> None:
    for detail in details:
        assert not [tok for tok in detail["name"].replace(",", " ").split() if vocab.credential(tok)], detail["name"]
        assert detail["sources"], detail["id"]
        loc = detail["location"]
        assert loc["lat"] is not None and loc["state"] in ("TX", "FL", "CA"), (detail["name"], loc)


def test_what_people_filter_on_is_kept_when_a_page_states_it(details: list[dict]) -> None:
    jenny = next(d for d in details if d["name"] == "Jenny Alvarez")
    assert jenny["accepting_new_clients"] is True
    assert jenny["payment_accepted"] == ["Cash", "Credit Card", "HSA/FSA"]
    assert jenny["price_range"] == "$$$"
    assert jenny["bio"].startswith("Jenny has been a licensed massage therapist") and "&amp;" not in jenny["bio"]
    with_hours = [d for d in details if d["opening_hours"]]
    assert with_hours and all(re.search(r"\d\d:\d\d-\d\d:\d\d", h) for d in with_hours for h in d["opening_hours"])
    assert any(d["wheelchair_accessible"] is True for d in details)
    assert any(d["mobile"] is False for d in details)
    assert any(len(d["languages"]) > 1 for d in details)
