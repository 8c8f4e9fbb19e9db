"""Every CLI option and every setting is documented in the README."""

from __future__ import annotations

from pathlib import Path

from directory.settings import Settings
from therapists.cli import _parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_cli_option_is_in_the_readme() -> None:
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    missing = []
    for name, sub in subparsers.choices.items():
        if f"therapists {name}" not in README:
            missing.append(f"command {name}")
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help") and option not in README:
                    missing.append(f"{name} {option}")
    assert not missing, f"undocumented: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    missing = []
    for name, field in Settings.model_fields.items():
        env = "ES_URL" if name == "es_url" else f"THERAPISTS_{name.upper()}"
        if f"`{env}`" not in README:
            missing.append(env)
        assert field.description, f"setting {name} has no description"
    assert not missing, f"undocumented settings: {missing}"
