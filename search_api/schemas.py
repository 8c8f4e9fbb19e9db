"""Response models: the outside contract of the HTTP API (names pinned by the issues)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class LicenseOut(BaseModel):
    state: str
    number: str
    status: str
    verified: bool
    issued_on: str | None
    expires_on: str | None


class CertificationOut(BaseModel):
    name: str
    issuer: str | None
    number: str | None
    expires_on: str | None


class LocationOut(BaseModel):
    city: str | None
    state: str | None
    postal_code: str | None
    lat: float | None
    lon: float | None


class ListingFields(BaseModel):
    id: str
    name: str
    credentials: list[str]
    npi: str | None
    licenses: list[LicenseOut]
    certifications: list[CertificationOut]
    modalities: list[str]
    conditions: list[str]
    years_experience: float | None
    location: LocationOut


class SearchResult(ListingFields):
    distance_km: float | None
    score: float
    why: list[str]


class SearchResponse(BaseModel):
    total: int
    results: list[SearchResult]
    next_cursor: str | None
    interpreted: dict[str, Any]
    facets: dict[str, dict[str, int]]


class SourceOut(BaseModel):
    source: str
    kind: str
    url: str
    fetched_at: str


class UnparsedOut(BaseModel):
    field: str
    raw: str
    source: str


class TherapistDetail(ListingFields):
    phone: str | None
    bio: str | None
    address: str | None
    languages: list[str]
    accepting_new_clients: bool | None
    mobile: bool | None
    payment_accepted: list[str]
    price_range: str | None
    wheelchair_accessible: bool | None
    opening_hours: list[str]
    experience_basis: str | None
    sources: list[SourceOut]
    unparsed: list[UnparsedOut] = Field(
        [], description="Values a source published that could not be parsed, shown as published."
    )


class ConditionTerm(BaseModel):
    id: str
    name: str
    icd10: list[str]
    synonyms: list[str]


class ErrorBody(BaseModel):
    code: str
    parameter: str | None = None
    reason: str
    suggestions: list[str] = []


class ErrorResponse(BaseModel):
    error: ErrorBody
