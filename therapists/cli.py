"""The `therapists` command line.

Settings come from flags first, then environment variables (THERAPISTS_DB, ES_URL, ...), then
defaults. Any expected failure (bad config, unreachable source, unreadable directory, bad search
parameter) exits non-zero with one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from directory.errors import DirectoryError, InvalidParameter
from therapists import cli_admin, cli_fhir

if TYPE_CHECKING:
    from directory.presenter import Interpreted

EPILOG = (
    "Environment: THERAPISTS_DB (index file), ES_URL (Elasticsearch instead of the file), THERAPISTS_ES_INDEX, "
    "THERAPISTS_ES_PLAIN_JSON, THERAPISTS_HOST, THERAPISTS_PORT."
)
ES_HELP = "Elasticsearch URL: use it instead of the SQLite file (default: $ES_URL)"


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
    crawl.add_argument(
        "--stop-after-pages", type=int, default=None, metavar="N", help="stop each source after N pages (resume later with --resume)"
    )

    index = sub.add_parser("index", help="build the search index from a crawl directory", epilog=EPILOG)
    index.add_argument("--from", dest="raw_dir", type=Path, required=True, help="crawl output directory (the crawl's --out)")
    index.add_argument("--db", type=Path, default=None, help="SQLite index file (default: $THERAPISTS_DB or ./therapists.db)")
    index.add_argument(
        "--suppressions", type=Path, default=None, help="TOML list of therapists who asked to be removed ($THERAPISTS_SUPPRESSIONS)"
    )
    index.add_argument("--es", metavar="URL", default=None, help=ES_HELP)
    index.add_argument(
        "--incremental",
        action="store_true",
        help="re-link, re-merge and write only what changed since the last --incremental build (SQLite; state kept in DIR/.index_state.sqlite); same index as a full build",
    )

    serve = sub.add_parser("serve", help="serve the HTTP API", epilog=EPILOG)
    serve.add_argument("--db", type=Path, default=None, help="SQLite index file (default: $THERAPISTS_DB or ./therapists.db)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on (default 8000)")
    serve.add_argument("--es", metavar="URL", default=None, help=ES_HELP)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the port and one copy of the index (pre-forked; default 1: a single process)",
    )

    search = sub.add_parser(
        "search",
        help="search the index from the terminal (every /search parameter, as a flag)",
        description="Search the index with the HTTP API's /search parameters; --json prints exactly its response.",
        epilog=EPILOG,
    )
    _add_search_parameters(search)
    search.add_argument("--json", action="store_true", help="print the API's JSON response instead of a table")
    search.add_argument("--db", type=Path, default=None, help="SQLite index file (default: $THERAPISTS_DB or ./therapists.db)")
    search.add_argument("--es", metavar="URL", default=None, help=ES_HELP)

    demo = sub.add_parser(
        "demo",
        help="serve the bundled sample sources locally, crawl and index them, and start the API",
        epilog=EPILOG,
    )
    demo.add_argument("--port", type=int, default=8000, help="API port (default 8000)")
    demo.add_argument("--host", default="127.0.0.1", help="API address (default 127.0.0.1)")
    demo.add_argument(
        "--workdir", type=Path, default=Path("demo-run"), help="where the demo writes its crawl and index (default ./demo-run)"
    )
    demo.add_argument("--no-serve", action="store_true", help="stop after crawling, indexing and printing the example searches")
    cli_admin.add_parsers(sub)
    cli_fhir.add_parsers(sub)
    return parser


def _add_search_parameters(search: argparse.ArgumentParser) -> None:
    """One flag per /search query parameter (dest = the parameter's name), with the API's help text.

    tests/test_cli.py enumerates the API's parameters and fails when one is missing here.
    """
    from directory.search_params import GENDERS
    from directory.search_params import PARAMETER_HELP as HELP

    search.add_argument("q", nargs="?", default=None, metavar="QUERY", help=HELP["q"])
    search.add_argument("--condition", default=None, help=HELP["condition"])
    search.add_argument("--name", default=None, help=HELP["name"])
    search.add_argument("--modality", action="append", default=[], metavar="MODALITY", help=HELP["modality"])
    search.add_argument("--near", default=None, metavar="PLACE", help=HELP["near"])
    search.add_argument("--radius-km", type=float, default=None, metavar="KM", help=HELP["radius_km"])
    search.add_argument("--license-status", choices=["active", "any"], default="active", help=HELP["license_status"])
    search.add_argument("--limit", type=int, default=10, metavar="N", help=HELP["limit"])
    search.add_argument(
        "--cursor", default=None, help="continue after a previous page: the cursor on its 'More:' line (next_cursor in --json)"
    )
    search.add_argument("--min-years", type=float, default=None, metavar="YEARS", help=HELP["min_years"])
    search.add_argument("--certification", action="append", default=[], metavar="CERTIFICATION", help=HELP["certification"])
    search.add_argument("--language", default=None, help=HELP["language"])
    search.add_argument("--gender", default=None, metavar="|".join(GENDERS), help=HELP["gender"])
    # Tri-state like the API's true/false/absent: --x keeps those who do, --no-x those who do not.
    search.add_argument(
        "--accepting-new-clients",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=HELP["accepting_new_clients"] + " --no-accepting-new-clients: only those who say they do not.",
    )
    search.add_argument(
        "--mobile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=HELP["mobile"] + " --no-mobile: only those who do not.",
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return (getattr(args, "handler", None) or COMMANDS[args.command])(args)  # handler: a subcommand in its own module
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
        print(
            f"{s.source:<20} {s.kind:<13} fetched {s.fetched:>5}  items {s.items:>6}  quarantined {s.quarantined:>4}  robots-denied {s.robots_denied}{state}"
        )
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from directory.backends import open_backend
    from directory.curation.store import open_store
    from directory.settings import get_settings
    from indexer.build import run_index
    from indexer.incremental import run_incremental_index
    from indexer.suppress import SuppressionList

    settings = get_settings(db=args.db, suppressions=args.suppressions, es_url=args.es)
    suppressions = SuppressionList.load(settings.suppressions)
    curation = open_store(settings.database_url, settings.db)
    index = run_incremental_index if args.incremental else run_index
    report = index(args.raw_dir, open_backend(settings), progress=sys.stderr.isatty(), suppressions=suppressions, curation=curation)
    where = f"Elasticsearch {settings.es_url} (alias {settings.es_index})" if settings.es_url else str(settings.db)
    print(
        f"indexed {report.listings} listings from {report.source_records} source records into {where} "
        f"({report.quarantined} quarantined, {report.suppressed} suppressed, {report.hidden} hidden by admins, "
        f"{report.review_pairs} pairs for review, {sum(report.unparsed_values.values())} values kept unparsed, "
        f"{len(report.orphaned_overrides)} overrides whose listing is gone)"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from directory.settings import get_settings
    from therapists.serve import serve

    settings = get_settings(db=args.db, host=args.host, port=args.port, es_url=args.es)
    if not settings.es_url and not settings.db.exists():
        raise DirectoryError(f"no index at {settings.db}; run `therapists index --from DIR --db {settings.db}` first")
    if not 1 <= args.workers <= 64:
        raise InvalidParameter("workers", f"must be between 1 and 64, got {args.workers}")
    where = f"Elasticsearch {settings.es_url} (alias {settings.es_index})" if settings.es_url else str(settings.db)
    print(f"serving {where} at http://{settings.host}:{settings.port}/ (API docs at /docs)", flush=True)
    return serve(settings, args.workers)


def cmd_search(args: argparse.Namespace) -> int:
    from dataclasses import fields

    from directory.backends import open_backend
    from directory.presenter import present_search
    from directory.search_params import SearchParams
    from directory.search_service import build_query
    from directory.settings import get_settings
    from directory.vocabulary import get_vocabulary

    settings = get_settings(db=args.db, es_url=args.es)
    vocab = get_vocabulary()
    today = date.today()
    params = SearchParams(**{f.name: getattr(args, f.name) for f in fields(SearchParams)})
    query, interpreted = build_query(params, vocab, today, settings.default_radius_km, settings.stale_after_days)
    page = open_backend(settings).search(query)
    response = present_search(page, interpreted, vocab, today)
    if args.json:
        print(response.model_dump_json(indent=2))
        return 0
    print(describe_interpretation(response.interpreted))
    print(f"{response.total} therapists match")
    for rank, result in enumerate(response.results, start=1):
        where = f"{result.location.city}, {result.location.state}" if result.location.city else "location unknown"
        print(f"{rank:>2}. {result.name} ({', '.join(result.credentials) or 'no credentials listed'}) — {where}  score {result.score:.3f}")
        for reason in result.why:
            print(f"      · {reason}")
    for advisory in response.interpreted.advisories:
        print(f"Note: {advisory.message}")
    if response.next_cursor:
        print(f"More: add --cursor {response.next_cursor}")
    return 0


def describe_interpretation(interpreted: Interpreted) -> str:
    parts = []
    if cond := interpreted.condition:
        corrected = f" (from {cond.corrected_from!r})" if cond.corrected_from else ""
        parts.append(f"condition: {cond.name}{corrected}")
    if interpreted.modalities:
        parts.append("technique: " + ", ".join(m.name for m in interpreted.modalities))
    if interpreted.name:
        parts.append(f"name: {interpreted.name}")
    if interpreted.near and interpreted.radius_km is not None:
        also = f" (also considered {', '.join(interpreted.near.considered)})" if interpreted.near.considered else ""
        parts.append(f"near {interpreted.near.label} within {interpreted.radius_km:g} km{also}")
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
    "admin": cli_admin.cmd_admin,
}
