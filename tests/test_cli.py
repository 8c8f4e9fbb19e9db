"""The command line as users meet it: --help everywhere, one clear line on stderr for every failure."""

from __future__ import annotations

import json
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


def _search_flags() -> dict[str, list[str]]:
    """The `therapists search` arguments by destination, with their flags."""
    from therapists.cli import _parser

    subparsers = next(a for a in _parser()._actions if a.dest == "command")
    return {a.dest: list(a.option_strings) for a in subparsers.choices["search"]._actions}


def test_the_cli_accepts_every_search_parameter_of_the_api(tmp_path: Path, vocab) -> None:
    from dataclasses import fields

    from directory.search_params import SearchParams
    from directory.settings import Settings
    from search_api.app import create_app

    openapi = create_app(Settings(db=tmp_path / "none.db"), vocab=vocab).openapi()
    api_parameters = {p["name"] for p in openapi["paths"]["/search"]["get"]["parameters"] if p["in"] == "query"}
    assert len(api_parameters) == 15
    cli = _search_flags()
    assert not api_parameters - set(cli), f"`therapists search` lacks {sorted(api_parameters - set(cli))}"
    assert api_parameters == {f.name for f in fields(SearchParams)}
    for name in api_parameters - {"q"}:
        assert f"--{name.replace('_', '-')}" in cli[name]


def test_search_json_is_exactly_the_api_response(tmp_path: Path, vocab, capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from directory.backends.sqlite import SQLiteBackend
    from directory.settings import Settings
    from search_api.app import create_app
    from tests.factories import population
    from therapists.cli import main

    db = tmp_path / "index.db"
    SQLiteBackend(db, vocab).replace_all(population())
    api = TestClient(create_app(Settings(db=db), vocab=vocab))

    def both(flags: list[str], params: dict) -> tuple[dict, dict]:
        assert main(["search", *flags, "--json", "--db", str(db)]) == 0
        cli_body = json.loads(capsys.readouterr().out)
        response = api.get("/search", params=params)
        assert response.status_code == 200
        return cli_body, response.json()

    cli_body, api_body = both(
        [
            "sciatica near Austin, TX",
            "--modality",
            "deep tissue",
            "--modality",
            "trigger point",
            "--license-status",
            "any",
            "--limit",
            "1",
            "--min-years",
            "2",
            "--no-mobile",
            "--radius-km",
            "60",
        ],
        {
            "q": "sciatica near Austin, TX",
            "modality": ["deep tissue", "trigger point"],
            "license_status": "any",
            "limit": 1,
            "min_years": 2,
            "mobile": "false",
            "radius_km": 60,
        },
    )
    assert cli_body == api_body
    assert cli_body["results"] == [] and cli_body["interpreted"]["filters"] == {"min_years": 2.0, "mobile": False}

    cli_body, api_body = both(
        ["--condition", "sciatica", "--near", "78704", "--limit", "2"], {"condition": "sciatica", "near": "78704", "limit": 2}
    )
    assert cli_body == api_body and len(cli_body["results"]) == 2 and cli_body["next_cursor"]
    cursor = cli_body["next_cursor"]
    cli_body, api_body = both(
        [
            "--condition",
            "sciatica",
            "--near",
            "78704",
            "--limit",
            "2",
            "--cursor",
            cursor,
            "--certification",
            "BCTMB",
            "--language",
            "English",
            "--gender",
            "female",
            "--accepting-new-clients",
        ],
        {
            "condition": "sciatica",
            "near": "78704",
            "limit": 2,
            "cursor": cursor,
            "certification": "BCTMB",
            "language": "English",
            "gender": "female",
            "accepting_new_clients": "true",
        },
    )
    assert cli_body == api_body
    assert cli_body["interpreted"]["filters"] == {"language": "English", "gender": "female", "accepting_new_clients": True}
    assert cli_body["interpreted"]["certifications"][0]["id"] == "bctmb"


def test_search_text_output_says_how_to_get_the_next_page(tmp_path: Path, vocab, capsys: pytest.CaptureFixture[str]) -> None:
    from directory.backends.sqlite import SQLiteBackend
    from tests.factories import population
    from therapists.cli import main

    db = tmp_path / "index.db"
    SQLiteBackend(db, vocab).replace_all(population())
    assert main(["search", "frozen sholder", "--near", "78704", "--limit", "2", "--db", str(db)]) == 0
    assert main(["search", "--condition", "sciatica", "--near", "78704", "--limit", "2", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Searching for condition: Frozen shoulder (from 'frozen sholder'); near 78704" in out
    assert "Searching for condition: Sciatica; near 78704" in out
    assert "1. Ana Sciatica Specialist" in out
    assert "More: add --cursor " in out
