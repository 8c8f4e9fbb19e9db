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


def _city(rec: SourceRecord) -> dict[str, Any] | None:
    loc = rec.location
    if loc is None or not loc.city:
        return None
    return loc.model_dump(mode="json")


def _city_key(value: dict[str, Any]) -> str:
    return f"{str(value.get('city') or '').casefold().strip()}|{str(value.get('state') or '').upper()}"


def _grouped(group: list[SourceRecord], value_of: Callable[[SourceRecord], Any], key_of: Callable[[Any], str]) -> list[ConflictValue]:
    by_key: dict[str, ConflictValue] = {}
    for rec in sorted(group, key=lambda r: r.key):
        value = value_of(rec)
        if value is None:
            continue
        found = by_key.setdefault(key_of(value), ConflictValue(value=value, sources=[], records=[]))
        if rec.source not in found.sources:
            found.sources.append(rec.source)
        found.records.append(rec.key)
    return list(by_key.values())


def _issue_date_conflicts(group: list[SourceRecord], listing: Listing, today: date) -> list[FactConflict]:
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
    compared: tuple[tuple[ConflictField, list[ConflictValue]], ...] = (
        ("phone", _grouped(group, lambda r: r.phone, str)),
        ("gender", _grouped(group, lambda r: r.gender, str)),
        ("location", _grouped(group, _city, _city_key)),
    )
    for name, values in compared:
        if len(values) > 1:
            shown = getattr(listing, name)
            found.append(
                FactConflict(
                    listing_id=listing.id, field=name, values=values, shown=shown.model_dump(mode="json") if name == "location" else shown
                )
            )
    return found + _issue_date_conflicts(group, listing, today)
