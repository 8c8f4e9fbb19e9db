"""Every response of the app that is an error has the one shape, whatever went wrong."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from directory.backends.memory import MemoryBackend
from directory.presenter import ErrorResponse
from directory.settings import Settings
from search_api.app import create_app
from tests.conftest import TODAY
from tests.factories import population

SECRET = "the-database-password-is-hunter2"


def _explode() -> dict:
    raise RuntimeError(SECRET)


@pytest.fixture
def app(tmp_path: Path, vocab) -> FastAPI:
    backend = MemoryBackend(vocab)
    backend.replace_all(population())
    app = create_app(Settings(db=tmp_path / "unused.db"), backend=backend, vocab=vocab, today=TODAY)
    app.add_api_route("/test-only/explode", _explode, methods=["GET"])
    return app


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    # Starlette re-raises after answering a 500, for the server to log; a client sees only the answer.
    return TestClient(app, raise_server_exceptions=False)


def _error(response) -> dict:
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    ErrorResponse.model_validate(body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "parameter", "reason", "suggestions"}
    assert "Traceback" not in response.text and SECRET not in response.text
    return body["error"]


def test_an_unknown_route_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/no/such/route")  # (`/` is the search page)
    assert response.status_code == 404
    error = _error(response)
    assert error["code"] == "not_found" and "'/no/such/route'" in error["reason"] and error["parameter"] is None


def test_a_wrong_method_is_405_in_the_error_shape_with_allow(client: TestClient) -> None:
    response = client.post("/search", params={"condition": "sciatica"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    error = _error(response)
    assert error["code"] == "method_not_allowed" and "POST" in error["reason"]


def test_an_invalid_parameter_is_422_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/search", params={"limit": "ten"})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid_parameter" and error["parameter"] == "limit"


def test_an_unknown_therapist_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/therapists/t_nope")
    assert response.status_code == 404 and _error(response)["code"] == "not_found"


def test_an_unexpected_exception_is_500_in_the_error_shape_logged_with_its_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="search_api.errors"):
        response = client.get("/test-only/explode")
    assert response.status_code == 500
    error = _error(response)
    request_id = response.headers["x-request-id"]
    assert error["code"] == "internal_error" and request_id in error["reason"]
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info and SECRET in str(logged[0].exc_info[1])


def test_a_backend_that_raises_is_500_in_the_error_shape(app: FastAPI, client: TestClient) -> None:
    def broken(query):
        raise KeyError(SECRET)

    app.state.backend.search = broken
    response = client.get("/search", params={"condition": "sciatica"})
    assert response.status_code == 500
    assert _error(response)["code"] == "internal_error"


def test_every_response_carries_a_fresh_request_id(client: TestClient) -> None:
    ids = [client.get(path).headers["x-request-id"] for path in ("/health", "/search", "/nowhere", "/search?limit=0")]
    assert len(set(ids)) == len(ids) and all(len(i) == 32 for i in ids)


def test_the_openapi_documents_the_error_shape(app: FastAPI) -> None:
    search = app.openapi()["paths"]["/search"]["get"]["responses"]
    assert search["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SearchResponse"}
    for status in ("404", "422", "500"):
        assert search[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
