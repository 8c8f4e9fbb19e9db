"""A state board's licensee download: delimited text, mapped column by column.

Rows come out as published (values untouched) under our field names. A row with a missing licence
number, a date that does not parse with the board's format, or the wrong number of columns goes
to quarantine with its row number and the reason; the other rows still load.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scrapy.http import Response

from crawler.spiders.base import SourceSpider
from directory.raw import QuarantineRecord, RawRecord

# Values boards print where there is no value; not dates to check.
_EMPTY_DATES = {"", "00/00/0000", "00000000", "*** CONFIDENTIAL ***", "N/A", "NULL"}


def decode_bytes(body: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-16 by its BOM; else UTF-8 (a UTF-8 BOM is
    dropped), falling back to cp1252 and then latin-1 — boards' exports mix them, BOM included."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16"), "utf-16"
    bom = body.startswith(b"\xef\xbb\xbf")
    if bom:
        body = body[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return body.decode(encoding), encoding + ("+bom" if bom else "")
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1"), "latin-1" + ("+bom" if bom else "")


def unpack(body: bytes) -> bytes:
    """A zipped download holds one delimited file; return its bytes (or the body as it is)."""
    if not body.startswith(b"PK\x03\x04"):
        return body
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if not members:
            raise ValueError("the zip archive is empty")
        members.sort(key=lambda m: (not m.filename.lower().endswith((".csv", ".txt", ".tsv")), -m.file_size))
        return archive.read(members[0])


class LicenseCsvSpider(SourceSpider):
    def start_urls_and_callbacks(self):
        return [(self.source.url, self.parse)]

    def parse(self, response: Response) -> Iterator[RawRecord | QuarantineRecord]:
        source = self.source
        try:
            text, encoding = decode_bytes(unpack(response.body))
        except (ValueError, zipfile.BadZipFile) as exc:
            self.unreachable = f"cannot unpack {response.url}: {exc}"
            yield self.quarantine(self.unreachable)
            return
        self.crawler.stats.set_value("therapists/encoding", encoding)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter)
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
            if not any(cell.strip() for cell in row):
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
            if value.upper() in _EMPTY_DATES:
                continue
            try:
                datetime.strptime(value, self.source.date_format)
            except ValueError:
                return f"impossible date {value!r} in {field} (expected {self.source.date_format})"
        return None
