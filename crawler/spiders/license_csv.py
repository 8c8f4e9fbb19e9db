"""A state board's licensee download: delimited text, mapped column by column.

Rows come out as published (values untouched) under our field names. A row with a missing licence
number, a date that does not parse with the board's format, or the wrong number of columns goes
to quarantine with its row number and the reason; the other rows still load.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from scrapy.http import Request, Response

from crawler.spiders.base import STREAMING_SETTINGS, RawBatch, SourceSpider, batched
from directory.raw import QuarantineRecord, RawRecord

# Values boards print where there is no value; not dates to check.
_EMPTY_DATES = {"", "00/00/0000", "00000000", "*** CONFIDENTIAL ***", "N/A", "NULL"}


def _main_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [m for m in archive.infolist() if not m.is_dir()]
    if not members:
        raise ValueError("the zip archive is empty")
    members.sort(key=lambda m: (not m.filename.lower().endswith((".csv", ".txt", ".tsv")), -m.file_size))
    return members[0]


@contextmanager
def open_download(path: Path) -> Iterator[BinaryIO]:
    """The delimited file of a download on disk, as a binary stream: the file, or the one table a
    zip holds (decompressed as it is read, never whole)."""
    with open(path, "rb") as fh:
        zipped = fh.read(4) == b"PK\x03\x04"
    if not zipped:
        with open(path, "rb") as fh:
            yield fh
        return
    with zipfile.ZipFile(path) as archive, archive.open(_main_member(archive)) as member:
        yield cast(BinaryIO, member)


def sniff_encoding(path: Path) -> tuple[str, int]:
    """The encoding of a download and how many BOM bytes to skip: UTF-16 by its BOM; else UTF-8 (a
    UTF-8 BOM is skipped), falling back to cp1252 and then latin-1 — boards' exports mix them, BOM
    included. One streamed pass per candidate; the file is never decoded whole."""
    with open_download(path) as stream:
        head = stream.read(3)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", 0
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open_download(path) as stream:
                stream.read(bom)
                while chunk := stream.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding + ("+bom" if bom else ""), bom
        except UnicodeDecodeError:
            continue
    return "latin-1" + ("+bom" if bom else ""), bom


class LicenseCsvSpider(SourceSpider):
    custom_settings = STREAMING_SETTINGS

    def start_urls_and_callbacks(self):
        return [(self.source.url, self.parse)]

    def first_request(self, url: str, callback: Callable[[Response], Any], **kwargs: Any) -> Request:
        # The file goes to disk as it arrives and is parsed from there, row by row.
        target = Path(self.settings["THERAPISTS_OUT_DIR"]) / ".downloads" / self.source.name
        meta = {"stream_to": str(target), "dont_cache": True}
        return super().first_request(url, callback, meta=meta, **kwargs)

    def parse(self, response: Response) -> Iterator[RawBatch | QuarantineRecord]:
        path = Path(response.meta["stream_to"])
        try:
            encoding, bom = sniff_encoding(path)
            with open_download(path) as stream:
                stream.read(bom)
                text = io.TextIOWrapper(stream, encoding=encoding.removesuffix("+bom"), newline="")
                yield from batched(self._rows(response, text, encoding))
        except (ValueError, zipfile.BadZipFile) as exc:
            self.unreachable = f"cannot unpack {response.url}: {exc}"
            yield self.quarantine(self.unreachable)

    def _rows(self, response: Response, text: IO[str], encoding: str) -> Iterator[RawRecord | QuarantineRecord]:
        source = self.source
        self.crawler.stats.set_value("therapists/encoding", encoding)
        reader = csv.reader(text, delimiter=source.delimiter)
        header = next(reader, None)
        if not header:
            self.unreachable = f"{response.url} is empty"
            yield self.quarantine(self.unreachable)
            return
        header = [h.strip() for h in header]
        mapping = source.columns.headers()
        wanted = [name for theirs in mapping.values() for name in (theirs if isinstance(theirs, list) else [theirs])]
        missing = [theirs for theirs in wanted if theirs not in header]
        if missing:
            self.unreachable = f"columns {missing} are not in the header of {response.url}"
            yield self.quarantine(self.unreachable, raw=header)
            return
        index = {ours: header.index(theirs) for ours, theirs in mapping.items() if isinstance(theirs, str)}
        # Several status columns: the row's status is the list of their words, in the order named.
        status_columns = [header.index(name) for name in mapping["status"]] if isinstance(mapping.get("status"), list) else None
        context = {
            "state": source.state,
            "date_format": source.date_format,
            "status_map": {word: status.value for word, status in source.status_map.items()},
            "address_kind": source.address_kind,
        }
        for row_number, row in enumerate(reader, start=2):
            if not "".join(row).strip():
                continue
            if len(row) != len(header):
                yield self.quarantine(f"expected {len(header)} columns, found {len(row)}", raw=row, row_number=row_number)
                continue
            record: dict[str, Any] = {ours: row[i] for ours, i in index.items()}
            if status_columns is not None:
                record["status"] = [row[i] for i in status_columns]
            if not record["license_number"].strip():
                yield self.quarantine("missing licence number", raw=record, row_number=row_number)
                continue
            bad_date = self._bad_date(record)
            if bad_date:
                yield self.quarantine(bad_date, raw=record, row_number=row_number)
                continue
            record["row_number"] = str(row_number)
            yield RawRecord("license_row", data=record, context=context)

    def _bad_date(self, record: dict[str, Any]) -> str | None:
        for field in ("issued_on", "expires_on"):
            value = record.get(field, "").strip()
            if value.upper() not in _EMPTY_DATES and not _is_date(value, self.source.date_format):
                return f"impossible date {value!r} in {field} (expected {self.source.date_format})"
        return None


@lru_cache(maxsize=100_000)
def _is_date(value: str, date_format: str) -> bool:
    # Cached: a board file repeats a few thousand dates over its rows, and strptime is slow.
    try:
        datetime.strptime(value, date_format)
    except ValueError:
        return False
    return True
