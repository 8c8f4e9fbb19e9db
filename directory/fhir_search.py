"""FHIR search over the directory: the parameters we support, searchset Bundles, OperationOutcomes,
and the CapabilityStatement that lists exactly what is supported (built from the same table).

Search parameters follow Plan-Net's CapabilityStatement for what we hold, plus the CMS National
Provider Directory's `location_near=lat|lon|distance|unit` on PractitionerRole (and the R4
`near` on Location). Any other parameter, modifier or repeated parameter answers a 400
OperationOutcome: never a silent ignore.

Order: candidates come from the backend's search in its ranking (score, then id), with a place
when the query names one, so FHIR results rank as `/search` does. Address parameters are served
within the place they name (a ZIP's or a city's area, `ADDRESS_SCOPE_KM`) and then matched on the
address string; a state alone scans the index in rank order, up to `SCAN_BUDGET` candidates per
page, past which the answer is a `too-costly` OperationOutcome asking for a narrower search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome

from directory.fhir import MASSAGE_THERAPIST, NUCC_SYSTEM, PROFILES, fhir_id, has_location, last_updated, listing_id, resource
from directory.geo import Place, city_place, zip_place
from directory.models import Listing
from directory.query import MAX_RADIUS_KM, Cursor, SearchQuery
from directory.vocabulary import Vocabulary

if TYPE_CHECKING:  # the protocol only
    from directory.backends.base import SearchBackend

FHIR_VERSION = "4.0.1"
DEFAULT_COUNT = 10
MAX_COUNT = 100
ADDRESS_SCOPE_KM = 60.0
_SCAN_PAGE = 100
SCAN_BUDGET = 20_000  # candidates read for one page of results at most; past it, a too-costly OperationOutcome
MI_KM = 1.609344


class FhirError(Exception):
    """A request FHIR answers with an OperationOutcome (400 unless said otherwise)."""

    def __init__(self, diagnostics: str, status: int = 400, code: str = "invalid") -> None:
        super().__init__(diagnostics)
        self.diagnostics, self.status, self.code = diagnostics, status, code


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    documentation: str


COMMON = [
    Param("_id", "token", "Resource id (the listing id, '_' written '-'); comma-separated for any of several."),
    Param("_lastUpdated", "date", "When a source last showed the listing; prefixes eq, ne, gt, lt, ge, le, sa, eb."),
]
SEARCH_PARAMS: dict[str, list[Param]] = {
    "PractitionerRole": [
        *COMMON,
        Param(
            "specialty", "token", f"NUCC taxonomy code, [system|]code; every listing is {MASSAGE_THERAPIST[0]} ({MASSAGE_THERAPIST[1]})."
        ),
        Param("practitioner", "reference", "Practitioner/[id] or [id]."),
        Param("location", "reference", "Location/[id] or [id]."),
        Param("location.address-postalcode", "string", "The practice location's postal code (starts with; :exact for equality)."),
        Param("location.address-city", "string", "The practice location's city (starts with, any case; :exact for equality)."),
        Param("location.address-state", "string", "The practice location's state, e.g. TX (:exact for equality)."),
        Param("location_near", "special", "CMS National Provider Directory: lat|lon|distance|unit (unit km or mi; default km, 40)."),
    ],
    "Practitioner": [*COMMON],
    "Location": [
        *COMMON,
        Param("address-postalcode", "string", "Postal code (starts with; :exact for equality)."),
        Param("address-city", "string", "City (starts with, any case; :exact for equality)."),
        Param("address-state", "string", "State, e.g. TX (:exact for equality)."),
        Param("near", "special", "lat|lon|distance|unit (unit km or mi; default km, 40)."),
    ],
}
INCLUDES = {"PractitionerRole": ["PractitionerRole:practitioner", "PractitionerRole:location"], "Practitioner": [], "Location": []}
RESULT_PARAMS = ("_count", "_offset", "_include", "_format")
STRING_PARAMS = {"address-postalcode", "address-city", "address-state"}
_DATE = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4}(?:-\d{2}(?:-\d{2})?)?(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)$")


@dataclass
class Criteria:
    resource_type: str
    ids: set[str] | None = None  # listing ids
    last_updated: list[tuple[str, datetime, datetime]] = field(default_factory=list)  # prefix, range start, range end
    specialties: list[tuple[str | None, str]] | None = None
    address: dict[str, tuple[str, bool]] = field(default_factory=dict)  # 'address-city' → (value, exact)
    near: tuple[float, float, float] | None = None  # lat, lon, km
    include: list[str] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    offset: int = 0


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise FhirError(f"{name} must be a whole number, got {value!r}") from None
    if not low <= number <= high:
        raise FhirError(f"{name} must be between {low} and {high}, got {number}")
    return number


def _date_range(text: str) -> tuple[str, datetime, datetime]:
    """A FHIR date parameter: its prefix and the range its precision implies."""
    match = _DATE.match(text)
    if not match:
        raise FhirError(f"_lastUpdated must be [prefix]YYYY[-MM[-DD[Thh:mm:ss[zone]]]], got {text!r}")
    prefix, value = match.group(1) or "eq", match.group(2)
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return prefix, moment, moment
        parts = [int(p) for p in value.split("-")]
        start = datetime(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1, tzinfo=UTC)
        if len(parts) == 3:
            following = start + timedelta(days=1)
        elif len(parts) == 2:
            following = start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
        else:
            following = start.replace(year=start.year + 1)
        end = following - timedelta(microseconds=1)
    except ValueError:
        raise FhirError(f"_lastUpdated is not a valid date: {text!r}") from None
    return prefix, start, end


def _date_matches(moment: datetime, prefix: str, start: datetime, end: datetime) -> bool:
    return {
        "eq": start <= moment <= end,
        "ne": not start <= moment <= end,
        "gt": moment > end,
        "sa": moment > end,
        "lt": moment < start,
        "eb": moment < start,
        "ge": moment >= start,
        "le": moment <= end,
    }[prefix]


def _near(name: str, text: str) -> tuple[float, float, float]:
    parts = text.split("|")
    if not 2 <= len(parts) <= 4:
        raise FhirError(f"{name} must be lat|lon|distance|unit, got {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
        distance = float(parts[2]) if len(parts) > 2 and parts[2] else 40.0
    except ValueError:
        raise FhirError(f"{name} must be lat|lon|distance|unit with numbers, got {text!r}") from None
    unit = parts[3].strip().lower() if len(parts) > 3 and parts[3] else "km"
    if unit in ("mi", "[mi_i]"):
        distance *= MI_KM
    elif unit != "km":
        raise FhirError(f"{name}: unit must be km or mi, got {parts[3]!r}")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FhirError(f"{name}: latitude must be within ±90 and longitude within ±180, got {lat}, {lon}")
    if not 0 < distance <= MAX_RADIUS_KM:
        raise FhirError(f"{name}: distance must be more than 0 and at most {MAX_RADIUS_KM:g} km")
    return lat, lon, distance


def _reference(name: str, value: str, resource_type: str) -> str:
    prefix = f"{resource_type}/"
    if "/" in value and not value.startswith(prefix):
        raise FhirError(f"{name} must reference a {resource_type}, got {value!r}")
    return listing_id(value.removeprefix(prefix))


def parse(resource_type: str, items: list[tuple[str, str]]) -> Criteria:
    """The request's parameters as criteria; anything we do not support is a FhirError."""
    supported = {p.name for p in SEARCH_PARAMS[resource_type]}
    criteria = Criteria(resource_type)
    seen: set[str] = set()
    for raw_name, value in items:
        name, _, modifier = raw_name.partition(":")
        if name not in supported and name not in RESULT_PARAMS:
            known = ", ".join(sorted(supported | set(RESULT_PARAMS)))
            raise FhirError(f"unsupported search parameter {raw_name!r} for {resource_type}; supported: {known}", code="not-supported")
        bare = name.removeprefix("location.")
        if modifier and not (modifier == "exact" and bare in STRING_PARAMS):
            raise FhirError(f"unsupported modifier {raw_name!r}", code="not-supported")
        if name in seen and name != "_include":
            raise FhirError(f"{name} may be given once (comma-separate values for any of several)", code="not-supported")
        seen.add(name)
        if name == "_count":
            criteria.count = _int("_count", value, 1, MAX_COUNT)
        elif name == "_offset":
            criteria.offset = _int("_offset", value, 0, 10_000)
        elif name == "_format":
            if value not in ("json", "application/json", "application/fhir+json"):
                raise FhirError(f"_format: only JSON is served, got {value!r}", code="not-supported")
        elif name == "_include":
            if value not in INCLUDES[resource_type]:
                raise FhirError(f"unsupported _include {value!r}; supported: {', '.join(INCLUDES[resource_type]) or 'none'}")
            criteria.include.append(value)
        elif name == "_id":
            wanted = {listing_id(v) for v in value.split(",") if v}
            criteria.ids = wanted if criteria.ids is None else criteria.ids & wanted
        elif name in ("practitioner", "location"):
            wanted = {_reference(name, v, "Practitioner" if name == "practitioner" else "Location") for v in value.split(",") if v}
            criteria.ids = wanted if criteria.ids is None else criteria.ids & wanted
        elif name == "_lastUpdated":
            criteria.last_updated.append(_date_range(value))
        elif name == "specialty":
            criteria.specialties = [(s or None, c) if c else (None, s) for s, _, c in (v.rpartition("|") for v in value.split(","))]
        elif bare in STRING_PARAMS:
            criteria.address[bare] = (value, modifier == "exact")
        elif name in ("location_near", "near"):
            criteria.near = _near(name, value)
    return criteria


