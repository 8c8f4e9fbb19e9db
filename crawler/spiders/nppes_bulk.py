"""The NPPES Data Dissemination file: the whole NPI registry as one zip, monthly, plus weekly updates.

The NPI Registry API returns at most 1,200 records a query, so a national crawl loads the bulk
file instead: a zip holding `npidata_pfile_<from>-<to>.csv` (every field double-quoted, 330
columns, about 9 GB), `othername_pfile_…csv` (other names) and `pl_pfile_…csv` (secondary practice
locations); weekly files have the same layout and replace the records they carry.

Each zip is streamed to disk (crawler.streaming) and read as a stream, in memory that grows with
the massage therapists kept, never with the rows read: a line is parsed as CSV only when it
carries one of the source's taxonomy codes and is an individual's (Entity Type Code 1), or names
an NPI already kept (a weekly deactivation). The kept lines wait in a file on disk, indexed by
NPI; the companion files are joined for those NPIs only. Records come out in the NPI Registry
API's JSON shape, stamped with the `nppes` kind, so the indexer reads them as it reads the API
spider's. A deactivated NPI (a deactivation date without a later reactivation) is marked
`basic.status = "D"` with its date, as the API marks it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from scrapy.http import Request, Response

from crawler.spiders.base import STREAMING_SETTINGS, RawBatch, SourceSpider, batched
from directory.raw import QuarantineRecord, RawRecord, SourceKind

# NUCC taxonomy codes whose description says massage (NUCC code set 25.x), with the API's words.
MASSAGE_TAXONOMIES: dict[str, str] = {
    "225700000X": "Massage Therapist",
    "163WM1400X": "Registered Nurse, Nurse Massage Therapist (NMT)",
}
TAXONOMY_SLOTS = 15
UNAVAILABLE = "<UNAVAIL>"  # what NPPES prints where a value is withheld
OTHER_NAME_TYPES = {
    "1": "Former Name",
    "2": "Professional Name",
    "3": "Doing Business As",
    "4": "Former Legal Business Name",
    "5": "Other Name",
}
_US_DATE = re.compile(r"^(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/\d{4}$")
_MEMBER = re.compile(r"(npidata|othername|pl)_pfile_[^/]*\.csv$", re.IGNORECASE)
PL = "Provider Secondary Practice Location Address"
_EMPTY_LISTS: dict[str, list[Any]] = {
    "taxonomies": [],
    "addresses": [],
    "practiceLocations": [],
    "other_names": [],
    "identifiers": [],
    "endpoints": [],
}


@dataclass
class _Kept:
    """Where a kept NPI's latest line lies in the spool file, and what its companions add."""

    offset: int
    length: int
    other_names: list[dict[str, str]] = field(default_factory=list)
    locations: list[dict[str, str]] = field(default_factory=list)


def _value(text: str) -> str:
    return "" if text == UNAVAILABLE else text.strip()


def _iso(text: str) -> str:
    """The API's ISO date from the bulk file's MM/DD/YYYY; kept as published if it is not one."""
    text = _value(text)
    if _US_DATE.match(text):
        return f"{text[6:10]}-{text[0:2]}-{text[3:5]}"
    return text


def _members(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"npidata": [], "othername": [], "pl": []}
    for name in archive.namelist():
        match = _MEMBER.search(name)
        if match and "fileheader" not in name.lower():
            found[match.group(1).lower()].append(name)
    return found


def _parse(line: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(line.decode("utf-8", errors="replace"))), [])


