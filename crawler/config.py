"""sources.toml: the list of sources to crawl, validated with pydantic.

Every problem is reported with the name of the source it belongs to, all at once.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from directory.errors import ConfigError
from directory.models import LicenseStatus
from directory.raw import SourceKind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceBase(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="Unique; names the output file.")
    url: str
    download_delay: float | None = Field(None, ge=0, description="Seconds between requests to one host.")
    concurrent_requests: int | None = Field(None, ge=1, le=32, description="Parallel requests per host.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _http(value)


def _http(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value


class NppesSource(SourceBase):
    kind: Literal[SourceKind.nppes]
    taxonomy_description: str = Field(min_length=2)
    states: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(min_length=1)


class NppesBulkSource(SourceBase):
    """The NPPES Data Dissemination zip (`url`, the monthly full file) and the weekly updates after it."""

    kind: Literal[SourceKind.nppes_bulk]
    weekly_urls: list[str] = Field(default_factory=list, description="Weekly incremental zips, oldest first.")
    taxonomy_codes: list[Annotated[str, Field(pattern=r"^[0-9A-Z]{9}X$")]] = Field(
        default_factory=lambda: ["225700000X", "163WM1400X"], description="NUCC codes to keep (default: those that say massage)."
    )
    states: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(default_factory=list, description="Practice states; empty: all.")

    @field_validator("weekly_urls")
    @classmethod
    def _http_urls(cls, values: list[str]) -> list[str]:
        return [_http(value) for value in values]


class LicenseColumns(_Strict):
    license_number: str
    full_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    license_type: str | None = None
    # One status column, or several read together (e.g. ["STATUS", "REASON"]: the most restrictive wins).
    status: str | list[str] | None = None
    issued_on: str | None = None
    expires_on: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    phone: str | None = None

    @field_validator("status")
    @classmethod
    def _some_status_column(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and (not value or not all(value)):
            raise ValueError("name one status column or a non-empty list of them")
        return value

    def headers(self) -> dict[str, str | list[str]]:
        """Our field → the board's header(s), for the fields this board maps."""
        return {ours: theirs for ours, theirs in self.model_dump().items() if theirs}

    @model_validator(mode="after")
    def _has_a_name(self) -> LicenseColumns:
        if not self.full_name and not (self.first_name and self.last_name):
            raise ValueError("map either full_name or both first_name and last_name")
        return self


class LicenseCsvSource(SourceBase):
    kind: Literal[SourceKind.license_csv]
    state: str = Field(pattern=r"^[A-Z]{2}$")
    date_format: str = Field(description="strptime format of the board's dates, e.g. %m/%d/%Y.")
    delimiter: str = Field(",", min_length=1, max_length=1)
    status_map: dict[str, LicenseStatus] = Field(default_factory=dict)
    columns: LicenseColumns
    address_kind: Literal["practice", "mailing"] = Field(
        "practice", description="Whether the board's address is a practice address (shown) or a mailing one (never shown)."
    )


class ProfileSiteSource(SourceBase):
    kind: Literal[SourceKind.profile_site]
    max_page_bytes: int = Field(2_000_000, ge=1_000)


class RosterColumns(_Strict):
    full_name: str
    certification: str | None = None
    certificate_number: str | None = None
    city: str | None = None
    state: str | None = None
    expires_on: str | None = None


class CertRosterSource(SourceBase):
    kind: Literal[SourceKind.cert_roster]
    issuer: str = Field(min_length=1)
    columns: RosterColumns
    date_format: str = "%m/%d/%Y"


SourceConfig = Annotated[
    NppesSource | LicenseCsvSource | ProfileSiteSource | CertRosterSource | NppesBulkSource, Field(discriminator="kind")
]
_SOURCE = TypeAdapter(SourceConfig)


def parse_sources(text: str, origin: str = "sources.toml") -> list[SourceConfig]:
    """Validate sources.toml text; raise ConfigError naming every problem and its source."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    tables = document.get("source")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{origin}: no [[source]] tables")
    problems: list[str] = []
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for position, table in enumerate(tables, start=1):
        label = repr(table.get("name")) if isinstance(table.get("name"), str) else f"#{position}"
        try:
            source = _SOURCE.validate_python(table)
        except ValidationError as exc:
            for error in exc.errors():
                loc = list(error["loc"])
                if loc and loc[0] == table.get("kind"):
                    loc = loc[1:]  # the union's tag adds nothing the reader does not know
                where = ".".join(str(part) for part in loc) or "table"
                message = error["msg"]
                if error["type"] == "union_tag_invalid":  # pydantic would name the kinds as enum members
                    kinds = ", ".join(repr(kind.value) for kind in SourceKind)
                    message = f"Input tag {error['ctx']['tag']!r} found using 'kind' does not match any of the expected tags: {kinds}"
                problems.append(f"source {label}: {where}: {message}")
            continue
        if source.name in seen:
            problems.append(f"source {label}: name is used by another source")
        seen.add(source.name)
        sources.append(source)
    if problems:
        raise ConfigError(f"{origin}: " + "; ".join(problems))
    return sources


def load_sources(path: Path) -> list[SourceConfig]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_sources(text, str(path))
