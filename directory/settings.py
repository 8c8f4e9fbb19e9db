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
    backend: Literal["sqlite", "elasticsearch"] = Field(
        "sqlite", description="Search backend; ES_URL (or --es) selects elasticsearch (env THERAPISTS_BACKEND)."
    )
    es_url: str | None = Field(
        None,
        validation_alias=AliasChoices("es_url", "ES_URL", "THERAPISTS_ES_URL"),
        description="Elasticsearch URL; when set, the index is written to and served from Elasticsearch (env ES_URL).",
    )
    es_index: str = Field("listings", description="Elasticsearch alias the listings are served under (env THERAPISTS_ES_INDEX).")
    es_retain: int = Field(
        2, ge=1, description="Index generations kept behind the alias, the live one included (env THERAPISTS_ES_RETAIN)."
    )
    es_replicas: int = Field(0, ge=0, description="Replicas of each Elasticsearch index (env THERAPISTS_ES_REPLICAS).")
    es_plain_json: bool = Field(
        False,
        description="Send plain application/json, for OpenSearch-compatible test servers such as osmem-server (env THERAPISTS_ES_PLAIN_JSON).",
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
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the curation store (admins, overrides, audit log, review queue); "
        "default: SQLite beside the index, <db>.curation.db; postgresql+psycopg://... for several API servers (env THERAPISTS_DATABASE_URL).",
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
