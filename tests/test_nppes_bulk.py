"""The `nppes_bulk` source end to end: a generated dissemination zip in the real 330-column layout
(with a weekly update after it), served on 127.0.0.1, crawled by the real Scrapy engine (the CLI),
indexed, and read back through the HTTP API."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bench.nppes_bulk_file import COL, HEADER, OTHERNAME_HEADER, PL_HEADER, Truth, _q, write_zip
from directory.backends.sqlite import SQLiteBackend
from indexer.build import run_index
from search_api.app import create_app
from tests.cli_helpers import therapists
from tests.conftest import TODAY
from therapists.mirror import MirrorServer, sample_sources_dir

ROWS = 4000
SOURCE = """
[[source]]
name = "nppes_bulk"
kind = "nppes_bulk"
url = "{base}/nppes/NPPES_Data_Dissemination_November_2026.zip"
weekly_urls = ["{base}/nppes/NPPES_Data_Dissemination_111626_112226_Weekly.zip"]
download_delay = 0
"""


def _weekly(path: Path, truth: Truth) -> tuple[str, str]:
    """A weekly file: one kept therapist deactivated (blanked, as NPPES does), one who moved."""
    gone, moved = sorted(truth.massage)[:2]
    blank = [""] * len(HEADER)
    blank[COL["NPI"]], blank[COL["NPI Deactivation Date"]] = gone, "11/18/2026"
    row = [""] * len(HEADER)
    row[COL["NPI"]], row[COL["Entity Type Code"]] = moved, "1"
    row[COL["Provider Last Name (Legal Name)"]], row[COL["Provider First Name"]] = "MOVED", "MARA"
    row[COL["Provider First Line Business Practice Location Address"]] = "1 CONGRESS AVE"
    row[COL["Provider Business Practice Location Address City Name"]] = "AUSTIN"
    row[COL["Provider Business Practice Location Address State Name"]] = "TX"
    row[COL["Provider Business Practice Location Address Postal Code"]] = "787011234"
    row[COL["Provider Enumeration Date"]] = "<UNAVAIL>"
    row[COL["Healthcare Provider Taxonomy Code_3"]] = "225700000X"  # slots 1 and 2 left empty
    row[COL["Provider License Number_3"]], row[COL["Provider License Number State Code_3"]] = "MT99001", "TX"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("npidata_pfile_20261116-20261122.csv", _q(HEADER) + _q(blank) + _q(row))
        archive.writestr("pl_pfile_20261116-20261122.csv", _q(PL_HEADER))
        archive.writestr("othername_pfile_20261116-20261122.csv", _q(OTHERNAME_HEADER))
    return gone, moved


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bulk")
    truth = write_zip(work / "www/nppes/NPPES_Data_Dissemination_November_2026.zip", ROWS)
    gone, moved = _weekly(work / "www/nppes/NPPES_Data_Dissemination_111626_112226_Weekly.zip", truth)
    with MirrorServer(work / "www") as mirror:
        config = work / "sources.toml"
        config.write_text(SOURCE.replace("{base}", mirror.base_url), encoding="utf-8")
        first = therapists("crawl", "--config", str(config), "--out", str(work / "raw"))
        assert first.returncode == 0, first.stderr[-3000:]
        records = [json.loads(line) for line in open(work / "raw/nppes_bulk.jsonl", encoding="utf-8")]
        again = therapists("crawl", "--config", str(config), "--out", str(work / "raw"))
        assert again.returncode == 0, again.stderr[-3000:]
        revalidated = mirror.not_modified
    return {"work": work, "truth": truth, "records": records, "gone": gone, "moved": moved, "revalidated": revalidated}


def test_keeps_exactly_the_individual_massage_therapists_with_deactivations_marked(crawled: dict) -> None:
    by_npi = {r["data"]["number"]: r["data"] for r in crawled["records"]}
    assert set(by_npi) == set(crawled["truth"].massage)  # no organisation, other profession or blank row
    assert by_npi[crawled["gone"]]["basic"] == {"status": "D", "deactivation_date": "2026-11-18"}
    assert all(d["basic"]["status"] == "A" for npi, d in by_npi.items() if npi != crawled["gone"])
    nurses = [d for d in by_npi.values() if any(t["code"] == "163WM1400X" for t in d["taxonomies"])]
    assert nurses and all("massage" in t["desc"].lower() for d in nurses for t in d["taxonomies"] if t["code"] == "163WM1400X")
    summary = json.loads((crawled["work"] / "raw/crawl_summary.json").read_text())["sources"][0]
    assert summary["items"] == len(crawled["truth"].massage) and summary["unreachable"] is None


def test_records_have_the_api_spiders_shape_and_the_bulk_quirks_are_read(crawled: dict) -> None:
    api = json.loads((sample_sources_dir() / "nppes/records.json").read_text(encoding="utf-8"))[0]
    truth = crawled["truth"].massage
    records = [r for r in crawled["records"] if r["data"]["number"] not in (crawled["gone"],)]
    for record in records:
        data = record["data"]
        assert record["kind"] == "nppes" and record["record_type"] == "nppes_provider"
        assert set(api) - {"created_epoch", "last_updated_epoch"} <= set(data)
        assert {a["address_purpose"] for a in data["addresses"]} == {"LOCATION", "MAILING"}
        assert set(api["taxonomies"][0]) <= set(data["taxonomies"][0])
    assert "<UNAVAIL>" not in json.dumps(crawled["records"])
    moved = next(r["data"] for r in records if r["data"]["number"] == crawled["moved"])  # the weekly replaced it
    location = next(a for a in moved["addresses"] if a["address_purpose"] == "LOCATION")
    assert (moved["basic"]["last_name"], location["postal_code"]) == ("MOVED", "787011234")
    assert [t["code"] for t in moved["taxonomies"]] == ["225700000X"] and "enumeration_date" not in moved["basic"]
    sample = next(r["data"] for r in records if r["data"]["number"] not in (crawled["moved"],))
    loc = next(a for a in sample["addresses"] if a["address_purpose"] == "LOCATION")
    assert loc["postal_code"] == truth[sample["number"]]["postal_code"]  # nine digits, no hyphen, as published
    assert len(sample["basic"]["enumeration_date"]) == 10 and sample["basic"]["enumeration_date"][4] == "-"
    joined = [r["data"] for r in records if truth[r["data"]["number"]].get("secondary_city")]
    assert joined and all(d["practiceLocations"][0]["city"] == "AUSTIN" for d in joined)
    former = [r["data"] for r in records if truth[r["data"]["number"]]["former_last_name"] and r["data"]["number"] != crawled["moved"]]
    assert former and all(d["other_names"][0]["type"] == "Former Name" for d in former)


def test_a_recrawl_revalidates_the_zips_instead_of_downloading_them_again(crawled: dict) -> None:
    assert crawled["revalidated"] == 2  # the monthly and the weekly answered 304
    again = [json.loads(line) for line in open(crawled["work"] / "raw/nppes_bulk.jsonl", encoding="utf-8")]
    assert [r["data"] for r in again] == [r["data"] for r in crawled["records"]]


def test_bulk_records_index_like_the_api_spiders(crawled: dict, vocab) -> None:
    backend = SQLiteBackend(crawled["work"] / "index.db", vocab)
    report = run_index(crawled["work"] / "raw", backend, today=TODAY)
    assert report.quarantined == 0 and report.listings == len(crawled["truth"].massage) - 1  # the deactivated one is out
    client = TestClient(create_app(backend=backend, vocab=vocab, today=TODAY))
    body = client.get("/search", params={"near": "78701", "radius_km": 5, "license_status": "any", "limit": 50}).json()
    moved = next(r for r in body["results"] if r["npi"] == crawled["moved"])
    assert moved["name"] == "Mara Moved" and moved["location"]["postal_code"] == "78701"
    page = client.get(f"/therapists/{moved['id']}").json()
    assert page["sources"][0]["kind"] == "nppes" and page["sources"][0]["source"] == "nppes_bulk"
    npis = {backend.get(i).npi for i in backend.all_ids()}  # type: ignore[union-attr]
    assert crawled["gone"] not in npis
