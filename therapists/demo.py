"""`therapists demo`: the whole path on the bundled sample sources, on this machine only.

1. serve the sample sources (a local mirror of real-shaped data) on 127.0.0.1;
2. crawl them with the real Scrapy engine (in a child process: Scrapy's reactor runs once per process);
3. index the raw files into a SQLite file;
4. start the web pages and the API, and print example searches with what they return.

The page address is printed first, so it is the first thing a person sees.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from directory.backends.sqlite import SQLiteBackend
from directory.errors import DirectoryError, SourceUnreachable
from directory.search_service import SearchParams, build_query
from directory.settings import get_settings
from directory.vocabulary import get_vocabulary
from indexer.build import run_index
from therapists.mirror import MirrorServer, sample_sources_dir

EXAMPLES: list[tuple[str, dict[str, str]]] = [
    ("Free text, a city without its state: deep tissue for sciatica near Austin", {"q": "deep tissue for sciatica near Austin"}),
    ("A place named bare, no state, no 'near': migraine relief craniosacral San Diego", {"q": "migraine relief craniosacral San Diego"}),
    ("A therapist's name, nickname and all", {"q": "Jenny Alvarez"}),
    ("Clinicians' shorthand: LBP near Houston", {"condition": "LBP", "near": "Houston"}),
    ("A technique by its head word: prenatal, near San Antonio", {"modality": "prenatal", "near": "San Antonio"}),
    ("A misspelled condition near a Miami ZIP", {"condition": "carpel tunnel", "near": "33139"}),
    ("A physician's ICD-10 code (migraine) near Houston", {"condition": "G43.909", "near": "Houston, TX", "radius_km": "60"}),
]


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def write_demo_sources(base_url: str, target: Path) -> Path:
    """The bundled sources.toml with the mirror's address filled in."""
    template = (sample_sources_dir() / "sources.toml").read_text(encoding="utf-8")
    target.write_text(template.replace("{base}", base_url), encoding="utf-8")
    return target


def run_demo(workdir: Path, host: str, port: int, serve: bool = True) -> int:
    if serve and not _port_free(host, port):
        raise DirectoryError(f"port {port} on {host} is in use; pass --port to choose another")
    workdir.mkdir(parents=True, exist_ok=True)
    raw_dir, db = workdir / "raw", workdir / "therapists.db"
    url = f"http://{host}:{port}"
    if serve:
        print(f"Open {url}/ in a browser: the search page (ready once the steps below finish).", flush=True)
    with MirrorServer() as mirror:
        print(f"[1/4] sample sources served at {mirror.base_url}", flush=True)
        config = write_demo_sources(mirror.base_url, workdir / "sources.toml")
        print(f"[2/4] crawling {config} with Scrapy ...", flush=True)
        crawl = subprocess.run(
            [sys.executable, "-m", "therapists", "crawl", "--config", str(config), "--out", str(raw_dir)],
            stderr=subprocess.PIPE,
            text=True,
        )
        if crawl.returncode != 0:
            last = [line for line in crawl.stderr.splitlines() if line.strip()][-1:] or ["crawl failed"]
            raise SourceUnreachable(f"demo crawl failed: {last[0]}")
    print(f"[3/4] indexing {raw_dir} into {db} ...", flush=True)
    backend = SQLiteBackend(db)
    report = run_index(raw_dir, backend)
    print(f"      {report.listings} listings from {report.source_records} source records ({report.quarantined} quarantined)")

    vocab, today = get_vocabulary(), date.today()
    print(f"[4/4] pages at {url}/ (search), {url}/therapist/<id>; API at {url}/search (interactive docs: {url}/docs)")
    print("\nSearches to try:")
    for title, params in EXAMPLES:
        query, _ = build_query(
            SearchParams(
                q=params.get("q"),
                condition=params.get("condition"),
                modality=[params["modality"]] if "modality" in params else [],
                near=params.get("near"),
                radius_km=float(params["radius_km"]) if "radius_km" in params else None,
            ),
            vocab,
            today,
        )
        page = backend.search(query)
        top = ", ".join(hit.listing.name for hit in page.hits[:3]) or "no results"
        found = f"{page.total} therapist{'s' if page.total != 1 else ''}"
        print(f"  {title}\n    {url}/?{urlencode(params)}\n    curl '{url}/search?{urlencode(params)}'\n    → {found}; first: {top}")
    print(f"\n  One therapist with sources: curl '{url}/therapists/<id from a result>'\n", flush=True)
    if not serve:
        return 0
    import uvicorn

    from directory.curation.store import open_store
    from search_api.app import create_app

    settings = get_settings(db=db, host=host, port=port)
    # The curation store beside the demo's index, so the admin pages (/manage) and /admin work here too.
    curation = open_store(settings.database_url, db)
    print(f"  Admin pages at {url}/manage: make a token with `therapists admin --db {db} create-user NAME --role admin`\n", flush=True)
    uvicorn.run(create_app(settings, backend=backend, curation=curation), host=host, port=port, log_level="warning")
    return 0
