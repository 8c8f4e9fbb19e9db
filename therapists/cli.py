"""The `therapists` command line.

Settings come from flags first, then environment variables (THERAPISTS_DB, ES_URL, ...), then
defaults. Any expected failure (bad config, unreachable source, unreadable directory, bad search
parameter) exits non-zero with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

from directory.errors import DirectoryError, InvalidParameter

EPILOG = "Environment: THERAPISTS_DB (index file), ES_URL (Elasticsearch, later), THERAPISTS_HOST, THERAPISTS_PORT."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="therapists",
        description="Find qualified massage therapists by condition, licence and location: crawl public sources, index them, search.",
        epilog=EPILOG,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    crawl = sub.add_parser("crawl", help="crawl the sources in a sources.toml into raw JSONL files", epilog=EPILOG)
    crawl.add_argument("--config", type=Path, required=True, help="sources.toml listing the [[source]] tables to crawl")
    crawl.add_argument("--out", type=Path, required=True, help="directory for <source>.jsonl, quarantine.jsonl and crawl_summary.json")
    crawl.add_argument("--resume", action="store_true", help="continue sources whose last crawl into --out was interrupted")
    crawl.add_argument("--stop-after-pages", type=int, default=None, metavar="N", help="stop each source after N pages (resume later with --resume)")

    index = sub.add_parser("index", help="build the search index from a crawl directory", epilog=EPILOG)
    index.add_argument("--from", dest="raw_dir", type=Path, required=True, help="crawl output directory (the crawl's --out)")
    index.add_argument("--db", type=Path, default=None, help="SQLite index file (default: $THERAPISTS_DB or ./therapists.db)")
    index.add_argument("--suppressions", type=Path, default=None, help="TOML list of therapists who asked to be removed ($THERAPISTS_SUPPRESSIONS)")

    serve = sub.add_parser("serve", help="serve the HTTP API", epilog=EPILOG)
    serve.add_argument("--db", type=Path, default=None, help="SQLite index file (default: $THERAPISTS_DB or ./therapists.db)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on (default 8000)")

    search = sub.add_parser("search", help="search the index from the terminal", epilog=EPILOG)
    search.add_argument("query", nargs="?", default=None, metavar="QUERY", help="free text, e.g. 'deep tissue for sciatica'")
    search.add_argument("--near", default=None, help='ZIP, "City, ST" or "lat,lon"')
    search.add_argument("--radius-km", type=float, default=None, help="search radius in km (default 40)")
    search.add_argument("--condition", default=None, help="condition name, synonym, misspelling or ICD-10 code")
    search.add_argument("--modality", action="append", default=[], help="technique (repeatable)")
    search.add_argument("--license-status", choices=["active", "any"], default="active", help="'any' includes lapsed licences")
    search.add_argument("--limit", type=int, default=10, help="number of results (1-100)")
    search.add_argument("--json", action="store_true", help="print the API's JSON instead of a table")
    search.add_argument("--db", type=Path, default=None, help="SQLite index file (default: $THERAPISTS_DB or ./therapists.db)")

    demo = sub.add_parser(
        "demo",
        help="serve the bundled sample sources locally, crawl and index them, and start the API",
        epilog=EPILOG,
    )
    demo.add_argument("--port", type=int, default=8000, help="API port (default 8000)")
    demo.add_argument("--host", default="127.0.0.1", help="API address (default 127.0.0.1)")
    demo.add_argument("--workdir", type=Path, default=Path("demo-run"), help="where the demo writes its crawl and index (default ./demo-run)")
    demo.add_argument("--no-serve", action="store_true", help="stop after crawling, indexing and printing the example searches")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return COMMANDS[args.command](args)
    except InvalidParameter as exc:
        print(f"therapists: error: --{exc.parameter.replace('_', '-')}: {exc.reason}", file=sys.stderr)
        return 2
    except DirectoryError as exc:
        print(f"therapists: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.config import load_sources
    from crawler.run import run_crawl
    from directory.settings import get_settings

    settings = get_settings()
    sources = load_sources(args.config)
    summaries = run_crawl(sources, args.out, settings.crawler_user_agent, args.resume, args.stop_after_pages)
    for s in summaries:
        state = "" if s.complete else "  INCOMPLETE (run again with --resume)"
        print(f"{s.source:<20} {s.kind:<13} fetched {s.fetched:>5}  items {s.items:>6}  quarantined {s.quarantined:>4}  robots-denied {s.robots_denied}{state}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from directory.backends import open_backend
    from directory.settings import get_settings
    from indexer.build import run_index

    from indexer.suppress import SuppressionList

    settings = get_settings(db=args.db, suppressions=args.suppressions)
    suppressions = SuppressionList.load(settings.suppressions)
    report = run_index(args.raw_dir, open_backend(settings), progress=sys.stderr.isatty(), suppressions=suppressions)
    print(
        f"indexed {report.listings} listings from {report.source_records} source records into {settings.db} "
        f"({report.quarantined} quarantined, {report.suppressed} suppressed, {report.review_pairs} pairs for review, "
        f"{sum(report.unparsed_values.values())} values kept unparsed)"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from directory.settings import get_settings
    from search_api.app import create_app

    settings = get_settings(db=args.db, host=args.host, port=args.port)
    if not settings.db.exists():
        raise DirectoryError(f"no index at {settings.db}; run `therapists index --from DIR --db {settings.db}` first")
    print(f"serving {settings.db} at http://{settings.host}:{settings.port}/ (API docs at /docs)", flush=True)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from directory.backends import open_backend
    from directory.search_service import SearchParams, build_query, listing_summary
    from directory.settings import get_settings
    from directory.vocabulary import get_vocabulary

    settings = get_settings(db=args.db)
    vocab = get_vocabulary()
    today = date.today()
    params = SearchParams(
        q=args.query, condition=args.condition, modality=args.modality, near=args.near,
        radius_km=args.radius_km, license_status=args.license_status, limit=args.limit,
    )
    query, interpreted = build_query(params, vocab, today, settings.default_radius_km, settings.stale_after_days)
    page = open_backend(settings).search(query)
    if args.json:
        results = [
            {**listing_summary(h.listing, vocab, today), "distance_km": h.distance_km, "score": h.score, "why": h.why}
            for h in page.hits
        ]
        print(json.dumps({"total": page.total, "results": results, "next_cursor": page.next_cursor,
                          "interpreted": interpreted, "facets": page.facets}, indent=2))
        return 0
    print(describe_interpretation(interpreted))
    print(f"{page.total} therapists match")
    for rank, hit in enumerate(page.hits, start=1):
        loc = hit.listing.location
        where = f"{loc.city}, {loc.state}" if loc and loc.city else "location unknown"
        print(f"{rank:>2}. {hit.listing.name} ({', '.join(hit.listing.credentials) or 'no credentials listed'}) — {where}  score {hit.score:.3f}")
        for reason in hit.why:
            print(f"      · {reason}")
    for advisory in interpreted["advisories"]:
        print(f"Note: {advisory['message']}")
    return 0


def describe_interpretation(interpreted: dict) -> str:
    parts = []
    if interpreted.get("condition"):
        cond = interpreted["condition"]
        corrected = f" (from {cond['corrected_from']!r})" if cond.get("corrected_from") else ""
        parts.append(f"condition: {cond['name']}{corrected}")
    if interpreted.get("modalities"):
        parts.append("technique: " + ", ".join(m["name"] for m in interpreted["modalities"]))
    if interpreted.get("near"):
        parts.append(f"near {interpreted['near']['label']} within {interpreted['radius_km']:g} km")
    return "Searching for " + ("; ".join(parts) if parts else "all therapists")


def cmd_demo(args: argparse.Namespace) -> int:
    from therapists.demo import run_demo

    return run_demo(args.workdir, args.host, args.port, serve=not args.no_serve)


COMMANDS = {
    "crawl": cmd_crawl,
    "index": cmd_index,
    "serve": cmd_serve,
    "search": cmd_search,
    "demo": cmd_demo,
}
