"""The HTTP API through FastAPI's real app and test client, over a real SQLite index file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directory.backends.sqlite import SQLiteBackend
from directory.presenter import SearchResponse
from directory.settings import Settings
from search_api.app import create_app
from tests.conftest import TODAY
from tests.factories import population

RESULT_FIELDS = {
    "id",
    "name",
    "credentials",
    "npi",
    "licenses",
    "certifications",
    "modalities",
    "conditions",
    "years_experience",
    "location",
    "distance_km",
    "score",
    "why",
}


@pytest.fixture
def client(tmp_path: Path, vocab) -> TestClient:
    db = tmp_path / "index.db"
    SQLiteBackend(db, vocab).replace_all(population())
    return TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY))


def test_search_answers_in_the_contract_shape(client: TestClient) -> None:
    response = client.get("/search", params={"condition": "sciatica", "near": "78704", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    SearchResponse.model_validate(body)  # the documented schema
    assert set(body) == {"total", "results", "next_cursor", "interpreted", "facets"}
    assert body["total"] == 6 and len(body["results"]) == 3 and body["next_cursor"]
    first = body["results"][0]
    assert set(first) == RESULT_FIELDS
    assert first["name"] == "Ana Sciatica Specialist"
    assert first["licenses"] == [
        {
            "state": "TX",
            "number": "MT000001",
            "status": "active",
            "verified": True,
            "issued_on": "2014-03-01",
            "expires_on": "2027-12-31",
            "status_as_published": [],
            "restrictions": [],
            "discipline": [],
            "source": "board",
        }
    ]
    assert first["conditions"] == ["Sciatica"] and first["modalities"] == ["Deep tissue massage"]
    assert set(first["location"]) == {"city", "state", "postal_code", "lat", "lon"}
    assert body["interpreted"]["condition"]["id"] == "sciatica"
    assert body["interpreted"]["near"]["label"].startswith("78704")


def test_next_cursor_continues_the_list(client: TestClient) -> None:
    first = client.get("/search", params={"condition": "sciatica", "limit": 3}).json()
    second = client.get("/search", params={"condition": "sciatica", "limit": 3, "cursor": first["next_cursor"]}).json()
    everything = client.get("/search", params={"condition": "sciatica", "limit": 100}).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == [r["id"] for r in everything["results"]][: len(ids)]
    assert second["total"] == first["total"]


def test_free_text_is_understood_with_corrections(client: TestClient) -> None:
    body = client.get("/search", params={"q": "deep tisue for carpel tunnel near Austin, TX"}).json()
    assert body["interpreted"]["condition"]["id"] == "carpal_tunnel_syndrome"
    assert body["interpreted"]["condition"]["corrected_from"] == "carpel tunnel"
    assert body["interpreted"]["near"]["label"] == "Austin, TX"
    # A technique named in free text is a preference, not a filter: the specialist still shows.
    assert body["interpreted"]["modalities"][0]["id"] == "deep_tissue_massage"
    assert body["interpreted"]["modalities"][0]["use"] == "preference"
    assert [r["name"] for r in body["results"]] == ["Gus Carpal Tunnel"]
    # The modality parameter is a filter: Gus offers myofascial release, not deep tissue.
    body = client.get("/search", params={"q": "carpel tunnel near Austin, TX", "modality": "deep tissue"}).json()
    assert body["results"] == [] and body["interpreted"]["modalities"][0]["use"] == "filter"


def test_explicit_parameters_override_the_free_text(client: TestClient) -> None:
    body = client.get("/search", params={"q": "sciatica near Houston, TX", "near": "78704", "condition": "carpal tunnel"}).json()
    assert body["interpreted"]["condition"]["id"] == "carpal_tunnel_syndrome"
    assert body["interpreted"]["near"]["label"].startswith("78704")


def test_icd10_code_finds_the_condition(client: TestClient) -> None:
    body = client.get("/search", params={"condition": "G56.01", "near": "78704"}).json()
    assert body["interpreted"]["condition"]["method"] == "icd10"
    assert body["results"][0]["name"] == "Gus Carpal Tunnel"


def test_advisory_is_shown_when_the_search_touches_a_contraindication(client: TestClient) -> None:
    body = client.get("/search", params={"q": "massage while pregnant near Austin, TX"}).json()
    assert [a["id"] for a in body["interpreted"]["advisories"]] == ["pregnancy"]
    assert body["interpreted"]["advisories"][0]["message"]


def test_therapist_detail_has_contact_bio_and_provenance(client: TestClient) -> None:
    body = client.get("/therapists/t_0001").json()
    assert RESULT_FIELDS - {"distance_km", "score", "why"} <= set(body)
    assert body["phone"] == "+15125550100" and body["bio"] == "Bio."
    assert {s["kind"] for s in body["sources"]} == {"license_csv", "profile_site"}
    assert all(set(s) == {"source", "kind", "url", "fetched_at"} for s in body["sources"])


def test_unknown_therapist_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/therapists/t_nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({"near": "99999"}, "near", "unknown US ZIP code"),
        ({"near": "Atlantis, TX"}, "near", "unknown city"),
        ({"near": "95.0,-97.7"}, "near", "latitude 95.0 is outside"),
        ({"near": "somewhere"}, "near", "is not a US place"),
        ({"near": "78704", "radius_km": "-5"}, "radius_km", "must be more than 0"),
        ({"near": "78704", "radius_km": "5000"}, "radius_km", "at most 500"),
        ({"radius_km": "far"}, "radius_km", "valid number"),
        ({"limit": "101"}, "limit", "between 1 and 100"),
        ({"limit": "0"}, "limit", "between 1 and 100"),
        ({"limit": "ten"}, "limit", "valid integer"),
        ({"cursor": "not-a-cursor"}, "cursor", "not a cursor"),
        ({"license_status": "maybe"}, "license_status", "'active' or 'any'"),
        ({"condition": "hangnail"}, "condition", "unknown condition"),
        ({"modality": "telepathy"}, "modality", "unknown modality"),
        ({"q": "sciatica near Atlantis"}, "q", "is not a US place"),
        ({"min_years": "-1"}, "min_years", "between 0 and 70"),
        ({"gender": "robot"}, "gender", "must be one of female, male, non-binary"),
        ({"certification": "wizard"}, "certification", "unknown certification"),
        ({"accepting_new_clients": "perhaps"}, "accepting_new_clients", "valid boolean"),
    ],
)
def test_bad_parameters_answer_422_naming_the_parameter(client: TestClient, params: dict, parameter: str, reason: str) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["parameter"] == parameter
    assert reason in error["reason"]


def test_unknown_condition_comes_with_suggestions(client: TestClient) -> None:
    error = client.get("/search", params={"condition": "sciaticka nerve"}).json()["error"]
    assert 1 <= len(error["suggestions"]) <= 3
    assert "Sciatica" in error["suggestions"]


def test_vocabulary_autocomplete(client: TestClient) -> None:
    body = client.get("/vocabulary/conditions", params={"prefix": "carp"}).json()
    assert [t["id"] for t in body] == ["carpal_tunnel_syndrome"]
    assert "G56.0" in body[0]["icd10"]


def test_health_reports_the_index(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["backend"] == "sqlite"


def test_a_missing_index_is_503_not_a_crash(tmp_path: Path, vocab) -> None:
    client = TestClient(create_app(Settings(db=tmp_path / "none.db"), vocab=vocab, today=TODAY))
    response = client.get("/search", params={"condition": "sciatica"})
    assert response.status_code == 503
    assert "run `therapists index` first" in response.json()["error"]["reason"]


def _names(client: TestClient, **params) -> set[str]:
    return {
        r["name"] for r in client.get("/search", params={"near": "Austin, TX", "radius_km": 30, "limit": 100, **params}).json()["results"]
    }


def test_attribute_filters(tmp_path: Path, vocab) -> None:
    people = population()
    people[0] = people[0].model_copy(
        update={"languages": ["English", "Spanish"], "gender": "female", "accepting_new_clients": True, "mobile": True}
    )
    people[1] = people[1].model_copy(update={"languages": ["English"], "gender": "male", "accepting_new_clients": False, "mobile": False})
    db = tmp_path / "attrs.db"
    SQLiteBackend(db, vocab).replace_all(people)
    client = TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY))
    assert _names(client, language="spanish") == {"Ana Sciatica Specialist"}
    assert _names(client, gender="male") == {"Ben Piriformis"}
    assert _names(client, accepting_new_clients="true") == {"Ana Sciatica Specialist"}
    assert _names(client, mobile="false") == {"Ben Piriformis"}
    assert _names(client, certification="BCTMB") == {"Ana Sciatica Specialist"}
    assert "Cara Deep Tissue Only" not in _names(client, min_years=5) and "Cara Deep Tissue Only" in _names(client)
    body = client.get("/search", params={"near": "Austin, TX", "language": "Spanish", "min_years": 3}).json()
    assert body["interpreted"]["filters"] == {"language": "Spanish", "min_years": 3.0}


def test_an_expired_certification_is_listed_as_expired_never_as_held(tmp_path: Path, vocab) -> None:
    held = population()[0]  # t_0001 holds BCTMB; here it expired before TODAY (2026-11-23)
    held.certifications[0].issuer, held.certifications[0].expires_on = "NCBTMB", date(2026, 8, 24)
    db = tmp_path / "index.db"
    SQLiteBackend(db, vocab).replace_all([held, *population()[1:]], {"built_for_date": TODAY.isoformat()})
    client = TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY))

    detail = client.get("/therapists/t_0001").json()
    assert [(c["name"], c["expires_on"], c["expired"]) for c in detail["certifications"]] == [("BCTMB", "2026-08-24", True)]
    by_cert = client.get("/search", params={"near": "78704", "certification": "BCTMB", "limit": 100}).json()
    assert "t_0001" not in {r["id"] for r in by_cert["results"]}  # not matched by the filter
    found = next(
        r for r in client.get("/search", params={"condition": "sciatica", "near": "78704"}).json()["results"] if r["id"] == "t_0001"
    )
    assert found["certifications"][0]["expired"] is True and not [w for w in found["why"] if w.startswith("Certified:")]
    page = client.get("/therapist/t_0001").text
    assert "expired 2026-08-24" in page and "valid until 2026-08-24" not in page
