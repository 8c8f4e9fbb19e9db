"""Practice websites: start at a sitemap (or sitemap index), keep each page's structured data.

JSON-LD blocks are parsed one by one so a malformed block is quarantined alone; microdata comes
from extruct. A page without structured data yields its visible text for the indexer's
vocabulary matcher.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from extruct.w3cmicrodata import MicrodataExtractor
from scrapy.http import Request, Response
from scrapy.utils.sitemap import Sitemap

from crawler.spiders.base import SourceSpider
from directory.raw import QuarantineRecord, RawRecord

_microdata = MicrodataExtractor()


class ProfileSiteSpider(SourceSpider):
    def start_urls_and_callbacks(self):
        return [(self.source.url, self.parse_sitemap)]

    def parse_sitemap(self, response: Response) -> Iterator[Request | QuarantineRecord]:
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on broken XML
            yield self.quarantine(f"unreadable sitemap: {exc}")
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield Request(loc, callback=self.parse_sitemap)
            else:
                yield Request(loc, callback=self.parse_page)

    def parse_page(self, response: Response) -> Iterator[RawRecord | QuarantineRecord]:
        if len(response.body) > self.source.max_page_bytes:
            yield self.quarantine(f"page is {len(response.body)} bytes, over the {self.source.max_page_bytes}-byte limit")
            return
        if not hasattr(response, "css"):
            yield self.quarantine("not an HTML page")
            return
        blocks = []
        for position, script in enumerate(response.css('script[type="application/ld+json"]::text').getall(), start=1):
            try:
                blocks.append(json.loads(script))
            except ValueError as exc:
                yield self.quarantine(f"malformed JSON-LD block {position}: {exc}", raw=script[:4000])
        microdata = _microdata.extract(response.text, base_url=response.url)
        text = None
        if not blocks and not microdata:
            visible = response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
            text = re.sub(r"\s+", " ", " ".join(visible)).strip()
        yield RawRecord(
            "profile_page",
            data={
                "title": (response.css("title::text").get() or "").strip(),
                "jsonld": blocks,
                "microdata": microdata,
                "text": text,
            },
        )
