"""A progress line per source on the terminal while a crawl runs, and a last one when it ends."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.spiders import Spider
from twisted.internet import task

from crawler.spiders.base import running_source

log = logging.getLogger("therapists.crawl")


class CrawlProgress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("THERAPISTS_PROGRESS_INTERVAL", 5.0)
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def _line(self) -> str:
        stats = self.crawler.stats
        name = running_source(self.crawler).name
        return (
            f"[{name}] {stats.get_value('downloader/response_count', 0)} pages, "
            f"{stats.get_value('therapists/items', 0)} records, "
            f"{stats.get_value('therapists/quarantined', 0)} quarantined, "
            f"{stats.get_value('retry/count', 0)} retries"
        )

    def opened(self, spider: Spider) -> None:
        self._loop = task.LoopingCall(lambda: log.info(self._line()))
        self._loop.start(self.interval, now=False)

    def closed(self, spider: Spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        log.info("%s — %s", self._line(), reason)
