"""Provenance, stamped in one place for every spider."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.spiders.base import running_source
from directory.raw import Provenance


class ProvenanceMiddleware:
    """Stamps source, kind, url, fetch time and content hash on every record a spider yields."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProvenanceMiddleware:
        return cls(crawler)

    def _stamp(self, item: Any, response: Response) -> Any:
        if isinstance(item, Provenance):
            source = running_source(self.crawler)
            item.source = source.name
            # A spider may publish another kind's records (the NPPES bulk file gives the API's).
            item.kind = getattr(self.crawler.spider, "record_kind", None) or source.kind
            item.url = item.url or response.url
            item.fetched_at = response.meta.setdefault("fetched_at", datetime.now(UTC).isoformat(timespec="seconds"))
            if "content_sha256" not in response.meta:
                # Once per response: a board file yields 100k records from one body.
                response.meta["content_sha256"] = hashlib.sha256(response.body).hexdigest()
            item.content_sha256 = item.content_sha256 or response.meta["content_sha256"]
        return item

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            yield self._stamp(item, response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            yield self._stamp(item, response)
