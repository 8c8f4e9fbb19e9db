"""The suppression list: therapists who asked to be removed stay removed, whatever is re-crawled.

A TOML file of `[[suppress]]` tables, each naming the person by `npi`, by `license` ("TX:MT012345")
or by `listing_id`, with the `reason` and the date it was `requested_on`. It is applied at every
index run, so a new crawl can never bring a suppressed person back.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from directory.errors import ConfigError
from indexer.link_record import Group
from indexer.normalize import license_key


class Suppression(BaseModel):
    model_config = ConfigDict(extra="forbid")

    npi: str | None = None
    license: str | None = None
    listing_id: str | None = None
    reason: str = ""
    requested_on: date | None = None

    @model_validator(mode="after")
    def _names_someone(self) -> Suppression:
        if not (self.npi or self.license or self.listing_id):
            raise ValueError('give npi, license ("ST:NUMBER") or listing_id')
        if self.license and ":" not in self.license:
            raise ValueError(f"license {self.license!r} must be written STATE:NUMBER")
        return self


@dataclass
class SuppressionList:
    npis: set[str]
    license_keys: set[str]
    listing_ids: set[str]

    @classmethod
    def empty(cls) -> SuppressionList:
        return cls(set(), set(), set())

    @classmethod
    def load(cls, path: Path | None) -> SuppressionList:
        if path is None:
            return cls.empty()
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read suppression list {path}: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"suppression list {path}: not valid TOML: {exc}") from None
        entries: list[Suppression] = []
        problems: list[str] = []
        for position, table in enumerate(document.get("suppress", []), start=1):
            try:
                entries.append(Suppression.model_validate(table))
            except ValidationError as exc:
                problems += [f"entry {position}: {e['msg']}" for e in exc.errors()]
        if problems:
            raise ConfigError(f"suppression list {path}: " + "; ".join(problems))
        keys = set()
        for entry in entries:
            if entry.license:
                state, number = entry.license.split(":", 1)
                if key := license_key(state, number):
                    keys.add(key)
        return cls(
            {e.npi for e in entries if e.npi},
            keys,
            {e.listing_id for e in entries if e.listing_id},
        )

    def covers(self, group: Group, ids: Iterable[str] = ()) -> bool:
        """Whether any record of this person, or any id that stands for them, matches an entry.

        `ids` are the listing's id and the ids merged into it (`indexer.identity.Assignment.aliases`),
        so a suppression by an id that a merge absorbed still holds. When a listing splits, the
        suppression stays with the part that keeps the id."""
        if not self.listing_ids.isdisjoint(ids):
            return True
        return any((rec.npi and rec.npi in self.npis) or not self.license_keys.isdisjoint(rec.license_keys) for rec in group)