class BulkReader:
    """The selection and join over one or more dissemination zips, in order (monthly, then weeklies)."""

    def __init__(self, spool: Path, codes: list[str], states: list[str]) -> None:
        self.spool_path = spool
        self.codes = [code.encode() for code in codes]
        self.descriptions = {code: MASSAGE_TAXONOMIES.get(code, "") for code in codes}
        self.states = set(states)
        self.kept: dict[bytes, _Kept] = {}  # by the NPI's ten ASCII digits
        self.header: list[str] = []
        self.rows = 0
        self.deactivated = 0

    def read_main(self, archive: zipfile.ZipFile, member: str) -> None:
        with archive.open(member) as raw, open(self.spool_path, "ab") as spool:
            # ZipExtFile reads lines in Python; a C BufferedReader over it splits them ten times faster.
            stream = io.BufferedReader(cast(io.RawIOBase, raw), buffer_size=1 << 20)
            header = _parse(next(stream, b""))
            if not self.header:
                self.header = header
                self._columns(header)
            elif header != self.header:
                raise ValueError(f"{member} has a different column layout from the first file")
            # The hot loop, at hundreds of thousands of lines a second: a line is looked at as bytes,
            # and parsed only when it may be kept. Every field is quoted, so a complete record ends
            # in '"' + newline; a line that does not (a line break inside a field) is completed first.
            codes, kept, pending = self.codes, self.kept, b""
            for line in stream:
                if pending:
                    line, pending = pending + line, b""
                if not line.endswith((b'"\r\n', b'"\n')) and line.count(b'"') % 2:
                    pending = line
                    continue
                self.rows += 1
                npi = line[1:11]
                if line[13:16] == b'"1"':  # Entity Type Code 1: an individual
                    for code in codes:
                        if code in line:
                            break
                    else:
                        if npi not in kept:
                            continue
                    if self.states and npi not in kept and _parse(line)[self.col["state"]] not in self.states:
                        continue
                elif npi not in kept:
                    continue  # an organisation, or a blank row for an NPI not kept
                kept[npi] = _Kept(spool.tell(), len(line))  # a later file's line replaces an earlier one
                spool.write(line)
            if pending:
                raise ValueError(f"{member} ends inside a quoted field")

    def _columns(self, header: list[str]) -> None:
        names = {
            "npi": "NPI",
            "entity": "Entity Type Code",
            "last": "Provider Last Name (Legal Name)",
            "first": "Provider First Name",
            "middle": "Provider Middle Name",
            "prefix": "Provider Name Prefix Text",
            "suffix": "Provider Name Suffix Text",
            "credential": "Provider Credential Text",
            "state": "Provider Business Practice Location Address State Name",
            "enumerated": "Provider Enumeration Date",
            "updated": "Last Update Date",
            "deactivation_reason": "NPI Deactivation Reason Code",
            "deactivated": "NPI Deactivation Date",
            "reactivated": "NPI Reactivation Date",
        }
        missing = [name for name in names.values() if name not in header]
        if missing:
            raise ValueError(f"the NPPES file lacks the columns {missing}")
        self.col = {ours: header.index(theirs) for ours, theirs in names.items()}
        self.index = {name: i for i, name in enumerate(header)}
        # "Provider Sex Code" since 2025; "Provider Gender Code" before.
        self.sex = self.index.get("Provider Sex Code", self.index.get("Provider Gender Code"))

    def read_companions(self, archive: zipfile.ZipFile, members: dict[str, list[str]]) -> None:
        for member in members["othername"]:
            for row in self._companion_rows(archive, member):
                kept = self.kept.get(row.get("NPI", "").encode())
                if kept is not None and _value(row.get("Provider Other Organization Name", "")):
                    code = _value(row.get("Provider Other Organization Name Type Code", ""))
                    kept.other_names.append(
                        {
                            "type": OTHER_NAME_TYPES.get(code, "Other Name"),
                            "code": code,
                            "organization_name": row["Provider Other Organization Name"],
                        }
                    )
        for member in members["pl"]:
            for row in self._companion_rows(archive, member):
                kept = self.kept.get(row.get("NPI", "").encode())
                if kept is None:
                    continue
                kept.locations.append(
                    {
                        "address_purpose": "SECONDARY",
                        "address_1": _value(row.get(f"{PL}- Address Line 1", "")),
                        "address_2": _value(row.get(f"{PL}-  Address Line 2", "")),
                        "city": _value(row.get(f"{PL} - City Name", "")),
                        "state": _value(row.get(f"{PL} - State Name", "")),
                        "postal_code": _value(row.get(f"{PL} - Postal Code", "")),
                        "country_code": _value(row.get(f"{PL} - Country Code (If outside U.S.)", "")),
                        "telephone_number": _value(row.get(f"{PL} - Telephone Number", "")),
                    }
                )

    def _companion_rows(self, archive: zipfile.ZipFile, member: str) -> Iterator[dict[str, str]]:
        with archive.open(member) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
            for row in csv.DictReader(text):
                if row.get("NPI", "").encode() in self.kept:  # only the NPIs kept; the rest are never held
                    yield row

    def records(self) -> Iterator[dict[str, Any] | QuarantineRecord]:
        """The kept NPIs' records; a row of the wrong width is quarantined with its line."""
        with open(self.spool_path, "rb") as spool:
            for npi, kept in self.kept.items():
                spool.seek(kept.offset)
                line = spool.read(kept.length)
                row = _parse(line)
                if len(row) != len(self.header):
                    reason = f"NPI {npi.decode()}: expected {len(self.header)} columns, found {len(row)}"
                    yield QuarantineRecord(reason=reason, raw=line.decode("utf-8", "replace")[:2000])
                    continue
                record = self.api_record(row, kept)
                if record is not None:
                    yield record

    def api_record(self, row: list[str], kept: _Kept) -> dict[str, Any] | None:
        """A bulk row in the NPI Registry API's JSON shape (the fields the API publishes)."""
        col, index = self.col, self.index
        get = lambda name: _value(row[index[name]]) if name in index else ""  # noqa: E731 - a local reader
        deactivated, reactivated = _iso(row[col["deactivated"]]), _iso(row[col["reactivated"]])
        active = not deactivated or (reactivated and reactivated >= deactivated)
        if not active:
            self.deactivated += 1
        if _value(row[col["entity"]]) != "1":
            if active:
                return None  # an organisation, or a blank row that is not a deactivation
            # A blank deactivated row (NPPES empties them) for an NPI kept from an earlier file.
            basic = {"status": "D", "deactivation_date": deactivated}
            return {"number": _value(row[col["npi"]]), "enumeration_type": None, "basic": basic, **_EMPTY_LISTS}
        taxonomies = []
        for slot in range(1, TAXONOMY_SLOTS + 1):
            code = get(f"Healthcare Provider Taxonomy Code_{slot}")
            if not code:
                continue  # empty slots are common between filled ones
            taxonomies.append(
                {
                    "code": code,
                    "desc": self.descriptions.get(code, ""),
                    "primary": get(f"Healthcare Provider Primary Taxonomy Switch_{slot}") == "Y",
                    "state": get(f"Provider License Number State Code_{slot}") or None,
                    "license": get(f"Provider License Number_{slot}") or None,
                    "taxonomy_group": get(f"Healthcare Provider Taxonomy Group_{slot}"),
                }
            )
        other_names = []
        if get("Provider Other Last Name"):
            code = get("Provider Other Last Name Type Code")
            other_names.append(
                {
                    "type": OTHER_NAME_TYPES.get(code, "Other Name"),
                    "code": code,
                    "first_name": get("Provider Other First Name"),
                    "last_name": get("Provider Other Last Name"),
                    "middle_name": get("Provider Other Middle Name"),
                    "prefix": get("Provider Other Name Prefix Text"),
                    "suffix": get("Provider Other Name Suffix Text"),
                    "credential": get("Provider Other Credential Text"),
                }
            )
        basic = {
            "first_name": get("Provider First Name"),
            "last_name": get("Provider Last Name (Legal Name)"),
            "middle_name": get("Provider Middle Name"),
            "name_prefix": get("Provider Name Prefix Text"),
            "name_suffix": get("Provider Name Suffix Text"),
            "credential": get("Provider Credential Text"),
            "sole_proprietor": {"Y": "YES", "N": "NO"}.get(get("Is Sole Proprietor"), ""),
            "sex": _value(row[self.sex]) if self.sex is not None else "",
            "enumeration_date": _iso(row[col["enumerated"]]),
            "last_updated": _iso(row[col["updated"]]),
            "status": "A" if active else "D",
        }
        if deactivated:
            basic["deactivation_date"] = deactivated
            basic["deactivation_reason"] = _value(row[col["deactivation_reason"]])
        if reactivated:
            basic["reactivation_date"] = reactivated
        return {
            "number": _value(row[col["npi"]]),
            "enumeration_type": "NPI-1",
            "basic": {k: v for k, v in basic.items() if v != ""},
            "taxonomies": taxonomies,
            "addresses": [self._address(get, "LOCATION", "Business Practice Location"), self._address(get, "MAILING", "Business Mailing")],
            "practiceLocations": kept.locations,
            "other_names": other_names + kept.other_names,
            "identifiers": [],
            "endpoints": [],
        }

    @staticmethod
    def _address(get: Any, purpose: str, words: str) -> dict[str, Any]:
        first, second = ("First Line Business Practice Location Address", "Second Line Business Practice Location Address")
        if purpose == "MAILING":
            first, second = "First Line Business Mailing Address", "Second Line Business Mailing Address"
        return {
            "address_purpose": purpose,
            "address_type": "DOM",
            "address_1": get(f"Provider {first}"),
            "address_2": get(f"Provider {second}"),
            "city": get(f"Provider {words} Address City Name"),
            "state": get(f"Provider {words} Address State Name"),
            "postal_code": get(f"Provider {words} Address Postal Code"),  # ZIP+4 without a hyphen, as the API has it
            "country_code": get(f"Provider {words} Address Country Code (If outside U.S.)"),
            "telephone_number": get(f"Provider {words} Address Telephone Number"),
            "fax_number": get(f"Provider {words} Address Fax Number"),
        }


