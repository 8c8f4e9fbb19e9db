"""Facts the source records of one listing disagree on, for the review queue.

The merge (`indexer.merge`) still picks one value by source priority; a conflict only tells an
admin that another source said otherwise. Compared: the practice phone, the gender, the practice
city, and the issue date of one licence as different sources give it (beyond a tolerance, as years
of experience; two different licences issued years apart are no conflict)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from directory.models import ConflictField, ConflictValue, FactConflict, Listing
from indexer.extract import SourceRecord
from indexer.merge import DAYS_PER_YEAR
from indexer.normalize import license_key

ISSUE_DATE_TOLERANCE_DAYS = 366  # a board and a profile page a year apart are rounding, not a conflict


def _city_key(rec: SourceRecord) -> str | None:
    """The practice city, as compared: case and spacing aside, in its state."""
    loc = rec.location
    if loc is None or not loc.city:
        return None
    return f"{loc.city.casefold().strip()}|{(loc.state or '').upper()}"


def _city(rec: SourceRecord) -> dict[str, Any]:
    assert rec.location is not None
    return rec.location.model_dump(mode="json")


def _grouped(
    by_key: list[SourceRecord], key_of: Callable[[SourceRecord], str | None], value_of: Callable[[SourceRecord], Any]
) -> list[ConflictValue]:
    """The values the records (in record-key order) give, one per compared key (records without
    one left out), each with its first record's value; none unless they take two keys or more."""
    keyed = [(rec, key) for rec in by_key if (key := key_of(rec)) is not None]
    if len({key for _, key in keyed}) < 2:
        return []
    values: dict[str, ConflictValue] = {}
    for rec, key in keyed:
        found = values.get(key)
        if found is None:
            found = values[key] = ConflictValue(value=value_of(rec), sources=[], records=[])
        if rec.source not in found.sources:
            found.sources.append(rec.source)
        found.records.append(rec.key)
    return list(values.values())


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _issue_date_conflicts(group: list[SourceRecord], listing: Listing, today: date) -> list[FactConflict]:
    issued = [lic.issued_on for rec in group for lic in rec.licenses if lic.issued_on is not None and lic.issued_on <= today]
    if len(issued) < 2 or (max(issued) - min(issued)).days <= ISSUE_DATE_TOLERANCE_DAYS:
        return []  # no two dates far enough apart, whichever licences they are of
    dates: dict[str, dict[date, list[SourceRecord]]] = {}
    for rec in group:
        for lic in rec.licenses:
            if lic.issued_on is not None and lic.issued_on <= today:
                key = license_key(lic.state, lic.number) or f"{lic.state}:{lic.number}"
                dates.setdefault(key, {}).setdefault(lic.issued_on, []).append(rec)
    out = []
    for by_date in dates.values():
        if len(by_date) < 2 or (max(by_date) - min(by_date)).days <= ISSUE_DATE_TOLERANCE_DAYS:
            continue
        values = [
            ConflictValue(
                value=round((today - issued).days / DAYS_PER_YEAR, 1),
                sources=sorted({r.source for r in recs}),
                records=sorted(r.key for r in recs),
            )
            for issued, recs in sorted(by_date.items())
        ]
        out.append(FactConflict(listing_id=listing.id, field="years_experience", values=values, shown=listing.years_experience))
    return out[:1]  # one item per listing and field


def fact_conflicts(group: list[SourceRecord], listing: Listing, today: date) -> list[FactConflict]:
    """The facts `group` (one listing's records, merged into `listing` before overrides) disagrees on."""
    if len(group) < 2:
        return []
    found = []
    by_key = sorted(group, key=lambda r: r.key)
    # Nearly every listing's sources agree, or give one value between them: told apart on the raw
    # values (the compared keys only fold case and spacing), before any is grouped.
    compared: list[tuple[ConflictField, list[ConflictValue]]] = []
    if len({r.phone for r in group} - {None}) > 1:
        compared.append(("phone", _grouped(by_key, lambda r: _text(r.phone), lambda r: r.phone)))
    if len({r.gender for r in group} - {None}) > 1:
        compared.append(("gender", _grouped(by_key, lambda r: _text(r.gender), lambda r: r.gender)))
    if len({(loc.city, loc.state) for r in group if (loc := r.location) is not None and loc.city}) > 1:
        compared.append(("location", _grouped(by_key, _city_key, _city)))
    for name, values in compared:
        if len(values) > 1:
            shown = getattr(listing, name)
            found.append(
                FactConflict(
                    listing_id=listing.id, field=name, values=values, shown=shown.model_dump(mode="json") if name == "location" else shown
                )
            )
    return found + _issue_date_conflicts(group, listing, today)
