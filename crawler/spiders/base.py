"""What every source spider shares: its configuration, start requests that notice an unreachable
source, and quarantine records."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from directory.raw import QuarantineRecord, RawRecord

BATCH = 200
# Scrapy works on up to CONCURRENT_ITEMS items of a response at once; for the spiders that yield a
# whole file's records from one response, a few batches in flight keep memory flat.
STREAMING_SETTINGS = {"CONCURRENT_ITEMS": 4}


@dataclass
class RawBatch:
    """Many records of one response, passed through Scrapy as one item: the engine's per-item work
    (signals, middleware chains, pipeline calls) cost ten times the reading of a board-file row."""

    records: list[RawRecord | QuarantineRecord]


def batched(items: Iterable[Any], size: int = BATCH) -> Iterator[Any]:
    """Records gathered into RawBatches; anything else (a Request) passes on by itself."""
    batch: list[RawRecord | QuarantineRecord] = []
    for item in items:
        if isinstance(item, (RawRecord, QuarantineRecord)):
            batch.append(item)
            if len(batch) >= size:
                yield RawBatch(batch)
                batch = []
        else:
            yield item
    if batch:
        yield RawBatch(batch)


def running_source(crawler: Crawler) -> Any:
    """The sources.toml table of the source a crawler is fetching (each crawler runs one SourceSpider)."""
    spider = crawler.spider
    if not isinstance(spider, SourceSpider):
        raise TypeError(f"expected a SourceSpider, the crawler runs {spider!r}")
    return spider.source


class SourceSpider(scrapy.Spider):
    """Base of the per-kind spiders; `source` is the validated sources.toml table."""

    state: dict[str, Any]  # set by Scrapy's SpiderState extension; survives a --resume

    def __init__(self, source: Any, **kwargs: Any) -> None:
        super().__init__(name=f"{source.kind}:{source.name}", **kwargs)
        self.source = source
        self.unreachable: str | None = None

    def start_urls_and_callbacks(self) -> list[tuple[str, Callable[[Response], Any]]]:
        raise NotImplementedError

    async def start(self) -> AsyncIterator[Request]:
        for url, callback in self.start_urls_and_callbacks():
            yield self.first_request(url, callback)

    def first_request(self, url: str, callback: Callable[[Response], Any], **kwargs: Any) -> Request:
        """A request whose failure means the source as a whole could not be reached."""
        return Request(url, callback=callback, errback=self._start_failed, **kwargs)

    def _start_failed(self, failure: Failure) -> None:
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"HTTP {response.status} from {response.url}"
        else:
            kind = failure.type.__name__ if failure.type else "error"
            reason = f"{kind}: {failure.getErrorMessage()} ({failure.request.url})"  # type: ignore[attr-defined]  # Scrapy sets .request on download failures
        self.unreachable = reason
        self.logger.error("source %s unreachable: %s", self.source.name, reason)
        self.crawler.stats.inc_value("therapists/unreachable")

    def quarantine(self, reason: str, raw: Any = None, row_number: int | None = None, url: str = "") -> QuarantineRecord:
        return QuarantineRecord(reason=reason, raw=raw, row_number=row_number, url=url)
