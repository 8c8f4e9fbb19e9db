"""Listings as FHIR R4 resources in the Da Vinci PDex Plan-Net profiles: the one mapping.

Each listing is one `Practitioner` (name, NPI, licences and certifications as `qualification`),
one `PractitionerRole` (the massage-therapist NUCC specialty plus the conditions treated, as text
where no code fits) and, when it has a practice address, one `Location`. Every resource is built as
plain data and validated with `fhir.resources` (its R4B package: the R4-compatible models in
fhir.resources 8), so what we serve is checked against the specification's own model.

Resource ids are the stable listing ids in FHIR's id alphabet ([A-Za-z0-9-.], no underscore):
`t_0123abcd` is served as `t-0123abcd` (`fhir_id`/`listing_id` convert, both ways).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.resource import Resource
from nameparser import HumanName

from directory.models import LicenseStatus, Listing
from directory.vocabulary import Vocabulary

PLAN_NET = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/"
PROFILES = {
    "Practitioner": PLAN_NET + "plannet-Practitioner",
    "PractitionerRole": PLAN_NET + "plannet-PractitionerRole",
    "Location": PLAN_NET + "plannet-Location",
}
QUALIFICATION_EXTENSION = PLAN_NET + "practitioner-qualification"  # its status is fixed to 'active'
LICENCE_STATUS_EXTENSION = "urn:therapist-directory:fhir:licence-status"  # every other status, as published
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
MASSAGE_THERAPIST = ("225700000X", "Massage Therapist")
USPS_SYSTEM = "https://www.usps.com/"
MODELS: dict[str, type[Resource]] = {"Practitioner": Practitioner, "PractitionerRole": PractitionerRole, "Location": FhirLocation}


def fhir_id(listing_id: str) -> str:
    return listing_id.replace("_", "-")


def listing_id(resource_id: str) -> str:
    return resource_id.replace("-", "_")


def last_updated(listing: Listing) -> datetime:
    """When a source last showed the listing: the newest fetch of any of its sources."""
    fetched = [s.fetched_at for s in listing.sources]
    if fetched:
        newest = max(fetched)
        return newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    seen = listing.last_seen or date(1970, 1, 1)
    return datetime(seen.year, seen.month, seen.day, tzinfo=UTC)


def _meta(resource_type: str, listing: Listing) -> dict[str, Any]:
    return {"lastUpdated": last_updated(listing).isoformat(), "profile": [PROFILES[resource_type]]}


def _period(start: date | None, end: date | None) -> dict[str, str] | None:
    period = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v is not None}
    return period or None


def _licence_qualifications(listing: Listing, today: date) -> list[dict[str, Any]]:
    out = []
    for lic in listing.licenses_as_of(today):
        if lic.status == LicenseStatus.active:
            extension = {
                "url": QUALIFICATION_EXTENSION,
                "extension": [
                    {"url": "status", "valueCode": "active"},
                    {"url": "whereValid", "valueCodeableConcept": {"coding": [{"system": USPS_SYSTEM, "code": lic.state}]}},
                ],
            }
        else:
            extension = {"url": LICENCE_STATUS_EXTENSION, "valueCode": lic.status.value}
        checked = "verified with the state board" if lic.verified else "not verified with the state board"
        out.append(
            {
                "extension": [extension],
                "identifier": [{"value": lic.number, "assigner": {"display": f"{lic.state} massage therapy licensing board"}}],
                "code": {"text": f"{lic.license_type or 'Massage therapist'} licence, {lic.state}: {lic.status.value}, {checked}"},
                "period": _period(lic.issued_on, lic.expires_on),
                "issuer": {"display": f"{lic.state} massage therapy licensing board"},
            }
        )
    return out


def _certification_qualifications(listing: Listing) -> list[dict[str, Any]]:
    return [
        {
            "identifier": [{"value": cert.number}] if cert.number else None,
            "code": {"text": cert.name},
            "period": _period(None, cert.expires_on),
            "issuer": {"display": cert.issuer} if cert.issuer else None,
        }
        for cert in listing.certifications
    ]


def _telecom(listing: Listing) -> list[dict[str, str]] | None:
    return [{"system": "phone", "value": listing.phone, "use": "work"}] if listing.phone else None


def practitioner(listing: Listing, today: date) -> dict[str, Any]:
    name = HumanName(listing.name)
    return {
        "resourceType": "Practitioner",
        "id": fhir_id(listing.id),
        "meta": _meta("Practitioner", listing),
        "identifier": [{"system": NPI_SYSTEM, "value": listing.npi}] if listing.npi else None,
        "active": listing.has_active_license(today),
        "name": [
            {
                "text": listing.name,
                "family": name.last or None,
                "given": [part for part in (name.first, name.middle) if part] or None,
                "suffix": listing.credentials or None,
            }
        ],
        "telecom": _telecom(listing),
        "qualification": (_licence_qualifications(listing, today) + _certification_qualifications(listing)) or None,
    }


def has_location(listing: Listing) -> bool:
    loc = listing.location
    return loc is not None and any(v is not None for v in (loc.address, loc.city, loc.postal_code, loc.lat))


def practitioner_role(listing: Listing, vocab: Vocabulary, today: date) -> dict[str, Any]:
    code, display = MASSAGE_THERAPIST
    specialties: list[dict[str, Any]] = [{"coding": [{"system": NUCC_SYSTEM, "code": code, "display": display}]}]
    specialties += [{"text": vocab.name("condition", c)} for c in listing.conditions]  # no code system fits these
    rid = fhir_id(listing.id)
    return {
        "resourceType": "PractitionerRole",
        "id": rid,
        "meta": _meta("PractitionerRole", listing),
        "active": listing.has_active_license(today),
        "practitioner": {"reference": f"Practitioner/{rid}", "display": listing.name},
        "code": [{"coding": [{"system": NUCC_SYSTEM, "code": code, "display": display}]}],
        "specialty": specialties,
        "location": [{"reference": f"Location/{rid}"}] if has_location(listing) else None,
        "telecom": _telecom(listing),
    }


def location(listing: Listing) -> dict[str, Any]:
    loc = listing.location
    assert loc is not None
    return {
        "resourceType": "Location",
        "id": fhir_id(listing.id),
        "meta": _meta("Location", listing),
        "status": "active",
        "name": f"{listing.name} practice",
        "address": {
            "use": "work",
            "type": "physical",
            "line": [loc.address] if loc.address else None,
            "city": loc.city,
            "state": loc.state,
            "postalCode": loc.postal_code,
            "country": "US",
        },
        "position": {"latitude": loc.lat, "longitude": loc.lon} if loc.lat is not None and loc.lon is not None else None,
        "telecom": _telecom(listing),
    }


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def resource(resource_type: str, listing: Listing, vocab: Vocabulary, today: date) -> Resource:
    """One resource of a listing, validated by its fhir.resources model."""
    if resource_type == "Practitioner":
        data = practitioner(listing, today)
    elif resource_type == "PractitionerRole":
        data = practitioner_role(listing, vocab, today)
    else:
        data = location(listing)
    return MODELS[resource_type].model_validate(_drop_none(data))


def resources_of(listing: Listing, vocab: Vocabulary, today: date) -> list[Resource]:
    """Every resource of one listing (a Location only when it has a practice address)."""
    types = ["Practitioner", "PractitionerRole"] + (["Location"] if has_location(listing) else [])
    return [resource(t, listing, vocab, today) for t in types]
