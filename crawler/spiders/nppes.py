"""NPI Registry API v2.1: individual providers by taxonomy and state.

The API returns at most 200 results a page and refuses `skip` above 1000, so a query that still
has a full page at skip 1000 is split by postal-code prefix ("92*", then "920*", ...) until every
partition fits. Records are yielded as published; MAILING addresses stay in the raw layer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response, TextResponse

from crawler.spiders.base import SourceSpider
from directory.raw import QuarantineRecord, RawRecord

PAGE_SIZE = 200
MAX_SKIP = 1000


class NppesSpider(SourceSpider):
    def _url(self, state: str, prefix: str | None, skip: int) -> str:
        params: dict[str, Any] = {
            "version": "2.1",
            "taxonomy_description": self.source.taxonomy_description,
            "state": state,
            "limit": PAGE_SIZE,
            "skip": skip,
        }
        if prefix:
            params["postal_code"] = prefix + "*"
        return f"{self.source.url}?{urlencode(params)}"

    def _page(self, state: str, prefix: str | None, skip: int) -> Request:
        meta = {"state": state, "prefix": prefix, "skip": skip}
        if prefix is None and skip == 0:
            return self.first_request(self._url(state, prefix, skip), self.parse, meta=meta)
        return Request(self._url(state, prefix, skip), callback=self.parse, meta=meta)

    async def start(self) -> AsyncIterator[Request]:
        for state in self.source.states:
            yield self._page(state, None, 0)

    def parse(self, response: Response) -> Iterator[RawRecord | QuarantineRecord | Request]:
        state, prefix, skip = response.meta["state"], response.meta["prefix"], response.meta["skip"]
        if not isinstance(response, TextResponse):  # a binary body is not the Registry's JSON
            yield self.quarantine("NPPES answered with a body that is not text", raw=None)
            return
        try:
            payload = response.json()
        except ValueError:
            yield self.quarantine("NPPES answered with something that is not JSON", raw=response.text[:2000])
            return
        if payload.get("Errors"):
            yield self.quarantine(f"NPPES refused the query: {payload['Errors']}", raw=payload)
            return
        results = payload.get("results") or []
        for result in results:
            number = str(result.get("number", ""))
            # Partitions overlap the pages fetched before them; spider state survives a resume.
            seen: set[str] = self.state.setdefault("seen_npis", set())
            if number in seen:
                continue
            seen.add(number)
            yield RawRecord("nppes_provider", data=result, context={"query_state": state})
        if len(results) < PAGE_SIZE:
            return
        if skip + PAGE_SIZE <= MAX_SKIP:
            yield self._page(state, prefix, skip + PAGE_SIZE)
            return
        # More results than the API will page through: partition by ZIP prefix.
        self.crawler.stats.inc_value("therapists/nppes/partitions")
        if prefix is None:
            children = [f"{n:02d}" for n in range(100)]
        elif len(prefix) < 5:
            children = [prefix + str(d) for d in range(10)]
        else:
            yield self.quarantine(f"more than {MAX_SKIP + PAGE_SIZE} results even for ZIP {prefix}; some skipped")
            return
        for child in children:
            yield self._page(state, child, 0)
