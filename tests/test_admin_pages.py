"""The admins' pages and the public claim form over HTTP: the session cookie, CSRF on every form,
and decisions that take effect on search at once (through the same curation actions as /admin).

Its own site (tests/pages_site.py), since these tests hide listings.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from search_api import admin_pages, claim_pages
from tests.pages_site import Site, admin_token, build_site

CARPAL = {"q": "carpal tunnel 33139"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, vocab) -> Site:
    return build_site(tmp_path_factory.mktemp("admin-pages"), vocab)


@pytest.fixture(scope="module")
def token(site: Site) -> str:
    return admin_token(site, "alice")


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, path
    return match.group(1)


def _signed_in(site: Site, token: str) -> TestClient:
    client = TestClient(site.app, base_url="http://127.0.0.1")
    csrf = _csrf(client, "/manage/sign-in")
    response = client.post("/manage/sign-in", data={"csrf_token": csrf, "token": token, "next": "/manage"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/manage"
    return client


def test_signing_in_keeps_the_token_in_an_httponly_samesite_cookie(site: Site, token: str) -> None:
    client = TestClient(site.app, base_url="http://127.0.0.1")
    assert client.get("/manage", follow_redirects=False).headers["location"].startswith("/manage/sign-in")
    csrf = _csrf(client, "/manage/sign-in")
    wrong = client.post("/manage/sign-in", data={"csrf_token": csrf, "token": "not-a-token", "next": "/manage"})
    assert wrong.status_code == 401 and "That token is not valid." in wrong.text
    assert "admin_session" not in client.cookies
    right = client.post(
        "/manage/sign-in", data={"csrf_token": csrf, "token": token, "next": "https://evil.example/"}, follow_redirects=False
    )
    assert right.headers["location"] == "/manage"  # never an open redirect
    cookie = next(v for k, v in right.headers.multi_items() if k == "set-cookie" and v.startswith("admin_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    queue = client.get("/manage")
    assert queue.status_code == 200 and "Signed in as <strong>alice</strong>" in queue.text
    assert token not in queue.text  # the token never comes back in a page
    csrf = _csrf(client, "/manage")
    client.post("/manage/sign-out", data={"csrf_token": csrf})
    assert client.get("/manage", follow_redirects=False).status_code == 303


def test_every_form_post_without_the_csrf_token_is_refused(site: Site, token: str) -> None:
    client = _signed_in(site, token)
    listing = client.get("/search", params=CARPAL).json()["results"][0]["id"]
    posts = [
        route.path
        for router in (admin_pages.router, claim_pages.router)
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    ]
    assert len(posts) >= 5
    for path in posts:
        url = path.replace("{listing_id}", listing).replace("{action}", "hide").replace("{item_id}", "1")
        for data in ({"reason": "csrf probe", "token": token}, {"reason": "csrf probe", "token": token, "csrf_token": "forged"}):
            response = client.post(url, data=data, follow_redirects=False)
            assert response.status_code == 403, (url, response.status_code)
    assert client.get("/search", params=CARPAL).json()["total"] >= 1  # nothing was hidden


def test_a_hide_from_the_listing_page_leaves_search_at_once_and_is_audited(site: Site, token: str) -> None:
    client = _signed_in(site, token)
    before = client.get("/search", params=CARPAL).json()
    target = before["results"][0]
    csrf = _csrf(client, f"/manage/listings/{target['id']}")
    response = client.post(
        f"/manage/listings/{target['id']}/hide", data={"csrf_token": csrf, "reason": "duplicate of a clinic page"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"].endswith("?done=hidden")
    assert target["id"] not in [r["id"] for r in client.get("/search", params=CARPAL).json()["results"]]
    assert f'id="name-{target["id"]}"' not in client.get("/", params=CARPAL).text
    assert client.get(f"/therapist/{target['id']}").status_code == 404
    page = client.get(f"/manage/listings/{target['id']}")
    assert "hidden</strong> from search" in page.text and "Unhide" in page.text
    audit = client.get("/manage/audit", params={"listing_id": target["id"]})
    assert "duplicate of a clinic page" in audit.text and "alice" in audit.text
    csv_text = client.get("/manage/audit.csv", params={"listing_id": target["id"]}).text
    assert csv_text.splitlines()[0].startswith("id,") and "duplicate of a clinic page" in csv_text
    again = client.post(f"/manage/listings/{target['id']}/hide", data={"csrf_token": csrf, "reason": "twice"})
    assert again.status_code == 409 and "hidden already" in again.text  # the API's own conflict, in the page
    unhide = client.post(f"/manage/listings/{target['id']}/unhide", data={"csrf_token": csrf, "reason": "was not a duplicate"})
    assert unhide.status_code == 200 and "Hide retired" in unhide.text


def test_a_claim_from_the_therapist_page_lands_in_the_review_queue(site: Site, token: str) -> None:
    public = TestClient(site.app, base_url="http://127.0.0.1")
    listing = public.get("/search", params={"q": "migraine near Houston, TX"}).json()["results"][0]
    assert f'href="/therapist/{listing["id"]}/claim"' in public.get(f"/therapist/{listing['id']}").text
    csrf = _csrf(public, f"/therapist/{listing['id']}/claim")
    bad = public.post(f"/therapist/{listing['id']}/claim", data={"csrf_token": csrf, "kind": "correct", "name": "Me", "email": "nope"})
    assert bad.status_code == 422 and "Your email" in bad.text and 'value="Me"' in bad.text  # what to fix, the form kept
    sent = public.post(
        f"/therapist/{listing['id']}/claim",
        data={
            "csrf_token": csrf,
            "kind": "correct",
            "change_field": "phone",
            "change_value": "713-555-0100",
            "name": "Mai Tran",
            "email": "mai@example.org",
            "evidence": "My practice moved; licence TX MT000000.<script>x</script>",
        },
    )
    assert sent.status_code == 200 and "Request received" in sent.text
    number = re.search(r"request number is <strong>(\d+)</strong>", sent.text).group(1)  # type: ignore[union-attr]
    admin = _signed_in(site, token)
    queue = admin.get("/manage").text
    assert "mai@example.org" in queue and "phone → 713-555-0100" in queue
    assert "&lt;script&gt;x&lt;/script&gt;" in queue and "<script>x" not in queue  # the public's text escaped for admins too
    chunk = next(part for part in queue.split('<li class="result">') if "mai@example.org" in part)
    item = re.search(r'action="/manage/review/(\d+)/resolve"', chunk)
    assert item and number
    csrf = _csrf(admin, "/manage")
    decided = admin.post(f"/manage/review/{item.group(1)}/resolve", data={"csrf_token": csrf, "action": "reject", "reason": "no proof"})
    assert decided.status_code == 200 and "Review item resolved." in decided.text and "mai@example.org" not in decided.text


def test_an_approved_removal_takes_the_therapist_page_away(site: Site, token: str) -> None:
    public = TestClient(site.app, base_url="http://127.0.0.1")
    listing = public.get("/search", params={"q": "fibromyalgia near Houston, TX", "radius_km": "100"}).json()["results"][-1]
    csrf = _csrf(public, f"/therapist/{listing['id']}/claim")
    form = {
        "csrf_token": csrf,
        "kind": "remove",
        "name": "Someone",
        "email": "someone@example.org",
        "evidence": "Please remove my listing.",
    }
    assert "Request received" in public.post(f"/therapist/{listing['id']}/claim", data=form).text
    admin = _signed_in(site, token)
    chunk = next(part for part in admin.get("/manage").text.split('<li class="result">') if "someone@example.org" in part)
    item = re.search(r'action="/manage/review/(\d+)/resolve"', chunk).group(1)  # type: ignore[union-attr]
    csrf = _csrf(admin, "/manage")
    admin.post(f"/manage/review/{item}/resolve", data={"csrf_token": csrf, "action": "accept", "reason": "asked by the therapist"})
    page = public.get(f"/therapist/{listing['id']}")
    assert page.status_code == 410 and page.headers["content-type"].startswith("text/html") and "asked to be removed" in page.text
    assert listing["id"] not in public.get("/", params={"q": "fibromyalgia near Houston, TX", "radius_km": "100"}).text