def _string_matches(actual: str | None, wanted: str, exact: bool) -> bool:
    if actual is None:
        return False
    return actual == wanted if exact else actual.casefold().startswith(wanted.casefold())


def matches(listing: Listing, criteria: Criteria) -> bool:
    """The criteria the backend's search did not already apply."""
    if criteria.ids is not None and listing.id not in criteria.ids:
        return False
    if criteria.resource_type == "Location" and not has_location(listing):
        return False
    moment = last_updated(listing)
    if not all(_date_matches(moment, *part) for part in criteria.last_updated):
        return False
    if criteria.specialties is not None:
        code = MASSAGE_THERAPIST[0]
        if not any(c == code and s in (None, NUCC_SYSTEM) for s, c in criteria.specialties):
            return False
    loc = listing.location
    fields = {"address-postalcode": loc.postal_code if loc else None, "address-city": loc.city if loc else None}
    fields["address-state"] = loc.state if loc else None
    return all(_string_matches(fields[name], value, exact) for name, (value, exact) in criteria.address.items())


def _scope(criteria: Criteria) -> tuple[Place | None, float]:
    """The place the backend's search is asked about, so results rank as search ranks them."""
    if criteria.near is not None:
        lat, lon, km = criteria.near
        return Place(lat, lon, f"{lat},{lon}"), km
    postal = criteria.address.get("address-postalcode")
    if postal and len(postal[0]) >= 5 and (place := zip_place(postal[0][:5])) is not None:
        return place, ADDRESS_SCOPE_KM
    city, state = criteria.address.get("address-city"), criteria.address.get("address-state")
    if city and state and (place := city_place(city[0], state[0])) is not None:
        return place, ADDRESS_SCOPE_KM
    return None, 0.0


