from __future__ import annotations

from datetime import date

import pytest

from directory.models import License, LicenseStatus
from indexer.normalize import (
    clean,
    given_names,
    is_nickname_of,
    license_key,
    normalize_phone,
    parse_credentials,
    parse_date,
    parse_person_name,
    person_from_parts,
    split_credentials,
    zip5,
)
from indexer.status import read_status
from tests.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "first", "middle", "last"),
    [
        ("ALVAREZ, JENNIFER MARIE", "Jennifer", "Marie", "Alvarez"),
        ("Jenny Alvarez", "Jenny", "", "Alvarez"),
        ("José M. Peña-Ruiz", "José", "M.", "Peña-Ruiz"),
        ("O'BRIEN, KATHLEEN", "Kathleen", "", "O'Brien"),
    ],
)
def test_person_names_in_the_shapes_sources_use(text: str, first: str, middle: str, last: str) -> None:
    name = parse_person_name(text)
    assert name is not None and (name.first, name.middle, name.last) == (first, middle, last)


def test_nicknames_and_accents_agree_for_linkage() -> None:
    a, b = parse_person_name("ALVAREZ, JENNIFER"), parse_person_name("Jenny Álvarez")
    assert a and b and a.last_key == b.last_key == "alvarez"
    # The `nicknames` package's table, in either direction; a nickname of several names agrees with each.
    assert is_nickname_of("Jenny", "Jennifer") and is_nickname_of("JENNIFER", "jenny")
    assert is_nickname_of("Will", "William") and is_nickname_of("Will", "Wilfred")
    assert not is_nickname_of("Will", "Guillermo")  # the package does not know it
    assert is_nickname_of("Chuy", "Jesús")  # the hand table of what the package lacks
    # Two nicknames of one name are not enough: the package would make Amy and Emily one (Amelia).
    assert not is_nickname_of("Amy", "Emily") and not is_nickname_of("Robert", "William")
    assert "james" in given_names("Jimmy")
    assert person_from_parts("JOSE", "", "PENA") == parse_person_name("PENA, JOSE")


def test_credentials_are_split_off_names_and_parsed(vocab) -> None:
    assert split_credentials("Jenny Alvarez, LMT, CNMT", vocab) == ("Jenny Alvarez", ["LMT", "CNMT"])
    assert split_credentials("Renée Fontenot LMT", vocab) == ("Renée Fontenot", ["LMT"])
    assert split_credentials("ALVAREZ, JENNIFER", vocab) == ("ALVAREZ, JENNIFER", [])
    assert parse_credentials("L.M.T., BCTMB", vocab) == ["LMT", "BCTMB"]
    assert parse_credentials("", vocab) == []


def test_phones_become_e164_or_nothing() -> None:
    assert normalize_phone("(512) 555-0134") == "+15125550134"
    assert normalize_phone("512.555.0134") == "+15125550134"
    assert normalize_phone("*** CONFIDENTIAL ***") is None
    assert normalize_phone("12") is None


def test_licence_numbers_match_however_sources_write_them() -> None:
    assert license_key("TX", "MT012345") == license_key("tx", "mt 12345") == license_key("TX", "12345") == "TX:12345"
    assert license_key("FL", "MA12345") != license_key("TX", "MT12345")
    assert license_key("TX", "N/A") is None


def test_placeholders_become_missing_values() -> None:
    assert clean("*** CONFIDENTIAL ***") is None and clean("  ") is None and clean(" Main  St ") == "Main St"
    assert zip5("00000") is None and zip5("78704-1234") == "78704" and zip5("7870") is None


def test_dates_with_board_formats() -> None:
    assert parse_date("03312027", "%m%d%Y") == date(2027, 3, 31)
    assert parse_date("02/30/2027", "%m/%d/%Y") is None
    assert parse_date("2027-03-31") == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("word", "status_map", "expires", "expected"),
    [
        ("CLEAR", {"CLEAR": "active"}, date(2027, 8, 31), LicenseStatus.active),
        ("Active", {}, date(2026, 11, 22), LicenseStatus.expired),  # says active, expired yesterday
        ("Active", {}, TODAY, LicenseStatus.active),  # still valid on its last day
        ("EMERG SUSPENS", {}, date(2027, 8, 31), LicenseStatus.suspended),
        ("NULL AND VOID", {}, None, LicenseStatus.revoked),
        ("VOL RELINQ", {"VOL RELINQ": "inactive"}, None, LicenseStatus.inactive),
        ("SOMETHING NEW", {}, date(2027, 1, 1), LicenseStatus.unknown),
        (None, {}, date(2027, 3, 31), LicenseStatus.active),  # no status column: expiry decides
        (None, {}, date(2025, 3, 31), LicenseStatus.expired),
        (None, {}, None, LicenseStatus.unknown),
    ],
)
def test_licence_status_words_and_expiry(word, status_map, expires, expected) -> None:
    assert read_status([word], status_map, expires, TODAY).status == expected


def test_an_active_licence_lapses_when_served_after_expiry() -> None:
    lic = License(state="TX", number="MT1", status=LicenseStatus.active, verified=True, expires_on=date(2026, 11, 22))
    lapsed = lic.as_of(TODAY)
    assert lapsed.status == LicenseStatus.expired and lapsed.verified is False
    assert lic.as_of(date(2026, 11, 22)) == lic
