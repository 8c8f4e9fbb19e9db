"""A search as the user gave it, and what each of its parameters means.

Kept free of heavy imports: `therapists --help` builds its search flags from this module, and the
API's OpenAPI descriptions come from the same `PARAMETER_HELP`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.gender import GENDERS


@dataclass
class SearchParams:
    """A search as the user gave it: every field optional, all text unvalidated."""

    q: str | None = None
    condition: str | None = None
    modality: list[str] = field(default_factory=list)
    near: str | None = None
    radius_km: float | None = None
    license_status: str = "active"
    limit: int = 10
    cursor: str | None = None
    min_years: float | None = None
    certification: list[str] = field(default_factory=list)
    language: str | None = None
    gender: str | None = None
    accepting_new_clients: bool | None = None
    mobile: bool | None = None
    name: str | None = None


PARAMETER_HELP: dict[str, str] = {
    "q": "Free text, e.g. 'deep tissue for sciatica near Austin' or a therapist's name, 'Jenny Alvarez'.",
    "condition": "Condition name, synonym, misspelling or ICD-10 code.",
    "modality": "Technique; repeat for several (any of them).",
    "near": "ZIP code (or ZIP+4), 'City, ST', a US city alone (the most populous of that name) or 'lat,lon'.",
    "radius_km": "Search radius in km (default 40, at most 500).",
    "license_status": "'active' (default) or 'any' to include lapsed licences.",
    "limit": "Results per page, 1-100.",
    "cursor": "next_cursor of the previous page.",
    "min_years": "At least this many years licensed.",
    "certification": "Certification name or abbreviation (e.g. BCTMB); repeat for any of several.",
    "language": "A language the therapist speaks, e.g. Spanish.",
    "gender": f"{', '.join(GENDERS[:-1])} or {GENDERS[-1]}.",
    "accepting_new_clients": "Only those who say they take new clients.",
    "mobile": "Only those who offer in-home (mobile) sessions.",
    "name": "A therapist's name: accents, case and punctuation ignored; nicknames (Jenny for Jennifer) and small typos match.",
}
