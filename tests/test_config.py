"""sources.toml validation: every problem reported at once, each with its source's name."""

from __future__ import annotations

import pytest

from crawler.config import LicenseCsvSource, NppesSource, parse_sources
from directory.errors import ConfigError
from directory.models import LicenseStatus

GOOD = """
[[source]]
name = "nppes"
kind = "nppes"
url = "https://npiregistry.cms.hhs.gov/api/"
taxonomy_description = "Massage Therapist"
states = ["TX", "FL"]

[[source]]
name = "fl_mqa"
kind = "license_csv"
url = "https://example.org/fl.txt"
state = "FL"
date_format = "%m/%d/%Y"
delimiter = "|"
download_delay = 0.5
concurrent_requests = 1
[source.status_map]
"CLEAR" = "active"
"NULL AND VOID" = "revoked"
[source.columns]
license_number = "License Number"
first_name = "First Name"
last_name = "Last Name"
"""


def test_a_valid_file_parses_into_typed_sources() -> None:
    nppes, board = parse_sources(GOOD)
    assert isinstance(nppes, NppesSource) and nppes.states == ["TX", "FL"]
    assert isinstance(board, LicenseCsvSource)
    assert board.delimiter == "|" and board.download_delay == 0.5 and board.concurrent_requests == 1
    assert board.status_map == {"CLEAR": LicenseStatus.active, "NULL AND VOID": LicenseStatus.revoked}
    assert board.columns.status is None  # optional: some boards publish none
    assert board.address_kind == "practice"


def test_every_problem_is_reported_with_its_source_name() -> None:
    bad = """
[[source]]
name = "nppes"
kind = "nppes"
url = "ftp://nowhere"
states = ["Texas"]

[[source]]
name = "tx"
kind = "license_csv"
url = "https://example.org/tx.csv"
state = "TX"
[source.status_map]
"CLEAR" = "sort of"
[source.columns]
license_number = "LIC"

[[source]]
name = "what"
kind = "carrier_pigeon"
url = "https://example.org/"
"""
    with pytest.raises(ConfigError) as info:
        parse_sources(bad, "sources.toml")
    message = str(info.value)
    assert "\n" not in message  # one line for the terminal
    for expected in (
        "source 'nppes': url",
        "source 'nppes': taxonomy_description: Field required",
        "source 'nppes': states.0",
        "source 'tx': date_format: Field required",
        "source 'tx': status_map.CLEAR",
        "source 'tx': columns: Value error, map either full_name or both first_name and last_name",
        "source 'what': table: Input tag 'carrier_pigeon' found using 'kind' does not match any of the expected tags:"
        " 'nppes', 'license_csv', 'profile_site', 'cert_roster'",
    ):
        assert expected in message, expected


def test_duplicate_names_and_unknown_keys_are_refused() -> None:
    first_table = "[[source]]" + GOOD.split("[[source]]")[1]
    with pytest.raises(ConfigError) as info:
        parse_sources(first_table + 'colour = "blue"\n' + first_table)
    assert "source 'nppes': colour: Extra inputs are not permitted" in str(info.value)
    with pytest.raises(ConfigError, match="source 'nppes': name is used by another source"):
        parse_sources(first_table + first_table)


def test_broken_toml_and_empty_files_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_sources("[[source]\nname=", "x.toml")
    with pytest.raises(ConfigError, match="no \\[\\[source\\]\\] tables"):
        parse_sources("", "x.toml")


def test_the_shipped_example_configs_are_valid() -> None:
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    texas = parse_sources((examples / "texas_tdlr.toml").read_text(), "texas_tdlr.toml")
    florida = parse_sources((examples / "florida_mqa.toml").read_text(), "florida_mqa.toml")
    tx_board, fl_board = texas[0], florida[0]
    assert tx_board.columns.status is None and tx_board.date_format == "%m%d%Y"  # TDLR publishes no status
    assert fl_board.delimiter == "|" and fl_board.status_map["EMERG SUSPENS"] == LicenseStatus.suspended
    assert fl_board.address_kind == "mailing"