def candidates(backend: SearchBackend, criteria: Criteria, today: date) -> Iterator[Listing]:
    """Listings matching the criteria, in the backend's ranking (ids given: in id order)."""
    if criteria.ids is not None:
        for lid in sorted(criteria.ids):
            listing = backend.get(lid)
            if listing is not None and matches(listing, criteria):
                yield listing
        return
    place, radius = _scope(criteria)
    query = SearchQuery(near=place, radius_km=radius or 40.0, license_status="any", limit=_SCAN_PAGE, today=today)
    scanned = 0
    while True:
        if scanned >= SCAN_BUDGET:
            raise FhirError(
                f"the search would read more than {SCAN_BUDGET} candidates; narrow it with location_near, "
                "a postal code, or a city with its state",
                code="too-costly",
            )
        page = backend.search(query)
        scanned += len(page.hits)
        for hit in page.hits:
            if matches(hit.listing, criteria):
                yield hit.listing
        if page.next_cursor is None:
            return
        query.cursor = Cursor.decode(page.next_cursor)


def _link(base: str, items: list[tuple[str, str]], offset: int) -> str:
    kept = [(k, v) for k, v in items if k != "_offset"] + ([("_offset", str(offset))] if offset else [])
    return f"{base}?{urlencode(kept)}" if kept else base


