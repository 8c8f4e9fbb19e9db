"""The pages over HTTP, without a browser: they agree with the API, escape crawled text, send a
Content-Security-Policy, and say what went wrong in the page's own words.

The same site the browser tests use (tests/pages_site.py): the sample sources crawled and indexed,
plus one hostile practice page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tests.pages_site import HOSTILE_LICENCE, Site, build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, vocab) -> Site:
    return build_site(tmp_path_factory.mktemp("pages"), vocab)


@pytest.fixture(scope="module")
def client(site: Site) -> TestClient:
    return TestClient(site.app)


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def _hostile_id(client: TestClient) -> str:
    body = client.get("/search", params={"q": "sciatica near Orlando, FL", "license_status": "any", "limit": 50}).json()
    return next(r["id"] for r in body["results"] if r["licenses"] and r["licenses"][0]["number"] == HOSTILE_LICENCE)


def test_the_search_page_lists_what_the_api_returns_in_its_order(client: TestClient) -> None:
    params = {"q": "deep tissue for sciatica near Austin, TX"}
    api = client.get("/search", params={**params, "limit": 10}).json()
    page = client.get("/", params=params)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    shown = re.findall(r'<h3 id="name-(t_[0-9a-f]+)">', page.text)
    assert shown == [r["id"] for r in api["results"]] and shown
    assert f"{api['total']} therapists found" in page.text
    text = " ".join(_parse(page.text).text)
    for line in api["results"][0]["why"]:  # why lines quote the source's own words
        assert line in text


def test_every_page_forbids_inline_scripts_and_loads_scripts_from_static_only(client: TestClient, site: Site) -> None:
    therapist = client.get("/search", params={"q": "sciatica near Austin, TX"}).json()["results"][0]["id"]
    for path in ("/", "/?q=sciatica+near+Austin%2C+TX", f"/therapist/{therapist}", "/?condition=nonsense"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'self'" in policy, path
        scripts = [attrs for tag, attrs in _parse(response.text).tags if tag == "script"]
        assert scripts and all(attrs.get("src", "").startswith("/static/") for attrs in scripts), path
        assert not re.search(r"<script(?![^>]*\ssrc=)", response.text), path  # no inline script at all
        assert not re.search(r"\son[a-z]+=", response.text), path  # no inline event handlers
    assert client.get("/static/pages.js").status_code == 200
    assert client.get("/static/pages.css").headers["content-type"].startswith("text/css")


def test_crawled_text_with_script_and_onerror_is_escaped_on_every_page(client: TestClient) -> None:
    hostile = _hostile_id(client)
    listing = client.get(f"/therapists/{hostile}").json()
    assert "<script>" in listing["name"] and "onerror=" in listing["name"]  # the API gives it as published
    assert "<script>" in listing["bio"] and "onerror=" in listing["bio"]
    for path in (f"/therapist/{hostile}", "/?q=sciatica+near+Orlando%2C+FL&license_status=any"):
        html = client.get(path).text
        parsed = _parse(html)
        assert not [tag for tag, attrs in parsed.tags if tag == "img" or any(k.startswith("on") for k in attrs)], path
        assert [attrs.get("src") for tag, attrs in parsed.tags if tag == "script"] == ["/static/pages.js"], path
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html, path
        assert "<script>window" not in html and "<img src=x" not in html, path
    page = client.get(f"/therapist/{hostile}").text
    assert "&lt;img src=x onerror=window.__pwned=4&gt;" in page  # the bio, shown as published


def test_the_therapist_page_shows_each_fact_with_its_source_and_last_seen_date(client: TestClient) -> None:
    result = client.get("/search", params={"q": "deep tissue for sciatica near Austin, TX"}).json()["results"][0]
    detail = client.get(f"/therapists/{result['id']}").json()
    page = client.get(f"/therapist/{result['id']}")
    assert page.status_code == 200
    text = " ".join(" ".join(_parse(page.text).text).split())
    lic = detail["licenses"][0]
    assert lic["source"] and f"Source: {lic['source']}, last seen {detail['last_seen']}" in text
    assert "Verified with the state board" in text and lic["number"] in text
    assert detail["phone"] == "+15125550134" and "(512) 555-0134" in text and detail["address"] in text
    quote = next(e for e in detail["evidence"] if e["kind"] == "condition")
    assert quote["text"] in text and quote["source"] in text
    for source in detail["sources"]:
        assert source["url"] in text
    assert "Claim, correct or remove this listing" in text


def test_a_licence_never_reads_as_verified_unless_the_board_says_so(client: TestClient) -> None:
    body = client.get("/search", params={"q": "sciatica near Orlando, FL", "license_status": "any", "limit": 50}).json()
    page = client.get("/", params={"q": "sciatica near Orlando, FL", "license_status": "any"}).text
    articles = re.split(r'<li class="result">', page)[1:]
    assert len(articles) == min(10, len(body["results"]))
    for result, html in zip(body["results"], articles, strict=False):
        verified = any(lic["verified"] for lic in result["licenses"])
        assert ("Verified with the state board" in html) == verified, result["name"]
        if any(lic["status"] == "probation" for lic in result["licenses"]):
            assert "Restricted: on probation" in html


def test_a_bad_parameter_shows_an_error_that_says_what_to_do(client: TestClient) -> None:
    page = client.get("/", params={"condition": "carpel tunel syndrom zz"})
    assert page.status_code == 422
    assert 'role="alert"' in page.text and "<strong>condition</strong>" in page.text
    page = client.get("/", params={"q": "sciatica", "radius_km": "far"})
    assert page.status_code == 422 and "radius_km" in page.text and "must be a number" in page.text
    page = client.get("/", params={"q": "sciatica near 78704", "radius_km": "900"})
    assert page.status_code == 422 and "at most 500" in page.text


def test_an_empty_result_offers_the_next_steps(client: TestClient) -> None:
    page = client.get("/", params={"q": "fibromyalgia near 99501"})  # Anchorage: no sample therapist there
    assert page.status_code == 200 and "0 therapists found" in page.text
    assert "Search a wider area" in page.text and "Include therapists whose licence has lapsed" in page.text


def test_an_unknown_therapist_is_a_page_not_json(client: TestClient) -> None:
    page = client.get("/therapist/t_000000000000")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Search the directory" in page.text


def test_every_page_path_is_in_the_readme() -> None:
    from search_api import admin_pages, claim_pages, pages, referral_pages
    from tests.cli_helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    routers = (pages.router, referral_pages.router, claim_pages.router, admin_pages.router)
    paths = {re.sub(r"\{[^}]+\}", "{id}", route.path) for router in routers for route in router.routes if hasattr(route, "path")}
    paths.discard("/manage/listings/{id}/{id}")  # the listing page's forms post to /manage/listings/{id}/<action>
    paths.discard("/manage/review/{id}/resolve")  # the queue's decide buttons
    paths.discard("/manage/open")  # the queue's open-by-id box
    assert {"/", "/therapist/{id}", "/refer", "/manage"} <= paths
    assert sorted(p for p in paths if f"`{p}`" not in readme) == []


def test_pages_follow_the_api_cursor(client: TestClient) -> None:
    params = {"near": "Houston, TX", "radius_km": "500"}
    first = client.get("/search", params={**params, "limit": 10}).json()
    assert first["next_cursor"] and first["total"] > 10
    second = client.get("/search", params={**params, "limit": 10, "cursor": first["next_cursor"]}).json()
    page = client.get("/", params=params).text
    next_link = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', page)
    assert next_link
    page2 = client.get(next_link.group(1).replace("&amp;", "&")).text
    assert re.findall(r'<h3 id="name-(t_[0-9a-f]+)">', page2) == [r["id"] for r in second["results"]]
    assert "First page" in page2


def test_the_referral_page_shows_and_links_the_list_the_api_stores(client: TestClient) -> None:
    page = client.get("/refer", params={"icd10": "M54.3", "near": "78704"})
    assert page.status_code == 200
    list_id = re.search(r"/referrals/(ref_[0-9a-f]+)\?format=csv", page.text).group(1)  # type: ignore[union-attr]
    stored = client.get(f"/referrals/{list_id}").json()
    assert stored["entries"] and re.findall(r'<h3 id="ref-(t_[0-9a-f]+)">', page.text) == [e["id"] for e in stored["entries"]]
    assert stored["citation"] in " ".join(_parse(page.text).text)
    assert f'href="/referrals/{list_id}?format=vcf"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    bad = client.get("/refer", params={"icd10": "Z99.9", "near": "78704"})
    assert bad.status_code == 422 and "<strong>icd10</strong>" in bad.text
    assert client.get("/refer").status_code == 200  # the empty form
