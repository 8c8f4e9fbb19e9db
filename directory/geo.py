"""Offline geography: ZIP and "City, ST" centroids from the `zipcodes` package, and distances.
Free text places ("City ST", a city alone, ZIP+4, "lat,lon") are read by `directory.gazetteer.resolve_near`.

No network is ever used. The ZIP table is loaded once per process, on first use.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

EARTH_RADIUS_KM = 6371.0088
_NON_DIGITS = re.compile(r"\D")
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split()
)


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    considered: tuple[str, ...] = ()  # other places the name could have meant ("Austin, MN")


@dataclass(frozen=True)
class _Tables:
    by_zip: dict[str, Place]
    by_city: dict[tuple[str, str], Place]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    by_zip: dict[str, Place] = {}
    city_points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    city_names: dict[tuple[str, str], str] = {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        state = row["state"]
        by_zip[row["zip_code"]] = Place(lat, lon, f"{row['zip_code']} ({row['city']}, {state})", row["city"], state, row["zip_code"])
        # PO-box and unique ZIPs sit on post offices and companies; they would skew a city's centre.
        if row.get("zip_code_type") == "STANDARD":
            for city in [row["city"], *row.get("acceptable_cities", [])]:
                key = (city_key(city), state)
                city_points.setdefault(key, []).append((lat, lon))
                city_names.setdefault(key, city)
    by_city = {
        key: Place(
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
            f"{city_names[key]}, {key[1]}",
            city_names[key],
            key[1],
        )
        for key, points in city_points.items()
    }
    return _Tables(by_zip, by_city)


@lru_cache(maxsize=100_000)
def city_key(city: str) -> str:
    """'St. Petersburg', 'SAINT PETERSBURG' and 'st petersburg' give one key."""
    city = city.lower().replace(".", "").replace("saint ", "st ")
    return re.sub(r"\s+", " ", city).strip()


def zip_place(postal_code: str | None) -> Place | None:
    """The centroid of a US ZIP (5 or 9 digits, with or without the dash); None if unknown."""
    if not postal_code:
        return None
    if len(postal_code) == 5 and postal_code.isascii() and postal_code.isdigit():
        return _tables().by_zip.get(postal_code)  # the common shape, without the regex
    digits = _NON_DIGITS.sub("", postal_code)
    if len(digits) not in (5, 9):
        return None
    return _tables().by_zip.get(digits[:5])


def zip_places() -> list[Place]:
    """Every ZIP's centroid."""
    return list(_tables().by_zip.values())


def city_place(city: str | None, state: str | None) -> Place | None:
    if not city or not state:
        return None
    return _tables().by_city.get((city_key(city), state.strip().upper()))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle; a superset the caller refines."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * coslat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance rounded to metres, so every backend reports and ranks the same number."""
    return round(haversine_km(lat1, lon1, lat2, lon2), 3)
