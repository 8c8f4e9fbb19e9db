"""The raw-record contract between the crawler and the indexer.

The crawler writes one JSONL file per source, each line a `RawRecord`: the record as the
source published it (`data`), what the indexer needs to read it (`context`, e.g. a board's
date format), and provenance. Bad input goes to `quarantine.jsonl` as `QuarantineRecord`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    """The kinds of source the crawler reads, each with its own spider and indexer reader.

    A `StrEnum`: each member equals its value ("nppes" == SourceKind.nppes), so raw files and API
    JSON carry the plain word."""

    nppes = "nppes"  # the NPI Registry API
    license_csv = "license_csv"  # a state licensing board's licensee download
    profile_site = "profile_site"  # a practice website's schema.org data
    cert_roster = "cert_roster"  # a certification body's roster
    nppes_bulk = "nppes_bulk"  # the NPPES Data Dissemination zip; its raw records are stamped `nppes`


QUARANTINE_FILE = "quarantine.jsonl"
SUMMARY_FILE = "crawl_summary.json"


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(kw_only=True)
class Provenance:
    """Where and when a record was fetched; stamped by the crawler, never by a spider."""

    source: str = ""
    kind: str = ""  # a SourceKind; read back as published, so an unknown kind is quarantined by the indexer
    url: str = ""
    fetched_at: str = ""
    content_sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        # Shallow on purpose: `data` is already plain JSON, and asdict's deep copy costs more than
        # the rest of writing a record.
        names = _FIELD_NAMES.get(type(self))
        if names is None:  # dataclasses.fields() walks the class each call: once per class is enough
            names = _FIELD_NAMES[type(self)] = tuple(f.name for f in fields(self))
        return {name: getattr(self, name) for name in names}


@dataclass
class RawRecord(Provenance):
    record_type: str
    data: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> RawRecord:
        if not obj.keys() >= _REQUIRED:
            missing = [name for name in _REQUIRED_ORDER if name not in obj]
            raise ValueError(f"raw record lacks {', '.join(missing)}")
        if not isinstance(obj["data"], dict):
            raise ValueError("raw record 'data' is not an object")
        return cls(
            record_type=_str(obj["record_type"]),
            data=obj["data"],
            context=obj.get("context") or {},
            source=_str(obj["source"]),
            kind=_str(obj["kind"]),
            url=_str(obj["url"]),
            fetched_at=_str(obj["fetched_at"]),
            content_sha256=_str(obj.get("content_sha256", "")),
        )


_REQUIRED_ORDER = ("record_type", "data", "source", "kind", "url", "fetched_at")
_REQUIRED = frozenset(_REQUIRED_ORDER)


def _str(value: Any) -> str:
    return value if value.__class__ is str else str(value)


@dataclass
class QuarantineRecord(Provenance):
    reason: str
    raw: Any = None
    row_number: int | None = None
