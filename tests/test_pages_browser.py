"""The pages in a real headless Chromium (Debian's, driven by Playwright), against the real app under
uvicorn on 127.0.0.1 over an index of the crawled sample sources.

`make test` installs Chromium with apt-get where the machine allows; where it is missing these tests
skip, saying so. Playwright never downloads a browser: it is pointed at the installed one. axe-core
(the copy bundled by axe-playwright-python, nothing from a CDN) checks accessibility in the page.
Screenshots land in test-artefacts/pages/.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.cli_helpers import ROOT
from tests.pages_site import HOSTILE_LICENCE, Site, admin_token, build_site, serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = ROOT / "test-artefacts" / "pages"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed here (make test installs it with apt-get where the machine allows)",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, vocab) -> Site:
    return build_site(tmp_path_factory.mktemp("browser"), vocab)


@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    with serve(site.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


class Console:
    """What the page reported: errors and Content-Security-Policy violations, which must stay empty."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def record(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console = Console()
    page.on("console", console.record)
    page.on("pageerror", lambda exc: console.errors.append(str(exc)))
    page.console = console  # type: ignore[attr-defined]
    yield page
    context.close()
    assert console.errors == []


def screenshot(page: Page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def search(page: Page, base_url: str, text: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("What hurts, and where?").fill(text)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()


def test_a_misspelt_search_is_corrected_and_answered(page: Page, base_url: str) -> None:
    search(page, base_url, "sciattica near Austin, TX")
    assert "Showing results for Sciatica" in page.locator(".did-you-mean").inner_text()
    assert "sciattica" in page.locator(".did-you-mean").inner_text()
    results = page.locator("li.result")
    assert results.count() > 0
    assert "therapists found" in page.get_by_role("heading", level=2, name="therapists found").inner_text()
    first = results.first
    assert "Verified with the state board" in first.locator(".badges").inner_text()
    assert "Lists sciatica as a specialty" in first.locator(".why").inner_text()
    screenshot(page, "search-typo-corrected")
    assert serious_violations(page) == []


def test_a_facet_filters_the_results(page: Page, base_url: str) -> None:
    search(page, base_url, "sciatica near Austin, TX")
    before = page.locator("li.result").count()
    facet = page.get_by_role("navigation", name="Filter the results").get_by_role("link", name="Neuromuscular therapy")
    expected = int(facet.locator(".count").inner_text().strip("()"))
    assert expected < before
    facet.click()
    page.wait_for_load_state()
    assert "modality=Neuromuscular+therapy" in page.url
    assert page.locator("li.result").count() == expected
    selected = page.locator(".facets a[aria-current=true]")
    assert "Neuromuscular therapy" in selected.inner_text()
    screenshot(page, "search-facet-neuromuscular")
    selected.click()  # following a selected facet removes it
    page.wait_for_load_state()
    assert page.locator("li.result").count() == before


def test_opening_a_therapist_page_from_the_results(page: Page, base_url: str) -> None:
    search(page, base_url, "deep tissue for sciatica near Austin, TX")
    first = page.locator("li.result h3 a").first
    name = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    licences = page.get_by_role("region", name="Licences").inner_text()
    assert "Verified with the state board" in licences and "last seen" in licences
    assert page.get_by_role("link", name="Claim, correct or remove this listing").is_visible()
    screenshot(page, "therapist-page")
    assert serious_violations(page) == []


def test_script_in_a_crawled_name_and_bio_never_runs(page: Page, base_url: str) -> None:
    search(page, base_url, "sciatica near Orlando, FL")
    page.goto(page.url + "&license_status=any")
    hostile = page.locator("li.result", has_text=HOSTILE_LICENCE)
    assert "<script>" in hostile.locator("h3").inner_text()  # shown as text
    hostile.locator("h3 a").click()
    page.wait_for_load_state()
    assert "<script>" in page.get_by_role("heading", level=1).inner_text()
    bio = page.locator(".bio").inner_text()
    assert "<script>window.__pwned=3</script>" in bio and "onerror=" in bio
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("main img, main script").count() == 0
    assert "Status unknown" in page.get_by_role("region", name="Licences").inner_text()  # a claimed licence is not verified
    screenshot(page, "therapist-hostile-text-escaped")


def test_the_search_page_works_at_phone_width_and_by_keyboard(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(base_url + "/?q=migraine+pregnant+near+Houston%2C+TX")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
        advisory = page.get_by_role("complementary", name="Before you book")
        assert "pregnant" in advisory.inner_text()
        assert advisory.bounding_box()["y"] < page.locator("section.results").bounding_box()["y"]  # type: ignore[index]
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        focused_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert focused_outline != "none"  # focus is visible
        screenshot(page, "search-phone-width-advisory")
        assert serious_violations(page) == []
        page.locator("li.result h3 a").first.click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the sources table scrolls in its own box
        screenshot(page, "therapist-phone-width")
    finally:
        context.close()


def test_a_physician_makes_a_referral_list_and_downloads_it(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name="For physicians: referral list").click()
    page.get_by_label("ICD-10 code").fill("M54.3")
    page.get_by_label("Clinic's ZIP code or city").fill("78704")
    page.get_by_role("button", name="Make the list").click()
    page.wait_for_load_state()
    names = [n.strip() for n in page.locator(".referral li.result h3 a").all_inner_texts()]
    assert names and "Cite as: Therapist directory referral list" in page.locator(".citation").inner_text()
    assert page.get_by_role("button", name="Print this list").is_visible()  # the script ran under the CSP
    screenshot(page, "referral-list")
    assert serious_violations(page) == []
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert csv_text.startswith("list_id,rank,listing_id,name")
    assert [row["name"] for row in csv.DictReader(io.StringIO(csv_text))] == names
    with page.expect_download() as vcf_download:
        page.get_by_role("link", name="Download vCards").click()
    vcards = Path(vcf_download.value.path()).read_text(encoding="utf-8")
    assert vcards.count("BEGIN:VCARD") == len(names) and vcf_download.value.suggested_filename.endswith(".vcf")
    page.emulate_media(media="print")
    assert not page.locator("form.search").is_visible()  # the printed list is the list alone
    screenshot(page, "referral-list-print")


def test_the_condition_box_suggests_from_the_vocabulary_and_the_location_comes_on_request(browser: Browser, base_url: str) -> None:
    context = browser.new_context(geolocation={"latitude": 30.2672, "longitude": -97.7431}, permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(base_url + "/")
        box = page.get_by_label("Condition (optional)")
        with page.expect_response(lambda r: "/vocabulary/conditions?prefix=" in r.url):
            box.press_sequentially("sciat")
        # Polled from Python: wait_for_function with a string may be evaluated with eval, which the page's CSP forbids.
        options: list[str] = []
        for _ in range(100):
            options = page.locator("#condition-names option").evaluate_all("os => os.map(o => o.value)")
            if options and all(o.lower().startswith("sciat") for o in options):
                break
            page.wait_for_timeout(100)
        assert "Sciatica" in options and all(o.lower().startswith("sciat") or o == "Sciatica" for o in options)
        assert page.get_by_label("ZIP code or city").input_value() == ""  # nothing sent until asked
        page.get_by_role("button", name="Use my location").click()
        expect(page.get_by_label("ZIP code or city")).to_have_value("30.2672,-97.7431")
        box.fill("Sciatica")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
        assert "therapists found" in page.locator("#results-title").inner_text()
        assert "Austin, TX" in page.locator("li.result").first.inner_text()
    finally:
        context.close()


def test_an_admin_signs_in_and_a_hidden_listing_leaves_search(page: Page, base_url: str, site: Site) -> None:
    token = admin_token(site, "browser-admin")
    search(page, base_url, "carpal tunnel 33139")
    target = page.locator("li.result h3 a").first
    name, href = target.inner_text(), target.get_attribute("href") or ""
    listing_id = href.rsplit("/", 1)[1]
    page.get_by_role("link", name="Admin").click()
    assert "/manage/sign-in" in page.url
    page.get_by_label("Admin or editor token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Review queue"
    cookie = next(c for c in page.context.cookies() if c["name"] == "admin_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("admin_session") == -1  # scripts cannot read it
    screenshot(page, "admin-review-queue")
    assert serious_violations(page) == []
    page.get_by_label("Open a listing by id").fill(listing_id)
    page.get_by_role("button", name="Open").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == name
    page.get_by_label("Reason").first.fill("test listing, not a real practice")
    page.once("dialog", lambda dialog: dialog.accept())  # the static script asks before hiding
    page.get_by_role("button", name="Hide this listing").click()
    page.wait_for_load_state()
    assert "Hidden: the listing has left search" in page.get_by_role("status").inner_text()
    screenshot(page, "admin-listing-hidden")
    assert serious_violations(page) == []
    search(page, base_url, "carpal tunnel 33139")
    assert name not in page.locator("main").inner_text()
    page.goto(base_url + "/manage/audit")
    assert "test listing, not a real practice" in page.locator("table").inner_text()
    screenshot(page, "admin-audit-log")
    assert serious_violations(page) == []


def test_the_claim_form_sends_a_request_to_the_review_queue(page: Page, base_url: str, site: Site) -> None:
    search(page, base_url, "migraine near Houston, TX")
    page.locator("li.result h3 a").first.click()
    page.get_by_role("link", name="Claim, correct or remove this listing").click()
    page.get_by_label("Something here is wrong").check()
    page.get_by_label("Field").select_option("phone")
    page.get_by_label("The right value").fill("713-555-0101")
    page.get_by_label("Your name").fill("A. Therapist")
    page.get_by_label("Your email").fill("therapist@example.org")
    page.get_by_label("Evidence").fill("We moved to a new number in October.")
    screenshot(page, "claim-form")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    assert "Request received" in page.get_by_role("status").inner_text()
    pending = [r for r in site.app.state.curation.requests("pending") if r.contact["email"] == "therapist@example.org"]
    assert len(pending) == 1 and pending[0].changes == {"phone": "713-555-0101"}
    assert any(i.kind == "request" and i.detail.get("request") == pending[0].id for i in site.app.state.curation.review(status="open"))
