"""Dates boards publish that are not facts: placeholders, and issue dates older than a working life.

A board's system fills a missing date with 01/01/1900, 01/01/1901 or 00/00/0000; read as a date,
that made a 125-year career. Such a date is unknown (kept as published and flagged). An issue date
that is a real date but would make a career longer than a working life is kept on the licence as
the board published it, flagged, and not used for experience.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from indexer.normalize import parse_date

PLACEHOLDER_BEFORE = date(1902, 1, 1)  # 1900 and 1901 stand for "no date" in boards' systems
WORKING_LIFE_YEARS = 55  # longer than any career in practice; experience beyond it is not believed


def license_date(text: object, fmt: str | None = None) -> date | None:
    """A board's date, or None for a placeholder (the caller flags the published text)."""
    try:
        return _license_date(text, fmt)
    except TypeError:  # a value no cache can key (a list): read uncached
        return _read_license_date(text, fmt)


@lru_cache(maxsize=50_000, typed=True)
def _license_date(text: object, fmt: str | None) -> date | None:
    # Cached on the text as published: a board file repeats the same few thousand dates.
    return _read_license_date(text, fmt)


def _read_license_date(text: object, fmt: str | None) -> date | None:
    value = parse_date(text, fmt)
    if value is None or value < PLACEHOLDER_BEFORE:
        return None
    return value


def beyond_working_life(issued_on: date, today: date) -> bool:
    return (today - issued_on).days / 365.25 > WORKING_LIFE_YEARS


def experience_start(issued_on: date | None, today: date) -> date | None:
    """The issue date when it can start a career counted today; None when it is missing, lies in
    the future or further back than a working life."""
    if issued_on is None or issued_on > today or beyond_working_life(issued_on, today):
        return None
    return issued_on
