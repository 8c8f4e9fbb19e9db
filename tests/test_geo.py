from __future__ import annotations

import pytest

from directory.errors import InvalidParameter
from directory.gazetteer import resolve_near
from directory.geo import bounding_box, city_place, distance_km, zip_place


def test_zip_centroids_come_from_the_offline_table() -> None:
    austin = zip_place("78704")
    assert austin is not None and austin.city == "Austin" and austin.state == "TX"
    assert abs(austin.lat - 30.24) < 0.05 and abs(austin.lon + 97.77) < 0.05
    assert zip_place("78704-1234") == austin and zip_place("787041234") == austin
    assert zip_place("00000") is None and zip_place("abc") is None


def test_city_centroid_and_spelling_variants() -> None:
    place = city_place("austin", "tx")
    assert place is not None and 30.1 < place.lat < 30.6
    assert city_place("St. Petersburg", "FL") is not None
    assert city_place("Saint Petersburg", "FL") == city_place("St Petersburg", "FL")


@pytest.mark.parametrize("text", ["78704", "Austin, TX", "30.2672,-97.7431", " 30.2672 , -97.7431 "])
def test_near_accepts_zip_city_and_coordinates(text: str) -> None:
    place = resolve_near(text)
    assert distance_km(place.lat, place.lon, 30.2672, -97.7431) < 15


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty"),
        ("99999", "unknown US ZIP"),
        ("Nowhere, TX", "unknown city"),
        ("Austin, XX", "unknown US state"),
        ("91,0", "latitude"),
        ("0,181", "longitude"),
        ("by the river", "is not a US place"),
    ],
)
def test_near_rejects_what_it_cannot_place(text: str, reason: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        resolve_near(text)
    assert info.value.parameter == "near" and reason in info.value.reason


def test_distance_and_box() -> None:
    # Austin to Houston is about 235 km as the crow flies.
    assert 225 < distance_km(30.2672, -97.7431, 29.7604, -95.3698) < 245
    min_lat, max_lat, min_lon, max_lon = bounding_box(30.0, -97.0, 40)
    assert min_lat < 30.0 - 0.35 and max_lat > 30.0 + 0.35 and min_lon < -97.4 and max_lon > -96.6


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Austin", "Austin, TX"),  # the most populous place of the name
        ("san diego", "San Diego, CA"),
        ("Austin TX", "Austin, TX"),  # no comma
        ("St. Louis", "St. Louis, MO"),
        ("78704-1234", "78704 (Austin, TX)"),  # ZIP+4
    ],
)
def test_near_places_people_type(text: str, label: str) -> None:
    assert resolve_near(text).label == label
