"""Admins' decisions survive re-crawls, end to end: the bundled sample sources served on 127.0.0.1,
crawled and indexed by the `therapists` command (child processes), the curation store on SQLite
(its default place beside the index) and on PostgreSQL, decisions made through the API between a
crawl → index and the next crawl → index."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directory.backends.sqlite import SQLiteBackend
from directory.curation.store import CurationStore, default_url
from directory.settings import Settings
from search_api.app import create_app
from tests.cli_helpers import therapists
from tests.conftest import TODAY
from tests.curation_fixtures import STORES
from therapists.demo import write_demo_sources
from therapists.mirror import MirrorServer


@dataclass(frozen=True)
class Crawls:
    first: Path  # sources.toml, raw/ of a first crawl, and therapists.db indexed from it (its curation store beside)
    second: Path  # raw/ of a second crawl of the same sources


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Crawls:
    """Both crawls and the first index, once per module: no admin decision reaches a crawl, and
    the first index precedes every decision, so each test copies them instead of repeating them."""
    first, second = tmp_path_factory.mktemp("first-crawl"), tmp_path_factory.mktemp("second-crawl")
    with MirrorServer() as mirror:
        config = write_demo_sources(mirror.base_url, first / "sources.toml")
        crawl(config, first / "raw")
        crawl(config, second / "raw")
    index(first, {})
    return Crawls(first, second)


def crawl(config: Path, out: Path) -> None:
    result = therapists("crawl", "--config", str(config), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]


def index(work: Path, env: dict[str, str]) -> str:
    result = therapists("index", "--from", str(work / "raw"), "--db", str(work / "therapists.db"), env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def ids_in_every_search(client: TestClient, name: str) -> set[str]:
    found: set[str] = set()
    for params in (
        {"q": name},
        {"near": "Austin, TX", "radius_km": 500, "license_status": "any", "limit": 100},
        {"license_status": "any", "limit": 100},
    ):
        found |= {r["id"] for r in client.get("/search", params=params).json()["results"]}
    return found


@STORES
def test_overrides_and_an_approved_removal_survive_crawl_index_crawl_index(
    crawls: Crawls, tmp_path: Path, curation_url: str, vocab
) -> None:
    work = tmp_path / "work"
    shutil.copytree(crawls.first, work)  # crawl → index (by the CLI, the default store beside the index)
    db = work / "therapists.db"
    env = {} if curation_url.startswith("sqlite") else {"THERAPISTS_DATABASE_URL": curation_url}
    store = CurationStore(default_url(db) if not env else curation_url)  # the CLI's default, or the URL it was given
    client = TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY, curation=store))
    everyone = client.get("/search", params={"license_status": "any", "limit": 100}).json()["results"]
    hidden, corrected, leaving = everyone[0], everyone[1], everyone[2]
    _, token = store.create_user("curator", "editor", "test")
    auth = {"Authorization": f"Bearer {token}"}

    assert client.post(f"/admin/listings/{hidden['id']}/hide", headers=auth, json={"reason": "test: hide"}).status_code == 201
    fixed = client.post(
        f"/admin/listings/{corrected['id']}/corrections",
        headers=auth,
        json={"field": "name", "value": "Corrected Name", "reason": "their ID card"},
    )
    assert fixed.status_code == 201
    asked = client.post(
        f"/therapists/{leaving['id']}/requests",
        json={
            "kind": "remove",
            "contact": {"name": leaving["name"], "email": "me@example.org"},
            "evidence": "I never agreed to be listed.",
        },
    )
    assert asked.status_code == 202
    (item,) = client.get("/admin/review", headers=auth, params={"kind": "request"}).json()
    approved = client.post(f"/admin/review/{item['id']}/resolve", headers=auth, json={"action": "accept", "reason": "verified by phone"})
    assert approved.status_code == 200 and approved.json()["overrides"][0]["record_keys"]
    # At once, before any rebuild.
    assert client.get(f"/therapists/{leaving['id']}").status_code == 410
    assert leaving["id"] not in ids_in_every_search(client, leaving["name"])

    # crawl → index again: nothing a re-crawl brings undoes a decision.
    shutil.rmtree(work / "raw")
    shutil.copytree(crawls.second / "raw", work / "raw")  # the second crawl's files replace the first's
    summary = index(work, env)
    assert "1 hidden by admins" in summary and "0 overrides whose listing is gone" in summary
    served = SQLiteBackend(db, vocab)  # the index itself, without the serving layer's overrides
    assert served.get(hidden["id"]) is None and served.get(leaving["id"]) is None
    baked = served.get(corrected["id"])
    assert baked is not None and baked.name == "Corrected Name"
    assert [(c.field, c.published) for c in baked.corrections] == [("name", corrected["name"])]
    assert client.get(f"/therapists/{hidden['id']}").status_code == 404
    gone = client.get(f"/therapists/{leaving['id']}")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "gone"
    assert client.get(f"/therapists/{corrected['id']}").json()["name"] == "Corrected Name"
    # Out of the index itself, so out of every search: the API's, the CLI's, any backend's.
    assert leaving["id"] not in ids_in_every_search(client, leaving["name"]) and hidden["id"] not in ids_in_every_search(
        client, hidden["name"]
    )
    assert leaving["id"] not in served.all_ids()
    store.close()
