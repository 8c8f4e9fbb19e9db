"""A certification roster: HTML tables with a header row, paginated by rel="next"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsel import Selector
from scrapy.http import Request, Response

from crawler.spiders.base import SourceSpider
from directory.raw import QuarantineRecord, RawRecord


def cell_text(cell: Selector) -> str:
    return re.sub(r"\s+", " ", " ".join(cell.css("::text").getall())).strip()


class CertRosterSpider(SourceSpider):
    def start_urls_and_callbacks(self):
        return [(self.source.url, self.parse)]

    def parse(self, response: Response) -> Iterator[RawRecord | QuarantineRecord | Request]:
        table = response.css("table")
        rows = table[0].css("tr") if table else []
        if not rows:
            yield self.quarantine("no table with rows on the page")
        else:
            header = [cell_text(c) for c in rows[0].css("th, td")]
            mapping = {ours: theirs for ours, theirs in self.source.columns.model_dump().items() if theirs}
            missing = [theirs for theirs in mapping.values() if theirs not in header]
            if missing:
                yield self.quarantine(f"columns {missing} are not in the table header", raw=header)
                return
            index = {ours: header.index(theirs) for ours, theirs in mapping.items()}
            context = {"issuer": self.source.issuer, "date_format": self.source.date_format}
            for position, row in enumerate(rows[1:], start=2):
                cells = [cell_text(c) for c in row.css("th, td")]
                if len(cells) != len(header):
                    yield self.quarantine(f"expected {len(header)} cells, found {len(cells)}", raw=cells, row_number=position)
                    continue
                record = {ours: cells[i] for ours, i in index.items()}
                if not record["full_name"]:
                    yield self.quarantine("missing name", raw=cells, row_number=position)
                    continue
                record["row_number"] = str(position)
                yield RawRecord("roster_entry", data=record, context=context)
        next_href = response.css('link[rel="next"]::attr(href), a[rel="next"]::attr(href)').get()
        if next_href:
            yield response.follow(next_href, callback=self.parse)
