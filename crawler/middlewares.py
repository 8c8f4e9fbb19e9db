"""Provenance, stamped in one place for every spider."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.spiders.base import RawBatch, running_source
from directory.raw import Provenance


class ProvenanceMiddleware:
    """Stamps source, kind, url, fetch time and content hash on every record a spider yields."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProvenanceMiddleware:
        return cls(crawler)

    def _stamp(self, item: Any, response: Response) -> Any:
        records = item.records if isinstance(item, RawBatch) else [item] if isinstance(item, Provenance) else []
        if not records:
            return item
        # Once per response: a board file yields 100k records from one body.
        meta = response.meta
        if "fetched_at" not in meta:
            meta["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        if "content_sha256" not in meta:
            meta["content_sha256"] = hashlib.sha256(response.body).hexdigest()
        source = running_source(self.crawler)
        # A spider may publish another kind's records (the NPPES bulk file gives the API's).
        kind = getattr(self.crawler.spider, "record_kind", None) or source.kind
        for record in records:
            record.source, record.kind = source.name, kind
            record.url = record.url or response.url
            record.fetched_at = meta["fetched_at"]
            record.content_sha256 = record.content_sha256 or meta["content_sha256"]
        return item

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            yield self._stamp(item, response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            yield self._stamp(item, response)
