"""Each spider with the real Scrapy engine (the `therapists crawl` CLI in a child process) against
a real HTTP server on 127.0.0.1 serving fixture responses. The server logs every request, so tests
can assert what the crawler fetched — and what it never did."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC
from pathlib import Path

import pytest
import zipcodes

from crawler.retry import retry_after_seconds
from crawler.spiders.license_csv import sniff_encoding
from tests.cli_helpers import therapists
from therapists.demo import write_demo_sources
from therapists.mirror import Fault, MirrorServer

BOARD_HEADER = "LIC NO,NAME,STATUS,ISSUED,EXPIRES,CITY,ZIP"


def crawl(mirror: MirrorServer, out: Path, sources: str, *extra: str) -> dict:
    config = out.parent / f"{out.name}.toml"
    config.write_text(sources.replace("{base}", mirror.base_url), encoding="utf-8")
    result = therapists("crawl", "--config", str(config), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return {s["source"]: s for s in json.loads((out / "crawl_summary.json").read_text())["sources"]}


def records(out: Path, source: str) -> list[dict]:
    return [json.loads(line) for line in open(out / f"{source}.jsonl", encoding="utf-8")]


def quarantined(out: Path) -> list[dict]:
    return [json.loads(line) for line in open(out / "quarantine.jsonl", encoding="utf-8")]


BOARD_SOURCE = """
[[source]]
name = "board"
kind = "license_csv"
url = "{base}/boards/%s"
state = "TX"
date_format = "%%m/%%d/%%Y"
download_delay = 0
[source.columns]
license_number = "LIC NO"
full_name = "NAME"
status = "STATUS"
issued_on = "ISSUED"
expires_on = "EXPIRES"
city = "CITY"
postal_code = "ZIP"
"""


def board_bytes() -> bytes:
    rows = [
        BOARD_HEADER,
        'MT000101,"PEÑA, JOSÉ",ACTIVE,01/15/2010,03/31/2027,AUSTIN,78704',
        'MT000102,"O\'NEIL, KATE",ACTIVE,06/01/2015,03/31/2027,AUSTIN,78745',
        ',"NOBODY, NO NUMBER",ACTIVE,01/01/2020,01/01/2027,AUSTIN,78704',
        'MT000104,"BAD, DATE",ACTIVE,02/30/2019,01/01/2027,AUSTIN,78704',
        'MT000105,"SHORT, ROW",ACTIVE',
        'MT000106,"ZOË, ALBA",EXPIRED,01/01/2001,01/01/2020,DALLAS,75201',
    ]
    # A UTF-8 BOM in front of cp1252 bytes: what a spreadsheet export on Windows produces.
    return b"\xef\xbb\xbf" + "\r\n".join(rows).encode("cp1252") + b"\r\n"


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    (root / "boards").mkdir(parents=True)
    (root / "boards" / "licensees.csv").write_bytes(board_bytes())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("README.txt", "about this file")
        zf.writestr("licensees.csv", board_bytes())
    (root / "boards" / "licensees.zip").write_bytes(archive.getvalue())
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    return root


def test_a_board_file_with_bom_cp1252_and_bad_rows_loads_the_good_rows(site_root: Path, tmp_path: Path) -> None:
    with MirrorServer(site_root) as mirror:
        summary = crawl(mirror, tmp_path / "out", BOARD_SOURCE % "licensees.csv")
    rows = records(tmp_path / "out", "board")
    assert [r["data"]["full_name"] for r in rows] == ["PEÑA, JOSÉ", "O'NEIL, KATE", "ZOË, ALBA"]
    assert rows[0]["data"]["row_number"] == "2" and rows[0]["context"]["date_format"] == "%m/%d/%Y"
    reasons = {q["row_number"]: q["reason"] for q in quarantined(tmp_path / "out")}
    assert reasons == {
        4: "missing licence number",
        5: "impossible date '02/30/2019' in issued_on (expected %m/%d/%Y)",
        6: "expected 7 columns, found 3",
    }
    assert summary["board"]["items"] == 3 and summary["board"]["quarantined"] == 3


def test_a_zipped_download_is_unpacked(site_root: Path, tmp_path: Path) -> None:
    with MirrorServer(site_root) as mirror:
        crawl(mirror, tmp_path / "out", BOARD_SOURCE % "licensees.zip")
    assert len(records(tmp_path / "out", "board")) == 3


def test_503_with_retry_after_and_429_are_retried_and_recovered(site_root: Path, tmp_path: Path) -> None:
    with MirrorServer(site_root) as mirror:
        mirror.fail_next("/boards/licensees.csv", Fault(503, {"Retry-After": "1"}, b"maintenance"))
        mirror.fail_next("/boards/licensees.csv", Fault(429, {"Retry-After": "0"}, b"slow down"))
        summary = crawl(mirror, tmp_path / "out", BOARD_SOURCE % "licensees.csv")
        times = [t for t, path in zip(mirror.request_times, mirror.requests, strict=True) if path == "/boards/licensees.csv"]
    assert len(times) == 3  # 503, 429, then the file
    assert times[1] - times[0] >= 0.9  # it waited as Retry-After asked
    assert summary["board"]["items"] == 3 and summary["board"]["unreachable"] is None


def test_a_source_that_keeps_failing_is_reported_unreachable(site_root: Path, tmp_path: Path) -> None:
    with MirrorServer(site_root) as mirror:
        mirror.fail_next("/boards/licensees.csv", Fault(500), times=10)
        config = tmp_path / "s.toml"
        config.write_text((BOARD_SOURCE % "licensees.csv").replace("{base}", mirror.base_url))
        result = therapists("crawl", "--config", str(config), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "source 'board' unreachable: HTTP 500" in result.stderr.strip().splitlines()[-1]


def test_robots_disallowed_pages_are_never_requested(tmp_path: Path) -> None:
    root = tmp_path / "www"
    (root / "private").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{base}/team.html</loc></url><url><loc>{base}/private/notes.html</loc></url></urlset>"
    )
    person = '{"@context": "https://schema.org", "@type": "Person", "name": "Ana Ruiz, LMT", "knowsAbout": ["Sciatica"]}'
    (root / "team.html").write_text(f'<html><head><script type="application/ld+json">{person}</script></head><body>Ana</body></html>')
    (root / "private" / "notes.html").write_text(f'<html><head><script type="application/ld+json">{person}</script></head></html>')
    source = '[[source]]\nname = "site"\nkind = "profile_site"\nurl = "{base}/sitemap.xml"\ndownload_delay = 0\n'
    with MirrorServer(root) as mirror:
        summary = crawl(mirror, tmp_path / "out", source)
        requested = list(mirror.requests)
    assert "/robots.txt" in requested and "/team.html" in requested
    assert not [path for path in requested if path.startswith("/private/")]
    assert summary["site"]["robots_denied"] == 1
    assert [r["data"]["jsonld"][0]["name"] for r in records(tmp_path / "out", "site")] == ["Ana Ruiz, LMT"]


def test_pages_over_the_size_limit_are_skipped_with_a_reason(tmp_path: Path) -> None:
    root = tmp_path / "www"
    root.mkdir()
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/big.html</loc></url></urlset>'
    )
    (root / "big.html").write_text("<html><body>" + "x" * 5000 + "</body></html>")
    source = '[[source]]\nname = "site"\nkind = "profile_site"\nurl = "{base}/sitemap.xml"\nmax_page_bytes = 1000\ndownload_delay = 0\n'
    with MirrorServer(root) as mirror:
        crawl(mirror, tmp_path / "out", source)
    assert records(tmp_path / "out", "site") == []
    assert "over the 1000-byte limit" in quarantined(tmp_path / "out")[0]["reason"]


def _nppes_records(count: int) -> list[dict]:
    tx_zips = [z["zip_code"] for z in zipcodes.filter_by(state="TX") if z["zip_code_type"] == "STANDARD"]
    out = []
    for i in range(count):
        out.append(
            {
                "number": str(1000000000 + i),
                "enumeration_type": "NPI-1",
                "basic": {"first_name": f"PERSON{i}", "last_name": "TEST", "enumeration_date": "2015-01-01"},
                "addresses": [
                    {"address_purpose": "MAILING", "state": "TX", "postal_code": "787010000", "city": "AUSTIN"},
                    {"address_purpose": "LOCATION", "state": "TX", "postal_code": tx_zips[(i * 7919) % len(tx_zips)] + "0000", "city": "X"},
                ],
                "taxonomies": [
                    {"code": "225700000X", "desc": "Massage Therapist", "state": "TX", "license": f"MT{i:06d}", "primary": True}
                ],
            }
        )
    return out


def test_nppes_queries_beyond_the_paging_limit_are_partitioned_by_zip(tmp_path: Path) -> None:
    root = tmp_path / "www"
    root.mkdir()
    people = _nppes_records(1350)
    source = (
        '[[source]]\nname = "npi"\nkind = "nppes"\nurl = "{base}/nppes/api/"\n'
        'taxonomy_description = "Massage Therapist"\nstates = ["TX"]\ndownload_delay = 0\nconcurrent_requests = 8\n'
    )
    with MirrorServer(root, nppes_records=people) as mirror:
        summary = crawl(mirror, tmp_path / "out", source)
        requested = list(mirror.requests)
    numbers = [r["data"]["number"] for r in records(tmp_path / "out", "npi")]
    assert len(numbers) == len(set(numbers)) == 1350
    assert any("postal_code=77%2A" in path or "postal_code=77*" in path for path in requested)
    assert not [path for path in requested if "skip=1200" in path]  # never asks past the API's limit
    assert summary["npi"]["quarantined"] == 0


def test_an_interrupted_crawl_resumes_without_refetching_or_duplicating(tmp_path: Path) -> None:
    with MirrorServer() as mirror:
        config = write_demo_sources(mirror.base_url, tmp_path / "sources.toml")
        out = tmp_path / "out"
        first = therapists("crawl", "--config", str(config), "--out", str(out), "--stop-after-pages", "10")
        assert first.returncode == 0 and "INCOMPLETE" in first.stdout
        assert not (out / "practice_sites.jsonl").exists()  # nothing half-done is published
        second = therapists("crawl", "--config", str(config), "--out", str(out), "--resume")
        assert second.returncode == 0 and "INCOMPLETE" not in second.stdout
        team_pages = [p for p in mirror.requests if "/team/" in p]
    pages = records(out, "practice_sites")
    assert len(pages) == 45 and len({p["url"] for p in pages}) == 45
    assert len(team_pages) == len(set(team_pages))  # each page fetched once across both runs


def test_a_re_crawl_revalidates_instead_of_downloading_again(tmp_path: Path) -> None:
    with MirrorServer() as mirror:
        config = write_demo_sources(mirror.base_url, tmp_path / "sources.toml")
        for _ in range(2):
            result = therapists("crawl", "--config", str(config), "--out", str(tmp_path / "out"))
            assert result.returncode == 0
        revalidated = mirror.not_modified
    assert revalidated >= 60  # every static page answered 304 the second time
    assert len(records(tmp_path / "out", "practice_sites")) == 45


@pytest.mark.parametrize(("header", "seconds"), [("120", 120.0), ("0", 0.0), (b"7", 7.0), ("soon", None), (None, None)])
def test_retry_after_values(header, seconds) -> None:
    assert retry_after_seconds(header) == seconds


def test_retry_after_http_date() -> None:
    from datetime import datetime

    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Mon, 23 Nov 2026 12:00:30 GMT", now) == 30.0


def test_decoding_falls_back_by_encoding(tmp_path: Path) -> None:
    def sniffed(body: bytes) -> tuple[str, int]:
        (tmp_path / "file").write_bytes(body)
        return sniff_encoding(tmp_path / "file")

    assert sniffed("Peña".encode()) == ("utf-8", 0)
    assert sniffed(b"\xef\xbb\xbf" + "Peña".encode("cp1252")) == ("cp1252+bom", 3)
    assert sniffed("Peña".encode("utf-16")) == ("utf-16", 0)
    assert sniffed(b"\x81\x8d Pe\xf1a") == ("latin-1", 0)