def read_archives(
    paths: list[Path], spool: Path, codes: list[str], states: list[str]
) -> tuple[BulkReader, Iterator[dict[str, Any] | QuarantineRecord]]:
    """Select and join over the zips in order; the reader (for its counts) and its records."""
    spool.unlink(missing_ok=True)
    reader = BulkReader(spool, codes, states)
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            members = _members(archive)
            if len(members["npidata"]) != 1:
                raise ValueError(f"{path.name} holds {len(members['npidata'])} npidata_pfile CSVs, expected one")
            reader.read_main(archive, members["npidata"][0])
    for path in paths:  # companions once every main file has decided which NPIs are kept
        with zipfile.ZipFile(path) as archive:
            reader.read_companions(archive, _members(archive))
    return reader, reader.records()


class NppesBulkSpider(SourceSpider):
    custom_settings = STREAMING_SETTINGS
    record_kind = SourceKind.nppes  # the same raw records as the API spider's

    def _target(self, position: int) -> Path:
        return Path(self.settings["THERAPISTS_OUT_DIR"]) / ".downloads" / f"{self.source.name}.{position}.zip"

    def _request(self, position: int) -> Request:
        urls = [self.source.url, *self.source.weekly_urls]
        meta = {"stream_to": str(self._target(position)), "dont_cache": True, "position": position}
        return self.first_request(urls[position], self.parse, meta=meta)

    async def start(self) -> AsyncIterator[Request]:
        yield self._request(0)

    def parse(self, response: Response) -> Iterator[RawBatch | QuarantineRecord | Request]:
        position = response.meta["position"]
        if position < len(self.source.weekly_urls):  # the files are fetched one after another
            yield self._request(position + 1)
            return
        paths = [self._target(i) for i in range(position + 1)]
        stats = self.crawler.stats
        try:
            reader, records = read_archives(paths, self._target(0).with_suffix(".spool"), self.source.taxonomy_codes, self.source.states)
            yield from batched(
                data if isinstance(data, QuarantineRecord) else RawRecord("nppes_provider", data=data, context={"bulk_file": response.url})
                for data in records
            )
        except (ValueError, zipfile.BadZipFile, csv.Error) as exc:
            self.unreachable = f"cannot read the NPPES file {response.url}: {exc}"
            yield self.quarantine(self.unreachable)
            return
        finally:
            self._target(0).with_suffix(".spool").unlink(missing_ok=True)
        stats.set_value("therapists/nppes_bulk/rows", reader.rows)
        stats.set_value("therapists/nppes_bulk/kept", len(reader.kept))
        stats.set_value("therapists/nppes_bulk/deactivated", reader.deactivated)
        self.logger.info(
            "NPPES bulk: %d rows read, %d massage therapists kept, %d deactivated", reader.rows, len(reader.kept), reader.deactivated
        )
