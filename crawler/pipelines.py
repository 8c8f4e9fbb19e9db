"""Writes each source's records to `<out>/<source>.jsonl` and bad input to `<out>/quarantine.jsonl`.

A source's file is written beside its final name and renamed only when the crawl finishes
normally, so a crawl that dies half-way never leaves a truncated file for the indexer to trust;
`--resume` appends to that partial file and continues from Scrapy's saved queue (JOBDIR).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from crawler.spiders.base import RawBatch, running_source
from directory.raw import QUARANTINE_FILE, QuarantineRecord, RawRecord

# One encoder for every line: json.dumps builds a new one per call when given options.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


class RawJsonlPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.out_dir = Path(crawler.settings["THERAPISTS_OUT_DIR"])
        self._records: IO[str] | None = None
        self._quarantine: IO[str] | None = None
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RawJsonlPipeline:
        return cls(crawler)

    def _paths(self) -> tuple[Path, Path]:
        final = self.out_dir / f"{running_source(self.crawler).name}.jsonl"
        return final, final.with_name(final.name + ".partial")

    def open_spider(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        # A resumed crawl continues the interrupted one's partial file.
        mode = "a" if self.crawler.settings.getbool("THERAPISTS_RESUME") else "w"
        self._records = open(self._paths()[1], mode, encoding="utf-8")
        self._quarantine = open(self.out_dir / QUARANTINE_FILE, "a", encoding="utf-8")

    def close_spider(self) -> None:
        for handle in (self._records, self._quarantine):
            if handle is not None:
                handle.close()

    def _spider_closed(self, spider: Spider, reason: str) -> None:
        final, partial = self._paths()
        if reason == "finished" and not getattr(spider, "unreachable", None):
            os.replace(partial, final)
            shutil.rmtree(self.crawler.settings["JOBDIR"], ignore_errors=True)
        else:
            # The previous complete file stays; the partial one is left for inspection.
            self.crawler.stats.inc_value("therapists/incomplete_runs")

    def process_item(self, item: Any) -> Any:
        records = item.records if isinstance(item, RawBatch) else [item]
        assert self._records is not None and self._quarantine is not None
        written = quarantined = 0
        for record in records:
            if isinstance(record, RawRecord):
                self._records.write(_encode(record.to_json()) + "\n")
                written += 1
            elif isinstance(record, QuarantineRecord):
                self._quarantine.write(_encode(record.to_json()) + "\n")
                quarantined += 1
        stats = self.crawler.stats
        if written:
            stats.inc_value("therapists/items", written)
        if quarantined:
            stats.inc_value("therapists/quarantined", quarantined)
        return item
