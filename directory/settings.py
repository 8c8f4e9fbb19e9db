"""Settings: command-line flags first, then environment variables, then these defaults.

Read them through `get_settings(**flags)`; nothing is built at import time, so tests
can construct settings without touching the process environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THERAPISTS_", extra="ignore")

    db: Path = Field(Path("therapists.db"), description="SQLite index file (env THERAPISTS_DB).")
    backend: Literal["sqlite"] = Field(
        "sqlite", description="Search backend; Elasticsearch arrives in a later release (env THERAPISTS_BACKEND)."
    )
    es_url: str | None = Field(
        None,
        validation_alias=AliasChoices("ES_URL", "THERAPISTS_ES_URL"),
        description="Elasticsearch URL for the scale-out backend (env ES_URL).",
    )
    host: str = Field("127.0.0.1", description="Address the API listens on (env THERAPISTS_HOST).")
    port: int = Field(8000, ge=1, le=65535, description="Port the API listens on (env THERAPISTS_PORT).")
    user_agent: str = Field(
        "TherapistDirectoryBot/0.1 (+{contact_url})",
        description="User-Agent the crawler sends; {contact_url} is filled in (env THERAPISTS_USER_AGENT).",
    )
    contact_url: str = Field(
        "https://example.org/therapist-directory/crawler",
        description="Where site owners learn about the crawler (env THERAPISTS_CONTACT_URL).",
    )
    stale_after_days: int = Field(
        365, ge=1, description="A listing whose sources were not seen for this long is marked stale (env THERAPISTS_STALE_AFTER_DAYS)."
    )
    suppressions: Path | None = Field(
        None, description="TOML list of therapists who asked to be removed, applied at every index run (env THERAPISTS_SUPPRESSIONS)."
    )
    default_radius_km: float = Field(40.0, gt=0, description="Search radius when none is given (env THERAPISTS_DEFAULT_RADIUS_KM).")

    referrals_db: Path | None = Field(
        None,
        description="SQLite file of referral lists made through the API; default: beside the index, <db>.referrals.db (env THERAPISTS_REFERRALS_DB).",
    )

    @property
    def referrals_path(self) -> Path:
        return self.referrals_db or self.db.with_name(f"{self.db.name}.referrals.db")

    @property
    def crawler_user_agent(self) -> str:
        return self.user_agent.format(contact_url=self.contact_url)


def get_settings(**flags: object) -> Settings:
    """Settings with the given flags on top; flags that are None were not given and do not count."""
    given = {key: value for key, value in flags.items() if value is not None}
    return Settings.model_validate(given)
