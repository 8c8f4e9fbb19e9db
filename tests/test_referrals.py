"""Referral lists through the real app over a real SQLite index: who qualifies, the stored list, exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import vobject
from fastapi.testclient import TestClient

from directory.backends.sqlite import SQLiteBackend
from directory.models import LicenseStatus
from directory.presenter import ReferralList
from directory.settings import Settings
from search_api.app import create_app
from tests.conftest import TODAY
from tests.factories import listing, population


def referral_population() -> list:
    return [
        *population(),
        # Certified for myofascial pain syndrome (CNMT qualifies), no stated specialty.
        listing("t_0101", "Kim Certified", "78704", [], [], certifications=["cnmt"]),
        # Only a technique that serves the condition: search finds her, a referral does not.
        listing("t_0102", "Lou Technique Only", "78704", [], ["trigger_point_therapy"]),
        listing("t_0103", "Mo Myofascial", "78701", ["myofascial_pain_syndrome"], ["myofascial_release"]),
        listing("t_0104", "Ned Revoked", "78701", ["myofascial_pain_syndrome"], [], status=LicenseStatus.revoked, verified=False),
    ]


@pytest.fixture
def db(tmp_path: Path, vocab) -> Path:
    path = tmp_path / "index.db"
    SQLiteBackend(path, vocab).replace_all(referral_population(), metadata={"generation": "1", "built_at": "2026-11-20T00:00:00+00:00"})
    return path


@pytest.fixture
def client(db: Path, vocab) -> TestClient:
    return TestClient(create_app(Settings(db=db), vocab=vocab, today=TODAY))


def test_a_referral_by_icd10_lists_only_active_verified_therapists_nearby_who_treat_it(client: TestClient) -> None:
    response = client.get("/referrals", params={"icd10": "M54.3", "near": "78704", "radius_km": 25})
    assert response.status_code == 200, response.text
    body = ReferralList.model_validate(response.json())
    names = [e.name for e in body.entries]
    # Not: Dan (expired yesterday), Eve (suspended), Joy (unverified), Fay (Houston, outside 25 km),
    # Ben (piriformis: a related condition only), Cara (a technique only).
    assert set(names) == {"Ana Sciatica Specialist", "Hal Twin A", "Ida Twin B"}
    assert body.total == 3
    assert body.condition.id == "sciatica" and body.condition.method == "icd10" and "M54.3" in body.condition.icd10
    for entry in body.entries:
        assert entry.distance_km is not None and entry.distance_km <= 25
        assert any(lic.verified and lic.status == "active" and lic.verified_by for lic in entry.licenses)
        assert entry.treats == "states it as a specialty"
        assert any(ev.kind == "condition" and ev.term == "Sciatica" for ev in entry.evidence)
    first = body.entries[0]
    assert first.name == "Ana Sciatica Specialist" and first.rank == 1
    assert first.address.street == "1 Main St" and first.address.postal_code == "78704" and first.phone == "+15125550100"
    assert first.licenses[0].verified_by.startswith("state licensing board file 'board'")
    assert body.index_generation == "1" and body.as_of == TODAY.isoformat() and body.list_id in body.citation


def test_referral_order_is_the_search_order(client: TestClient) -> None:
    referral = client.get("/referrals", params={"icd10": "M54.3", "near": "78704", "radius_km": 25}).json()
    search = client.get("/search", params={"condition": "sciatica", "near": "78704", "radius_km": 25, "limit": 50}).json()
    eligible = {e["id"] for e in referral["entries"]}
    assert [e["id"] for e in referral["entries"]] == [r["id"] for r in search["results"] if r["id"] in eligible]
    assert [e["score"] for e in referral["entries"]] == [r["score"] for r in search["results"] if r["id"] in eligible]


def test_a_qualifying_certification_counts_and_a_technique_alone_does_not(client: TestClient) -> None:
    body = client.get("/referrals", params={"condition": "myofascial pain syndrome", "near": "78704"}).json()
    by_name = {e["name"]: e for e in body["entries"]}
    assert set(by_name) == {"Kim Certified", "Mo Myofascial"}
    assert by_name["Kim Certified"]["training"][0]["kind"] == "certification"
    assert "CNMT" in by_name["Kim Certified"]["treats"]
    assert {"kind": "technique", "name": "Myofascial release"}.items() <= by_name["Mo Myofascial"]["training"][0].items()


def test_the_stored_list_comes_back_unchanged_after_a_reindex(client: TestClient, db: Path, vocab) -> None:
    made = client.get("/referrals", params={"icd10": "M54.3", "near": "78704", "radius_km": 25})
    list_id = made.json()["list_id"]
    # Re-index: Ana is gone and a new sciatica specialist arrives.
    changed = [x for x in referral_population() if x.id != "t_0001"] + [listing("t_0200", "Zed New", "78704", ["sciatica"], [])]
    SQLiteBackend(db, vocab).replace_all(changed, metadata={"generation": "2", "built_at": "2026-11-22T00:00:00+00:00"})
    fresh = client.get("/referrals", params={"icd10": "M54.3", "near": "78704", "radius_km": 25}).json()
    assert fresh["index_generation"] == "2" and fresh["list_id"] != list_id
    assert "Zed New" in {e["name"] for e in fresh["entries"]}
    again = client.get(f"/referrals/{list_id}")
    assert again.status_code == 200
    assert again.json() == made.json()
    assert again.json()["entries"][0]["name"] == "Ana Sciatica Specialist"


def test_csv_has_one_row_per_therapist(client: TestClient) -> None:
    body = client.get("/referrals", params={"icd10": "M54.3", "near": "78704", "radius_km": 25}).json()
    response = client.get(f"/referrals/{body['list_id']}", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["listing_id"] for r in rows] == [e["id"] for e in body["entries"]]
    assert rows[0]["name"] == "Ana Sciatica Specialist" and rows[0]["licenses"] == "TX MT000001 (active, verified)"
    assert rows[0]["condition"] == "Sciatica" and rows[0]["list_id"] == body["list_id"]


def test_each_vcard_parses(client: TestClient) -> None:
    response = client.get("/referrals", params={"condition": "myofascial pain syndrome", "near": "78704", "format": "vcf"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/vcard")
    cards = list(vobject.readComponents(response.text))
    assert len(cards) == 2
    by_name = {c.fn.value: c for c in cards}
    kim = by_name["Kim Certified, LMT"]
    assert kim.n.value.family == "Certified" and kim.n.value.given == "Kim"
    assert kim.adr.value.street == "1 Main St" and kim.adr.value.code == "78704"
    assert kim.tel.value == "+15125550100"
    assert "CNMT" in kim.note.value and "TX MT000101 (active, verified)" in kim.note.value


def test_bad_referral_requests_answer_422_naming_the_parameter(client: TestClient) -> None:
    cases = [
        ({"near": "78704"}, "icd10"),
        ({"icd10": "Z99.9", "near": "78704"}, "icd10"),
        ({"icd10": "sciatica", "near": "78704"}, "icd10"),
        ({"icd10": "M54.3"}, "near"),
        ({"icd10": "M54.3", "near": "78704", "limit": 500}, "limit"),
        ({"icd10": "M54.3", "near": "78704", "format": "pdf"}, "format"),
    ]
    for params, parameter in cases:
        response = client.get("/referrals", params=params)
        assert response.status_code == 422, params
        assert response.json()["error"]["parameter"] == parameter, params


def test_an_unknown_list_is_404(client: TestClient) -> None:
    response = client.get("/referrals/ref_0000000000000000")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
