"""Polite Scrapy defaults, and the per-source overrides sources.toml may set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.config import SourceConfig

POLITE_DEFAULTS: dict[str, Any] = {
    "BOT_NAME": "therapist-directory",
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_DELAY": 1.0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 3,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "RETRY_AFTER_MAX": 120.0,
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.retry.RetryAfterMiddleware": 550,
        "crawler.streaming.StreamToDiskMiddleware": 950,  # after robots, User-Agent, retries and the cache
    },
    # Re-crawls revalidate with If-None-Match / If-Modified-Since instead of downloading again.
    "HTTPCACHE_ENABLED": True,
    "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 200 * 1024 * 1024,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,  # no listening ports from a crawler
    "LOGSTATS_INTERVAL": 0,  # replaced by the per-source progress line below
    "THERAPISTS_PROGRESS_INTERVAL": 5.0,
    "EXTENSIONS": {"crawler.progress.CrawlProgress": 500},
    "LOG_LEVEL": "INFO",
    "SPIDER_MIDDLEWARES": {"crawler.middlewares.ProvenanceMiddleware": 900},
    "ITEM_PIPELINES": {"crawler.pipelines.RawJsonlPipeline": 300},
}


# What the CrawlerProcess itself needs. Kept apart from the per-source settings because the
# process merges its settings into every crawler at the same priority, which would undo a
# source's own download_delay.
PROCESS_SETTINGS: dict[str, Any] = {
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
}


def job_dir(out_dir: Path, source: SourceConfig) -> Path:
    """Where Scrapy keeps a source's pending requests, so an interrupted crawl can resume."""
    return out_dir / ".jobs" / source.name


def crawler_settings(
    source: SourceConfig, out_dir: Path, user_agent: str, resume: bool = False, stop_after_pages: int | None = None
) -> dict[str, Any]:
    """Settings for one source's crawler: the polite defaults with the source's overrides."""
    settings = dict(POLITE_DEFAULTS)
    settings["JOBDIR"] = str(job_dir(out_dir, source))
    settings["THERAPISTS_RESUME"] = resume
    if stop_after_pages:
        settings["CLOSESPIDER_PAGECOUNT"] = stop_after_pages
    settings["USER_AGENT"] = user_agent
    settings["THERAPISTS_OUT_DIR"] = str(out_dir)
    settings["HTTPCACHE_DIR"] = str((out_dir / ".httpcache").resolve())
    if source.download_delay is not None:
        settings["DOWNLOAD_DELAY"] = source.download_delay
        # AutoThrottle never goes below its start delay at first; keep it from overriding the source's choice.
        settings["AUTOTHROTTLE_START_DELAY"] = source.download_delay
    if source.concurrent_requests is not None:
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = source.concurrent_requests
    return settings
