"""What linkage reads of a source record, and nothing else: small enough that a national build
holds a million of them while the full records wait on disk (`indexer.record_spool`).

Extraction workers make one `LinkRecord` per `SourceRecord`; the parent links, plans ids and
suppressions on these alone, and the full records are read back only to merge each listing.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from directory.geo import city_key
from directory.models import LicenseStatus
from directory.raw import SourceKind
from indexer.extract import SourceRecord
from indexer.normalize import PersonName


class Identified(Protocol):
    """What ids and suppressions read of a record: a `SourceRecord` or its `LinkRecord`."""

    @property
    def key(self) -> str: ...
    @property
    def npi(self) -> str | None: ...
    @property
    def license_keys(self) -> Collection[str]: ...


Group = Sequence[Identified]  # one person's records

LAPSED = frozenset({LicenseStatus.expired, LicenseStatus.inactive})


def _shared(value: str | None) -> str | None:
    """Names, ZIPs, cities, phones and licences repeat across a million records (a person's
    records share theirs): one string object each."""
    return sys.intern(value) if value else value


def _name(name: PersonName) -> PersonName:
    return PersonName(_shared(name.first) or "", _shared(name.middle) or "", _shared(name.last) or "", _shared(name.suffix) or "")


@dataclass(frozen=True, slots=True)
class LinkRecord:
    key: str  # the record's key after `extract.distinct_keys`
    kind: SourceKind
    name: PersonName
    npi: str | None
    license_keys: tuple[str, ...]  # sorted: a tuple is a quarter of a frozenset's size
    other_names: tuple[PersonName, ...]  # former names the source also gives
    state: str  # where the record places the person (its state, else its practice's), upper case; "" if none
    zip: str | None  # the practice ZIP
    city: str | None  # `geo.city_key` of any city the record gives (may be a mailing city)
    phone: str | None
    lapsed_only: bool  # every licence it shows has expired or been given up (a state left behind)

    @classmethod
    def of(cls, rec: SourceRecord) -> LinkRecord:
        location = rec.location
        city = rec.city or (location.city if location else None)
        return cls(
            key=rec.key,
            kind=rec.kind,
            name=_name(rec.name),
            npi=_shared(rec.npi),
            license_keys=tuple(sorted(_shared(k) or k for k in rec.license_keys)),
            other_names=tuple(_name(n) for n in rec.other_names),
            state=_shared((rec.state or (location.state if location else None) or "").upper()) or "",
            zip=_shared(location.postal_code) if location and location.postal_code else None,
            city=_shared(city_key(city)) if city else None,
            phone=_shared(rec.phone),
            lapsed_only=bool(rec.licenses) and all(lic.status in LAPSED for lic in rec.licenses),
        )

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Extraction workers send LinkRecords to the parent in pickles, one a chunk: strings
        # interned in a worker arrive as new objects, so the parent interns them again as it
        # unpickles (that halves what a million records hold).
        name = self.name
        fields = (name.first, name.middle, name.last, name.suffix, self.npi, self.license_keys, self.other_names, self.state)
        return (_restored, (self.key, self.kind, *fields, self.zip, self.city, self.phone, self.lapsed_only))

    def renamed(self, name: PersonName) -> LinkRecord:
        """The same record under another name (a former name, or a double surname spelt out)."""
        return replace(self, name=name)


def _restored(
    key: str,
    kind: SourceKind,
    first: str,
    middle: str,
    last: str,
    suffix: str,
    npi: str | None,
    license_keys: tuple[str, ...],
    other_names: tuple[PersonName, ...],
    state: str,
    zip: str | None,
    city: str | None,
    phone: str | None,
    lapsed_only: bool,
) -> LinkRecord:
    """A LinkRecord unpickled, its shared strings interned in this process."""
    intern = sys.intern
    return LinkRecord(
        key,
        kind,
        PersonName(intern(first), intern(middle), intern(last), intern(suffix)),
        intern(npi) if npi else npi,
        tuple(intern(k) for k in license_keys) if license_keys else (),
        tuple(_name(n) for n in other_names) if other_names else (),
        intern(state),
        intern(zip) if zip else zip,
        intern(city) if city else city,
        intern(phone) if phone else phone,
        lapsed_only,
    )
