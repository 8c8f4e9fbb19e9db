"""The site the page tests look at: the bundled sample sources crawled by the real Scrapy engine,
plus one hostile practice page, indexed into a temp SQLite file and served by the real app.

The hostile page is a copy of a real one whose name and bio carry a `<script>` and an `onerror=`, as a
compromised or careless practice website would publish them; it goes through the real indexer.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from directory.backends.sqlite import SQLiteBackend
from directory.settings import Settings
from directory.vocabulary import Vocabulary
from indexer.build import run_index
from search_api.app import create_app
from tests.cli_helpers import therapists
from tests.conftest import TODAY
from therapists.demo import write_demo_sources
from therapists.mirror import MirrorServer

HOSTILE_GIVEN = "Mallory<script>window.__pwned=1</script>"
HOSTILE_FAMILY = "Quill<img src=x onerror=window.__pwned=2>"
# The indexer strips tags from a bio, so the script arrives entity-encoded, as a page showing it as text publishes it.
HOSTILE_BIO = "Mallory treats sciatica. &lt;script&gt;window.__pwned=3&lt;/script&gt;&lt;img src=x onerror=window.__pwned=4&gt; Ask about <b>rates</b>."
HOSTILE_LICENCE = "MA999001"


@dataclass
class Site:
    db: Path
    raw_dir: Path
    app: FastAPI


def _hostile_profile(raw_dir: Path) -> None:
    """Append a practice page shaped like a real one, in Orlando, with script in its name and bio."""
    path = raw_dir / "practice_sites.jsonl"
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    first = next(p for p in pages if p["data"]["jsonld"] and p["data"]["jsonld"][0].get("@type") == "Person")
    record = copy.deepcopy(first)
    person = record["data"]["jsonld"][0]
    person.update(
        givenName=HOSTILE_GIVEN,
        familyName=HOSTILE_FAMILY,
        name=f"{HOSTILE_GIVEN} {HOSTILE_FAMILY} LMT",
        description=HOSTILE_BIO,
        email="mallory@example.invalid",
        telephone="407-555-0199",
        # Fixed here, not taken from the copied page: the crawl's order decides which page comes first.
        address={
            "@type": "PostalAddress",
            "streetAddress": "1 Test Way",
            "addressLocality": "Orlando",
            "addressRegion": "FL",
            "postalCode": "32801",
        },
        knowsAbout=["Sciatica", "Deep tissue massage"],
    )
    person.pop("geo", None)
    person["hasCredential"] = [c for c in person.get("hasCredential", []) if c.get("credentialCategory") != "license"]
    person["hasCredential"].append(
        {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "license",
            "identifier": HOSTILE_LICENCE,
            "name": "Florida Massage Therapist License",
        }
    )
    record["url"] = first["url"].rsplit("/", 1)[0] + "/mallory-quill.html"
    record["content_sha256"] = "0" * 64
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def build_site(work: Path, vocab: Vocabulary) -> Site:
    with MirrorServer() as mirror:
        config = write_demo_sources(mirror.base_url, work / "sources.toml")
        result = therapists("crawl", "--config", str(config), "--out", str(work / "raw"))
        assert result.returncode == 0, result.stderr[-3000:]
    _hostile_profile(work / "raw")
    db = work / "therapists.db"
    run_index(work / "raw", SQLiteBackend(db, vocab), today=TODAY)
    return Site(db, work / "raw", create_app(Settings(db=db), vocab=vocab, today=TODAY))


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app under uvicorn on a free 127.0.0.1 port, in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def admin_token(site: Site, name: str, role: str = "admin") -> str:
    """A new account in the site's curation store, and its token (shown once, as the CLI prints it)."""
    _, token = site.app.state.curation.create_user(name, role, "tests")
    return token
