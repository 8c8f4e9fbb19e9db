"""FHIR R4 (Plan-Net) through the real app over a real SQLite index, validated with fhir.resources."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from directory.backends.sqlite import SQLiteBackend
from directory.fhir import PROFILES
from directory.geo import distance_km
from directory.settings import Settings
from search_api.app import create_app
from tests.conftest import TODAY
from tests.factories import listing, population
from therapists.cli import main

MODELS = {"Practitioner": Practitioner, "PractitionerRole": PractitionerRole, "Location": Location}
OLD_FETCH = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def fhir_population() -> list:
    old = listing("t_0011", "Kay Old Austin", "78704", ["sciatica"], [])
    old = old.model_copy(update={"sources": [s.model_copy(update={"fetched_at": OLD_FETCH}) for s in old.sources]})
    return [*population(), old]


@pytest.fixture
def db(tmp_path: Path, vocab) -> Path:
    path = tmp_path / "index.db"
    SQLiteBackend(path, vocab).replace_all(fhir_population())
    return path


@pytest.fixture
def client(db: Path, vocab) -> TestClient:
    return TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY))


def bundle_of(response) -> Bundle:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    bundle = Bundle.model_validate(body)
    assert bundle.type == "searchset"
    for entry in body.get("entry", []):
        resource = entry["resource"]
        MODELS[resource["resourceType"]].model_validate(resource)  # every resource, as served
        assert resource["meta"]["profile"] == [PROFILES[resource["resourceType"]]]
    return bundle


def matches(bundle: Bundle) -> list:
    return [e.resource for e in bundle.entry or [] if e.search.mode == "match"]


def outcome_of(response, status: int = 400) -> OperationOutcome:
    assert response.status_code == status, response.text
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].severity == "error"
    return outcome


def test_location_near_keeps_roles_within_the_distance_in_search_order(client: TestClient) -> None:
    lat, lon = 30.2672, -97.7431  # downtown Austin
    bundle = bundle_of(client.get("/fhir/PractitionerRole", params={"location_near": f"{lat}|{lon}|15|km", "_count": 50}))
    ids = [r.id for r in matches(bundle)]
    assert ids and "t-0006" not in ids  # Houston
    assert bundle.total == len(ids)
    search = client.get("/search", params={"near": f"{lat},{lon}", "radius_km": 15, "license_status": "any", "limit": 50}).json()
    assert ids == [r["id"].replace("_", "-") for r in search["results"]]
    for role in matches(bundle):
        place = client.get(f"/fhir/Location/{role.id}").json()["position"]
        assert distance_km(lat, lon, place["latitude"], place["longitude"]) <= 15
    in_miles = bundle_of(client.get("/fhir/PractitionerRole", params={"location_near": f"{lat}|{lon}|9.33|mi", "_count": 50}))
    assert [r.id for r in matches(in_miles)] == ids  # 9.33 mi ≈ 15.0 km


def test_specialty_is_the_nucc_massage_therapist_code(client: TestClient) -> None:
    everyone = bundle_of(client.get("/fhir/PractitionerRole", params={"specialty": "225700000X", "_count": 100}))
    assert len(matches(everyone)) == len(fhir_population())
    with_system = bundle_of(client.get("/fhir/PractitionerRole", params={"specialty": "http://nucc.org/provider-taxonomy|225700000X"}))
    assert matches(with_system)
    nobody = bundle_of(client.get("/fhir/PractitionerRole", params={"specialty": "207Q00000X"}))  # family medicine
    assert matches(nobody) == [] and nobody.total == 0
    role = matches(everyone)[0]
    codes = [c.code for s in role.specialty for c in s.coding or []]
    assert "225700000X" in codes
    assert any(s.text == "Sciatica" for s in role.specialty if not s.coding)  # conditions as text: no code fits


def test_chained_postal_code_city_and_state(client: TestClient) -> None:
    bundle = bundle_of(
        client.get("/fhir/PractitionerRole", params={"location.address-postalcode": "78704", "_include": "PractitionerRole:location"})
    )
    locations = [e.resource for e in bundle.entry if e.search.mode == "include"]
    assert {loc.address.postalCode for loc in locations} == {"78704"}
    assert {r.id for r in matches(bundle)} == {"t-0001", "t-0004", "t-0010", "t-0011"}
    prefix = bundle_of(client.get("/fhir/PractitionerRole", params={"location.address-postalcode": "787", "_count": 100}))
    assert len(matches(prefix)) == 10  # every Austin ZIP; not Houston's 77002
    exact = bundle_of(client.get("/fhir/PractitionerRole", params={"location.address-postalcode:exact": "787"}))
    assert matches(exact) == []
    houston = bundle_of(client.get("/fhir/PractitionerRole", params={"location.address-city": "houston", "location.address-state": "TX"}))
    assert [r.id for r in matches(houston)] == ["t-0006"]


def test_include_adds_the_practitioner_and_location_once_each(client: TestClient) -> None:
    response = client.get(
        "/fhir/PractitionerRole",
        params=[("_id", "t-0001,t-0006"), ("_include", "PractitionerRole:practitioner"), ("_include", "PractitionerRole:location")],
    )
    bundle = bundle_of(response)
    roles = matches(bundle)
    assert sorted(r.id for r in roles) == ["t-0001", "t-0006"]
    included = sorted((e.resource.get_resource_type(), e.resource.id) for e in bundle.entry if e.search.mode == "include")
    assert included == [("Location", "t-0001"), ("Location", "t-0006"), ("Practitioner", "t-0001"), ("Practitioner", "t-0006")]
    for role in roles:
        assert role.practitioner.reference == f"Practitioner/{role.id}" and role.location[0].reference == f"Location/{role.id}"


def test_paging_links_visit_every_match_once(client: TestClient) -> None:
    url: str | None = "/fhir/PractitionerRole?_count=3"
    seen, pages = [], 0
    while url:
        bundle = bundle_of(client.get(url))
        seen += [r.id for r in matches(bundle)]
        links = {link.relation: link.url for link in bundle.link}
        if pages:
            assert "previous" in links
        url = links.get("next")
        if url:
            parts = urlsplit(url)
            url = f"{parts.path}?{parts.query}"
            assert bundle.total is None  # unknown until the last page
        pages += 1
    assert len(seen) == len(set(seen)) == len(fhir_population()) and pages == 4
    assert bundle.total == len(seen)


def test_last_updated_filters_on_when_a_source_last_showed_the_listing(client: TestClient) -> None:
    old = bundle_of(client.get("/fhir/Practitioner", params={"_lastUpdated": "lt2026-01-01"}))
    assert [p.id for p in matches(old)] == ["t-0011"]
    assert matches(old)[0].meta.lastUpdated.isoformat().startswith("2025-06-01T09:30")
    recent = bundle_of(client.get("/fhir/Practitioner", params={"_lastUpdated": "ge2026-11", "_count": 100}))
    assert "t-0011" not in {p.id for p in matches(recent)} and len(matches(recent)) == len(fhir_population()) - 1
    day = bundle_of(client.get("/fhir/Practitioner", params={"_lastUpdated": "2025-06-01"}))
    assert [p.id for p in matches(day)] == ["t-0011"]


def test_practitioner_qualifications_carry_licences_and_their_status(client: TestClient) -> None:
    response = client.get("/fhir/Practitioner/t-0001")
    assert response.status_code == 200
    practitioner = Practitioner.model_validate(response.json())
    licence = practitioner.qualification[0]
    assert licence.identifier[0].value == "MT000001" and licence.period.end.isoformat() == "2027-12-31"
    status = {e.url: e.valueCode for e in licence.extension[0].extension}
    assert status["status"] == "active" and "verified with the state board" in licence.code.text
    assert any(q.code.text == "BCTMB" for q in practitioner.qualification)  # a certification too
    suspended = Practitioner.model_validate(client.get("/fhir/Practitioner/t-0005").json())
    assert suspended.active is False
    assert suspended.qualification[0].extension[0].valueCode == "suspended"  # never the Plan-Net 'active' extension
    expired = Practitioner.model_validate(client.get("/fhir/Practitioner/t-0004").json())
    assert expired.qualification[0].extension[0].valueCode == "expired" and "not verified" in expired.qualification[0].code.text


def test_unsupported_or_malformed_parameters_answer_an_operation_outcome(client: TestClient) -> None:
    for params in (
        {"name": "Ana"},
        {"specialty:text": "massage"},
        {"location.address-postalcode:contains": "87"},
        {"_include": "PractitionerRole:organization"},
        {"location_near": "30.2|-97.7|10|furlongs"},
        {"location_near": "north|west"},
        {"_count": "1000"},
        {"_lastUpdated": "last tuesday"},
        {"_format": "xml"},
    ):
        outcome = outcome_of(client.get("/fhir/PractitionerRole", params=params))
        assert outcome.issue[0].diagnostics, params
    assert outcome_of(client.get("/fhir/Location/t-9999"), 404).issue[0].code == "not-found"
    assert outcome_of(client.get("/fhir/Organization"), 404).issue[0].code == "not-supported"


def test_the_capability_statement_lists_exactly_what_is_supported(client: TestClient) -> None:
    response = client.get("/fhir/metadata")
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.0.1"
    resources = {r.type: r for r in statement.rest[0].resource}
    assert set(resources) == {"PractitionerRole", "Practitioner", "Location"}
    samples = {"token": "225700000X", "reference": "t-0001", "string": "78", "date": "ge2020", "special": "30.27|-97.74|10|km"}
    for resource_type, entry in resources.items():
        assert entry.profile == PROFILES[resource_type]
        for param in entry.searchParam:
            value = "t-0001" if param.name == "_id" else samples[param.type]
            assert client.get(f"/fhir/{resource_type}", params={param.name: value}).status_code == 200, param.name
        for include in entry.searchInclude or []:
            assert client.get(f"/fhir/{resource_type}", params={"_include": include}).status_code == 200
    listed = {p.name for p in resources["PractitionerRole"].searchParam}
    assert listed == {
        "_id",
        "_lastUpdated",
        "specialty",
        "practitioner",
        "location",
        "location.address-postalcode",
        "location.address-city",
        "location.address-state",
        "location_near",
    }
    assert client.get("/fhir/Practitioner", params={"specialty": "225700000X"}).status_code == 400  # not listed for Practitioner


def test_export_fhir_writes_ndjson_of_every_resource(db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "export"
    assert main(["export-fhir", "--db", str(db), "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts == {"Practitioner": 11, "PractitionerRole": 11, "Location": 11}
    for resource_type, model in MODELS.items():
        lines = (out / f"{resource_type}.ndjson").read_text().splitlines()
        assert len(lines) == counts[resource_type]
        ids = {model.model_validate_json(line).id for line in lines}
        assert "t-0001" in ids


def test_a_search_too_broad_to_serve_says_so_rather_than_scanning_forever(client: TestClient, monkeypatch) -> None:
    import directory.fhir_search as fhir_search

    monkeypatch.setattr(fhir_search, "SCAN_BUDGET", 3)
    monkeypatch.setattr(fhir_search, "_SCAN_PAGE", 3)
    outcome = outcome_of(client.get("/fhir/PractitionerRole", params={"location.address-state": "FL"}))  # nobody in Florida
    assert outcome.issue[0].code == "too-costly" and "location_near" in outcome.issue[0].diagnostics
    nearby = bundle_of(client.get("/fhir/PractitionerRole", params={"location.address-state": "TX", "_count": 2}))
    assert len(matches(nearby)) == 2  # found within the budget