def searchset(
    backend: SearchBackend, vocab: Vocabulary, today: date, resource_type: str, items: list[tuple[str, str]], base_url: str
) -> Bundle:
    """A searchset Bundle of one page: matches, then what `_include` asked for; self/next/previous links."""
    criteria = parse(resource_type, items)
    found = []
    exhausted = True
    for index, listing in enumerate(candidates(backend, criteria, today)):
        if index >= criteria.offset + criteria.count:
            exhausted = False
            break
        if index >= criteria.offset:
            found.append(listing)
    search_url = f"{base_url}/{resource_type}"
    entries: list[dict[str, Any]] = []
    for listing in found:
        res = resource(resource_type, listing, vocab, today)
        entries.append({"fullUrl": f"{search_url}/{res.id}", "resource": res, "search": {"mode": "match"}})
    included: set[tuple[str, str]] = set()
    for inc in criteria.include:
        target = "Practitioner" if inc.endswith(":practitioner") else "Location"
        for listing in found:
            if (target, listing.id) in included or (target == "Location" and not has_location(listing)):
                continue
            included.add((target, listing.id))
            res = resource(target, listing, vocab, today)
            entries.append({"fullUrl": f"{base_url}/{target}/{res.id}", "resource": res, "search": {"mode": "include"}})
    links = [{"relation": "self", "url": _link(search_url, items, criteria.offset)}]
    if not exhausted:
        links.append({"relation": "next", "url": _link(search_url, items, criteria.offset + criteria.count)})
    if criteria.offset > 0:
        links.append({"relation": "previous", "url": _link(search_url, items, max(0, criteria.offset - criteria.count))})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "link": links,
        "entry": entries or None,
    }
    if exhausted:
        bundle["total"] = criteria.offset + len(found) if found or criteria.offset == 0 else None
    return Bundle.model_validate({k: v for k, v in bundle.items() if v is not None})


def operation_outcome(diagnostics: str, code: str = "invalid", severity: str = "error") -> OperationOutcome:
    return OperationOutcome.model_validate(
        {"resourceType": "OperationOutcome", "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}
    )


def read(backend: SearchBackend, vocab: Vocabulary, today: date, resource_type: str, resource_id: str) -> Any:
    listing = backend.get(listing_id(resource_id))
    if listing is None or (resource_type == "Location" and not has_location(listing)):
        raise FhirError(f"no {resource_type} with id {resource_id!r}", status=404, code="not-found")
    return resource(resource_type, listing, vocab, today)


def capability_statement(base_url: str, software_version: str) -> CapabilityStatement:
    """What this server supports, and nothing else: read and search-type on three resources, their
    search parameters and includes, JSON only."""
    resources = [
        {
            "type": resource_type,
            "profile": PROFILES[resource_type],
            "supportedProfile": [PROFILES[resource_type]],
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchInclude": INCLUDES[resource_type] or None,
            "searchParam": [{"name": p.name, "type": p.type, "documentation": p.documentation} for p in SEARCH_PARAMS[resource_type]],
        }
        for resource_type in ("PractitionerRole", "Practitioner", "Location")
    ]
    for entry in resources:
        if entry["searchInclude"] is None:
            del entry["searchInclude"]
    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": datetime.now(UTC).date().isoformat(),
            "kind": "instance",
            "software": {"name": "therapist-directory", "version": software_version},
            "implementation": {"description": "Massage therapist directory, Plan-Net profiles", "url": base_url},
            "fhirVersion": FHIR_VERSION,
            "format": ["json", "application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "Results rank as /search ranks them. _count (at most "
                    f"{MAX_COUNT}) and _offset page; unsupported parameters answer 400 with an OperationOutcome.",
                    "resource": resources,
                }
            ],
        }
    )


__all__ = ["FhirError", "capability_statement", "fhir_id", "operation_outcome", "read", "searchset"]
