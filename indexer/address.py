"""Address hygiene for what boards and registries publish: state names, ZIP repair, non-US places.

Boards' exports write "MISSOURI" or "Kansas" where a code belongs, type the letter O for a zero
("O6484-4621"), lose a New England ZIP's leading zero to a spreadsheet ("6484"), and list
licensees who live in Canada. A ZIP is geocoded only when it lies in the address's own state:
a repaired or mistyped code that lands elsewhere is flagged and the city is used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from directory.geo import US_STATES, Place, city_place, zip_place
from directory.models import Location
from indexer.normalize import clean

US_STATE_NAMES: dict[str, str] = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA", "COLORADO": "CO",
    "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
    "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "PUERTO RICO": "PR", "VIRGIN ISLANDS": "VI",
    "US VIRGIN ISLANDS": "VI", "GUAM": "GU", "AMERICAN SAMOA": "AS", "NORTHERN MARIANA ISLANDS": "MP",
    "WASHINGTON DC": "DC", "WASHINGTON D C": "DC",
}  # fmt: skip
CANADIAN_PROVINCES: dict[str, str] = {
    "ALBERTA": "AB", "BRITISH COLUMBIA": "BC", "MANITOBA": "MB", "NEW BRUNSWICK": "NB",
    "NEWFOUNDLAND AND LABRADOR": "NL", "NEWFOUNDLAND": "NL", "NOVA SCOTIA": "NS", "NORTHWEST TERRITORIES": "NT",
    "NUNAVUT": "NU", "ONTARIO": "ON", "PRINCE EDWARD ISLAND": "PE", "QUEBEC": "QC", "QUÉBEC": "QC",
    "SASKATCHEWAN": "SK", "YUKON": "YT",
}  # fmt: skip
PROVINCE_CODES = frozenset(CANADIAN_PROVINCES.values())

_NON_LETTERS = re.compile(r"[^A-ZÉ]+")
# A US ZIP as typed: five digits, optionally four more, where an O may stand for a zero.
_ZIP_AS_TYPED = re.compile(r"^([0-9O]{5})(?:[- ]?([0-9O]{4}))?$")
_SHORT_ZIP = re.compile(r"^(\d{4})(?:-?(\d{4}))?$")  # a leading zero lost to a spreadsheet


@dataclass(frozen=True)
class Region:
    code: str | None  # two-letter US state or Canadian province code, else None
    us: bool  # True for a US state or territory (or when no state is given)


@lru_cache(maxsize=10_000)
def region(state: str | None) -> Region:
    """'MISSOURI', 'Kansas', 'mo', 'Alberta' → their codes; whether the place is in the US."""
    text = clean(state)
    if not text:
        return Region(None, True)
    key = _NON_LETTERS.sub(" ", text.upper()).strip()
    if key in US_STATES:
        return Region(key, True)
    if key in PROVINCE_CODES:
        return Region(key, False)
    if key in US_STATE_NAMES:
        return Region(US_STATE_NAMES[key], True)
    if key in CANADIAN_PROVINCES:
        return Region(CANADIAN_PROVINCES[key], False)
    return Region(None, False)  # a foreign region, or text that is no region at all


def state_code(state: str | None) -> str | None:
    """The two-letter code of a state or province written either way; None if it is neither."""
    return region(state).code


@lru_cache(maxsize=200_000)
def repair_zip(postal_code: str) -> str | None:
    """A ZIP typed with the letter O for zero, spaced or hyphenated, as five digits; None otherwise."""
    text = postal_code.strip().upper()
    match = _ZIP_AS_TYPED.match(text)
    if match is None:
        return None
    code = match.group(1).replace("O", "0")
    return None if code == "00000" else code


@dataclass
class PlacedAddress:
    """A practice address made ready to show, and what could not be used as published."""

    location: Location | None
    flags: list[tuple[str, str]] = field(default_factory=list)  # (field, the value as published)


def place_address(address: str | None, city: str | None, state: str | None, postal_code: str | None) -> PlacedAddress:
    """Geocode a practice address offline, safely: a US ZIP only within its own state, else the city;
    a non-US address is kept as published and never placed on the US map."""
    location, flags = placed_location(address, city, state, postal_code)
    return PlacedAddress(location, list(flags))


def placed_location(
    address: str | None, city: str | None, state: str | None, postal_code: str | None
) -> tuple[Location | None, tuple[tuple[str, str], ...]]:
    """`place_address` as a (location, flags) pair, for a caller that only copies the flags."""
    try:
        placed = _placed_as_published(city, state, postal_code)
    except TypeError:  # a value no cache can key (a list): read uncached
        placed = _placed(clean(city), clean(state), clean(postal_code))
    if placed.fields is None or (placed.street_only and not address):
        return None, placed.flags
    return Location(address=clean(address), **placed.fields), placed.flags


@dataclass(frozen=True)
class _Placed:
    """What an address's city, state and ZIP give: the Location but its street, and the flags."""

    fields: dict[str, Any] | None  # None: no location; never changed (keyword arguments)
    flags: tuple[tuple[str, str], ...]
    street_only: bool = False  # a non-US address with neither city nor ZIP: a location only if it has a street


@lru_cache(maxsize=200_000, typed=True)
def _placed_as_published(city: object, state: object, postal_code: object) -> _Placed:
    # Cached on the values as published (typed: 1 and True are one key but not one text): a crawl
    # repeats its cities, states and ZIPs; only the street differs.
    return _placed(clean(city), clean(state), clean(postal_code))


def _placed(city: str | None, raw_state: str | None, raw_zip: str | None) -> _Placed:
    where = region(raw_state)
    flags: list[tuple[str, str]] = []
    if raw_state and where.code is None:
        flags.append(("state", raw_state))
    if not where.us:
        shown = city.title() if city and city.isupper() else city
        fields: dict[str, Any] = {"city": shown, "state": where.code or raw_state, "postal_code": raw_zip}
        return _Placed(fields, tuple(flags), street_only=not (city or raw_zip))
    code, place = _zip_in_state(raw_zip, where.code, flags)
    if place is None:
        place = city_place(city, where.code)
    if place is None and not city:
        return _Placed(None, tuple(flags))
    fields = {
        "city": (city.title() if city and city.isupper() else city) or (place.city if place else None),
        "state": where.code or (place.state if place else None),
        "postal_code": code,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
    }
    return _Placed(fields, tuple(flags))


def _zip_in_state(raw_zip: str | None, state: str | None, flags: list[tuple[str, str]]) -> tuple[str | None, Place | None]:
    if not raw_zip:
        return None, None
    code = repair_zip(raw_zip)
    if code is None and (short := _SHORT_ZIP.match(raw_zip.strip())) and state:
        padded = "0" + short.group(1)  # only kept when the padded ZIP lies in the address's state
        if (found := zip_place(padded)) is not None and found.state == state:
            code = padded
    if code is None:
        flags.append(("postal_code", raw_zip))
        return None, None
    place = zip_place(code)
    if place is not None and state and place.state != state:
        # A ZIP in another state is a typo or a bad repair: never place the listing there.
        flags.append(("postal_code_not_in_state", raw_zip))
        return None, None
    return code, place
