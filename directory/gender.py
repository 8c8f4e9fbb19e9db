"""The genders a listing may state, listed once (the listing model, the search parameters, the
columnar index and the API's help all read this). Kept apart from `models` so the command line
can read it without importing pydantic."""

from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    """A source's other words for gender are left out.

    Append new ones at the end: the columnar index codes each gender by its position."""

    female = "female"
    male = "male"
    non_binary = "non-binary"


GENDERS: tuple[Gender, ...] = tuple(Gender)
