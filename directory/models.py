"""The listing model: one real person, merged from every source that mentions them.

The indexer builds `Listing`s; backends store them; the API turns them into responses.
Condition, modality and certification fields hold vocabulary ids; display names come from the
vocabulary at response time, so renaming a term never requires a re-index.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from directory.raw import SourceKind


class LicenseStatus(StrEnum):
    active = "active"
    expired = "expired"
    suspended = "suspended"
    revoked = "revoked"
    probation = "probation"
    inactive = "inactive"
    unknown = "unknown"
    restricted = "restricted"  # in force, with conditions or restrictions on practice (appended: codes are positions)


class SourceRef(BaseModel):
    """Where a listing's facts came from."""

    source: str
    kind: SourceKind
    url: str
    fetched_at: datetime


class License(BaseModel):
    state: str
    number: str
    status: LicenseStatus = LicenseStatus.unknown
    verified: bool = False
    issued_on: date | None = None
    expires_on: date | None = None
    license_type: str | None = None
    source: str | None = Field(None, description="Name of the source the status came from.")
    status_as_published: list[str] = Field(default_factory=list, description="The board's status words, every column's.")
    restrictions: list[str] = Field(default_factory=list, description="Restrictions on practice, as the board published them.")
    discipline: list[str] = Field(default_factory=list, description="Discipline on record, as the board published it.")
    verified_by: Literal["board", "directory"] | None = Field(
        default=None, description="'directory': an admin checked it by hand (with evidence), not a board file's row."
    )
    verified_on: date | None = None  # when the directory checked it by hand
    verified_until: date | None = None  # a manual verification lapses on this day

    def as_of(self, today: date) -> License:
        """The licence as it stands on `today`: an 'active' licence past its expiry is expired, and
        a manual verification past its own expiry no longer counts.

        Applied again when serving, so an index built last month never shows a licence that
        has lapsed since as verified.
        """
        if self.status == LicenseStatus.active and self.expires_on is not None and self.expires_on < today:
            return self.model_copy(update={"status": LicenseStatus.expired, "verified": False})
        if self.verified and self.verified_until is not None and self.verified_until < today:
            return self.model_copy(update={"verified": False, "verified_by": None})
        return self


class Certification(BaseModel):
    name: str
    issuer: str | None = None
    number: str | None = None
    expires_on: date | None = None
    id: str | None = Field(None, description="Vocabulary id of the certification, when recognised.")
    source: str | None = None

    def is_current(self, today: date) -> bool:
        """Not expired on `today`; a certification published without an expiry date stays current."""
        return self.expires_on is None or self.expires_on >= today


class Location(BaseModel):
    """A practice location. Mailing and home addresses never reach this model."""

    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    lat: float | None = None
    lon: float | None = None


class Evidence(BaseModel):
    """Why a listing claims a condition or modality: the words as published, and where."""

    term: str = Field(description="Vocabulary id of the condition or modality.")
    kind: Literal["condition", "modality"]
    text: str
    source: str
    source_kind: SourceKind | None = Field(None, description="None: stated by the directory's admins, not by a source.")


class UnparsedValue(BaseModel):
    """A value a source published that the indexer could not parse: kept as published and shown
    as such, never silently dropped (e.g. a phone 'call the front desk', an expiry '31/31/2025')."""

    field: str
    raw: str
    source: str


class Correction(BaseModel):
    """A field the directory corrected (an admin's override or an approved request): the value as
    published is kept and shown beside the corrected one."""

    field: str
    published: Any = None
    corrected: Any = None
    on: date


class Listing(BaseModel):
    id: str
    name: str
    credentials: list[str] = []
    npi: str | None = None
    licenses: list[License] = []
    certifications: list[Certification] = []
    modalities: list[str] = []
    conditions: list[str] = []
    evidence: list[Evidence] = []
    years_experience: float | None = None
    experience_basis: Literal["license", "npi_enumeration"] | None = None
    location: Location | None = None
    phone: str | None = None
    bio: str | None = None
    languages: list[str] = []
    gender: str | None = None  # one of directory.gender.GENDERS
    accepting_new_clients: bool | None = None
    mobile: bool | None = None
    payment_accepted: list[str] = []
    price_range: str | None = None
    wheelchair_accessible: bool | None = None
    opening_hours: list[str] = []
    sources: list[SourceRef] = []
    last_seen: date | None = None
    unparsed: list[UnparsedValue] = []
    corrections: list[Correction] = []

    def current_certifications(self, today: date) -> list[Certification]:
        """The certifications still held on `today`: the only ones that earn ranking credit, a condition
        fit, a filter match or a "Certified:" line. Expired ones stay on the listing, shown as expired."""
        return [cert for cert in self.certifications if cert.is_current(today)]

    def licenses_as_of(self, today: date) -> list[License]:
        return [lic.as_of(today) for lic in self.licenses]

    def has_active_license(self, today: date) -> bool:
        return any(lic.status == LicenseStatus.active for lic in self.licenses_as_of(today))

    def is_verified(self, today: date) -> bool:
        return any(lic.verified for lic in self.licenses_as_of(today))

    def active_until(self) -> date | None:
        """The last day on which some active licence is still in force (None: none active)."""
        ends = [lic.expires_on or date.max for lic in self.licenses if lic.status == LicenseStatus.active]
        return max(ends) if ends else None

    def verified_until(self) -> date | None:
        """The last day on which some verified licence is still in force (None: none verified)."""
        ends = [min(lic.expires_on or date.max, lic.verified_until or date.max) for lic in self.licenses if lic.verified]
        return max(ends) if ends else None

    def lapsed_status(self) -> LicenseStatus:
        """The summary status once every dated active licence has run out."""
        statuses = {
            LicenseStatus.expired if lic.status == LicenseStatus.active and lic.expires_on is not None else lic.status
            for lic in self.licenses
        }
        return _summarise(statuses)

    def status_summary(self, today: date) -> LicenseStatus:
        """One status for filtering: active if any licence is active, else the most telling other."""
        return _summarise({lic.status for lic in self.licenses_as_of(today)})


_STATUS_PRECEDENCE = (
    LicenseStatus.active,
    LicenseStatus.revoked,
    LicenseStatus.suspended,
    LicenseStatus.probation,
    LicenseStatus.restricted,
    LicenseStatus.expired,
    LicenseStatus.inactive,
)


def _summarise(statuses: set[LicenseStatus]) -> LicenseStatus:
    return next((s for s in _STATUS_PRECEDENCE if s in statuses), LicenseStatus.unknown)


class ReviewItem(BaseModel):
    """Two source records that may describe one person: the indexer would not decide; an admin does."""

    record_a: str
    record_b: str
    listing_a: str
    listing_b: str
    score: float
    reason: str


ConflictField = Literal["phone", "gender", "location", "years_experience"]


class ConflictValue(BaseModel):
    """One value a fact took, and the source records that gave it."""

    value: Any
    sources: list[str]
    records: list[str]


class FactConflict(BaseModel):
    """The source records merged into one listing disagree on a fact a user sees: an admin picks
    the right value (a correction override) or dismisses the disagreement."""

    listing_id: str
    field: ConflictField
    values: list[ConflictValue]
    shown: Any = None  # the value the merge picked
