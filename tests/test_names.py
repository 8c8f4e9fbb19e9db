"""Name search: accents, case, punctuation, nicknames, typos; and the backends use it."""

from __future__ import annotations

import pytest

from directory.names import name_matches


@pytest.mark.parametrize(
    ("typed", "listing", "expected"),
    [
        ("Jenny Alvarez", "Jennifer M. Alvarez", True),  # nickname, middle initial skipped
        ("jenny alvares", "Jennifer Alvarez", True),  # a typo in the surname
        ("Alvarez, Jenny", "Jennifer Alvarez", True),  # surname first
        ("JOSE PENA", "José Peña", True),  # accents and case
        ("Becky Stone", "Rebecca Stone", True),
        ("Tony Russo", "Anthony Russo", True),
        ("Jimmy Park", "James Park", True),
        ("j alvarez", "Jennifer Alvarez", True),  # an initial
        ("Jenny Alvarez", "Jennifer Alvarado", False),  # another surname
        ("Mike Smith", "Michelle Smith", False),  # another given name
        ("Ann Lee", "Lee Ng", False),  # "lee" cannot stand for both words
    ],
)
def test_name_matches(typed: str, listing: str, expected: bool) -> None:
    assert name_matches(typed, listing) is expected
