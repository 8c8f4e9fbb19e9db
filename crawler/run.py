"""Run the crawl for a list of sources, one Scrapy crawler per source, in this process.

Scrapy's reactor starts once per process, so callers that crawl more than once (tests, the demo)
run `therapists crawl` as a child process.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess

from crawler.config import SourceConfig
from crawler.settings import PROCESS_SETTINGS, crawler_settings, job_dir
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
    complete: bool


def run_crawl(
    sources: list[SourceConfig], out_dir: Path, user_agent: str, resume: bool = False, stop_after_pages: int | None = None
) -> list[SourceSummary]:
    """Crawl every source into `out_dir`; raise SourceUnreachable if any source could not be reached.

    The other sources' files are still written, and the summary names each unreachable source.
    With `resume`, sources whose last crawl was interrupted continue where they stopped.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if not resume:
        (out_dir / QUARANTINE_FILE).write_text("", encoding="utf-8")  # quarantine describes this run
        for source in sources:
            shutil.rmtree(job_dir(out_dir, source), ignore_errors=True)
    previous = _previous_summaries(out_dir)
    if resume:
        # Sources that finished last time have nothing to resume.
        done = [s for s in sources if s.name in previous and previous[s.name].complete and not job_dir(out_dir, s).exists()]
        sources = [s for s in sources if s not in done]
        log.info("resuming %d source(s); %d already complete", len(sources), len(done))
    process = CrawlerProcess(PROCESS_SETTINGS, install_root_handler=False)
    # Scrapy logs every item at DEBUG (and configures its loggers above); -v should not drown in them.
    logging.getLogger("scrapy").setLevel(max(logging.getLogger().level, logging.INFO))
    crawlers: list[tuple[SourceConfig, Crawler]] = []
    for position, source in enumerate(sources):
        # The first crawler installs Twisted's reactor; the others share it.
        settings = crawler_settings(source, out_dir, user_agent, resume, stop_after_pages)
        crawler = Crawler(SPIDERS[source.kind], settings, init_reactor=position == 0)
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
                complete=stats.get("finish_reason") == "finished",
            )
        )
    if resume:
        for summary in summaries:
            before = previous.get(summary.source)
            if before is not None and not before.complete:  # counts cover the whole resumed crawl
                for name in ("fetched", "items", "quarantined", "errors", "robots_denied"):
                    setattr(summary, name, getattr(summary, name) + getattr(before, name))
    merged = {**previous, **{s.source: s for s in summaries}} if resume else {s.source: s for s in summaries}
    (out_dir / SUMMARY_FILE).write_text(json.dumps({"sources": [asdict(s) for s in merged.values()]}, indent=2) + "\n", encoding="utf-8")
    failed = [s for s in summaries if s.unreachable]
    summaries = list(merged.values())
    if failed:
        raise SourceUnreachable("; ".join(f"source {s.source!r} unreachable: {s.unreachable}" for s in failed))
    return summaries


def _previous_summaries(out_dir: Path) -> dict[str, SourceSummary]:
    try:
        document = json.loads((out_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
        return {row["source"]: SourceSummary(**row) for row in document["sources"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
