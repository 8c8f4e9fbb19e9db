"""A board's licence status, read from one column or several.

Boards publish status their own way: one word ("CLEAR", "Null and Void"), a word with a qualifier
("Active - With Conditions"), or a plain STATUS column beside a REASON column that carries the
discipline ("ACTIVE" + "SUSPENDED"). Every published word is read through the source's status map,
then the common words below; the most restrictive reading wins; the words are kept as published;
words that mean discipline or a restriction on practice are kept as such, to be shown. A word no
map knows reads as `unknown` (never verified) and is flagged for the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from directory.models import LicenseStatus
from indexer.normalize import clean

S = LicenseStatus
# The common words boards use, so a new board needs no status map for them (keys as `status_key`).
DEFAULT_STATUS_WORDS: dict[str, LicenseStatus] = {
    "ACTIVE": S.active, "CLEAR": S.active, "CURRENT": S.active, "LICENSED": S.active, "NOT EXPIRED": S.active,
    "ACTIVE IN RENEWAL": S.active, "RENEWED": S.active, "RENEWAL APPLICATION SENT": S.active,
    "PRIOR DISCIPLINE": S.active, "ACTIVE PRIOR DISCIPLINE": S.active,
    "EXPIRED": S.expired, "DELINQUENT": S.expired, "LAPSED": S.expired, "NOT RENEWED": S.expired,
    "SUSPENDED": S.suspended, "SUSPENSION": S.suspended, "SUMMARY SUSPENSION": S.suspended,
    "EMERG SUSPENS": S.suspended, "EMERGENCY SUSPENSION": S.suspended, "ACTIVE SUSPENDED": S.suspended,
    "REVOKED": S.revoked, "REVOCATION": S.revoked, "NULL AND VOID": S.revoked,
    "SURRENDERED": S.revoked, "SURRENDER": S.revoked, "VOLUNTARY SURRENDER": S.revoked,
    "PROBATION": S.probation, "ON PROBATION": S.probation, "ACTIVE PROBATION": S.probation,
    "PROBATIONARY": S.probation, "ACTIVE ON PROBATION": S.probation,
    "RESTRICTED": S.restricted, "LICENSE RESTRICTED": S.restricted, "ACTIVE RESTRICTED": S.restricted,
    "ACTIVE WITH CONDITIONS": S.restricted, "CONDITIONAL": S.restricted, "ACTIVE CONDITIONAL": S.restricted,
    "LIMITED": S.restricted,
    "INACTIVE": S.inactive, "RETIRED": S.inactive, "VOL RELINQ": S.inactive, "DECEASED": S.inactive,
    "CLOSED": S.inactive, "CANCELLED": S.inactive, "CANCELED": S.inactive,
}  # fmt: skip

# Most restrictive first: a row reading ACTIVE in one column and SUSPENDED in another is suspended.
RESTRICTIVENESS = (S.revoked, S.suspended, S.probation, S.restricted, S.expired, S.inactive, S.unknown, S.active)
_RANK = {status: rank for rank, status in enumerate(RESTRICTIVENESS)}
_DISCIPLINE = frozenset({S.revoked, S.suspended, S.probation})
_RESTRICTION = frozenset({S.restricted, S.probation})
_NON_WORD = re.compile(r"[^A-Z0-9]+")


def status_key(word: str) -> str:
    """'Active - With Conditions' and 'ACTIVE WITH CONDITIONS' read alike."""
    return _NON_WORD.sub(" ", word.upper()).strip()


@dataclass
class StatusReading:
    status: LicenseStatus
    published: list[str] = field(default_factory=list)  # every column's word, as published
    restrictions: list[str] = field(default_factory=list)  # the words restricting practice, as published
    discipline: list[str] = field(default_factory=list)  # the words recording discipline, as published
    unknown_words: list[str] = field(default_factory=list)  # words no map knows

    @property
    def verified(self) -> bool:
        """Active and unrestricted: the only reading shown as a verified licence."""
        return self.status == S.active and not self.restrictions


def _word_status(word: str, status_map: dict[str, str]) -> LicenseStatus | None:
    mapped = status_map.get(word) or status_map.get(word.upper())
    if mapped is None:
        key = status_key(word)
        mapped = next((value for theirs, value in status_map.items() if status_key(theirs) == key), None)
        if mapped is None:
            return DEFAULT_STATUS_WORDS.get(key)
    return LicenseStatus(mapped)


def read_status(words: list[str | None], status_map: dict[str, str], expires_on: date | None, today: date) -> StatusReading:
    """The licence's status from the words of its status columns (blank columns say nothing);
    without any word, the expiry date decides. An 'active' licence past its expiry is expired."""
    cleaned = (clean(words[0]),) if len(words) == 1 else tuple(clean(raw) for raw in words)
    try:
        read = _read_words(cleaned, tuple(status_map.items()))
    except (TypeError, AttributeError):  # a status map that cannot be a cache key: read uncached
        read = _words_read(cleaned, status_map)
    status, published, restrictions, discipline, unknown_words = read
    reading = StatusReading(S.unknown, list(published), list(restrictions), list(discipline), list(unknown_words))
    if status is not None:
        reading.status = status
    elif expires_on is not None:
        reading.status = S.active
    if reading.status == S.active and expires_on is not None and expires_on < today:
        reading.status = S.expired
    return reading


_WordsRead = tuple[LicenseStatus | None, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=20_000)
def _read_words(words: tuple[str | None, ...], status_map: tuple[tuple[str, str], ...]) -> _WordsRead:
    # Cached: a board writes a handful of status words, and its map is the same on every row.
    return _words_read(words, dict(status_map))


def _words_read(words: tuple[str | None, ...], mapping: dict[str, str]) -> _WordsRead:
    published: list[str] = []
    restrictions: list[str] = []
    discipline: list[str] = []
    unknown_words: list[str] = []
    statuses: list[LicenseStatus] = []
    for word in words:
        if word is None:
            continue
        published.append(word)
        status = _word_status(word, mapping)
        if status is None:
            unknown_words.append(word)
            status = S.unknown
        statuses.append(status)
        key = status_key(word)
        if status in _DISCIPLINE or "DISCIPLIN" in key:
            discipline.append(word)
        if status in _RESTRICTION or "RESTRICT" in key or "CONDITION" in key:
            restrictions.append(word)
    most = min(statuses, key=_RANK.__getitem__) if statuses else None
    return most, tuple(published), tuple(restrictions), tuple(discipline), tuple(unknown_words)
