"""Run the crawl for a list of sources, one Scrapy crawler per source, in this process.

Scrapy's reactor starts once per process, so callers that crawl more than once (tests, the demo)
run `therapists crawl` as a child process.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess

from crawler.config import SourceConfig
from crawler.settings import PROCESS_SETTINGS, crawler_settings
from crawler.spiders import SPIDERS
from directory.errors import SourceUnreachable
from directory.raw import QUARANTINE_FILE, SUMMARY_FILE

log = logging.getLogger(__name__)


@dataclass
class SourceSummary:
    source: str
    kind: str
    fetched: int
    items: int
    quarantined: int
    errors: int
    robots_denied: int
    unreachable: str | None
    download_delay: float
    concurrent_requests: int


def run_crawl(sources: list[SourceConfig], out_dir: Path, user_agent: str) -> list[SourceSummary]:
    """Crawl every source into `out_dir`; raise SourceUnreachable if any source could not be reached.

    The other sources' files are still written, and the summary names each unreachable source.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / QUARANTINE_FILE).write_text("", encoding="utf-8")  # quarantine describes this run
    process = CrawlerProcess(PROCESS_SETTINGS, install_root_handler=False)
    crawlers: list[tuple[SourceConfig, Crawler]] = []
    for position, source in enumerate(sources):
        # The first crawler installs Twisted's reactor; the others share it.
        crawler = Crawler(SPIDERS[source.kind], crawler_settings(source, out_dir, user_agent), init_reactor=position == 0)
        crawlers.append((source, crawler))
        process.crawl(crawler, source=source)
    process.start()

    summaries = []
    for source, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        spider = crawler.spider
        summaries.append(
            SourceSummary(
                source=source.name,
                kind=source.kind,
                fetched=int(stats.get("downloader/response_count", 0)),
                items=int(stats.get("therapists/items", 0)),
                quarantined=int(stats.get("therapists/quarantined", 0)),
                errors=int(stats.get("log_count/ERROR", 0)) + int(stats.get("downloader/exception_count", 0)),
                robots_denied=int(stats.get("robotstxt/forbidden", 0)),
                unreachable=getattr(spider, "unreachable", None) if spider else "crawler did not start",
                download_delay=crawler.settings.getfloat("DOWNLOAD_DELAY"),
                concurrent_requests=crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            )
        )
    (out_dir / SUMMARY_FILE).write_text(
        json.dumps({"sources": [asdict(s) for s in summaries]}, indent=2) + "\n", encoding="utf-8"
    )
    failed = [s for s in summaries if s.unreachable]
    if failed:
        raise SourceUnreachable("; ".join(f"source {s.source!r} unreachable: {s.unreachable}" for s in failed))
    return summaries
