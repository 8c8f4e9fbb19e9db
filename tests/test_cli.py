"""The command line as users meet it: --help everywhere, one clear line on stderr for every failure."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.cli_helpers import therapists

COMMANDS = ["crawl", "index", "serve", "search", "demo"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_explains_itself(command: str | None) -> None:
    result = therapists(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "usage: therapists" in result.stdout
    assert "THERAPISTS_DB" in result.stdout  # the environment is part of the help


def _one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("therapists: error: "), result.stderr
    return lines[-1]


def test_a_bad_config_exits_non_zero_naming_the_source(tmp_path: Path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text('[[source]]\nname = "tx"\nkind = "license_csv"\nurl = "http://127.0.0.1:9/x.csv"\n', encoding="utf-8")
    result = therapists("crawl", "--config", str(config), "--out", str(tmp_path / "raw"))
    assert result.returncode == 1
    line = _one_error_line(result)
    assert "source 'tx': state: Field required" in line and "source 'tx': columns: Field required" in line


def test_a_missing_config_file_is_one_line(tmp_path: Path) -> None:
    result = therapists("crawl", "--config", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "raw"))
    assert result.returncode == 1
    assert "cannot read" in _one_error_line(result)


def test_an_unreachable_source_exits_non_zero(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[[source]]\nname = "gone"\nkind = "nppes"\nurl = "http://127.0.0.1:{port}/api/"\n'
        'taxonomy_description = "Massage Therapist"\nstates = ["TX"]\ndownload_delay = 0\n',
        encoding="utf-8",
    )
    result = therapists("crawl", "--config", str(config), "--out", str(tmp_path / "raw"))
    assert result.returncode == 1
    line = _one_error_line(result)
    assert "source 'gone' unreachable" in line and "Connection" in line
    assert not (tmp_path / "raw" / "gone.jsonl").exists()  # no empty file pretending to be a crawl


def test_indexing_an_unreadable_directory_is_one_line(tmp_path: Path) -> None:
    result = therapists("index", "--from", str(tmp_path / "missing"), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1
    assert "does not exist" in _one_error_line(result)
    (tmp_path / "empty").mkdir()
    result = therapists("index", "--from", str(tmp_path / "empty"), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1 and "no raw .jsonl files" in _one_error_line(result)


def test_search_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = therapists("search", "--condition", "sciatica", env={"THERAPISTS_DB": str(tmp_path / "none.db")})
    assert result.returncode == 1
    assert "run `therapists index` first" in _one_error_line(result)


def test_search_parameter_errors_name_the_flag(tmp_path: Path) -> None:
    result = therapists("search", "--near", "99999", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2
    assert _one_error_line(result) == "therapists: error: --near: unknown US ZIP code '99999'"
