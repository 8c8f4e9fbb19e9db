"""FHIR R4 under /fhir: read and search PractitionerRole, Practitioner and Location (Plan-Net
profiles), and the CapabilityStatement. Errors answer OperationOutcomes, as FHIR clients expect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response

from directory.fhir_search import FhirError, capability_statement, operation_outcome, read, searchset
from search_api.deps import Backend, Today, Vocab

router = APIRouter(prefix="/fhir", tags=["FHIR R4"])
FHIR_JSON = "application/fhir+json"
RESOURCE_TYPES = ("PractitionerRole", "Practitioner", "Location")


def _answer(build: Callable[[], Any]) -> Response:
    try:
        return Response(build().model_dump_json(), media_type=FHIR_JSON)
    except FhirError as exc:
        return Response(operation_outcome(exc.diagnostics, exc.code).model_dump_json(), status_code=exc.status, media_type=FHIR_JSON)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


@router.get("/metadata", summary="CapabilityStatement: exactly what this FHIR server supports")
def metadata(request: Request) -> Response:
    return _answer(lambda: capability_statement(_base(request), request.app.version))


@router.get("/{resource_type}", summary="Search PractitionerRole, Practitioner or Location (searchset Bundle)")
def search(resource_type: str, request: Request, backend: Backend, vocab: Vocab, today: Today) -> Response:
    if resource_type not in RESOURCE_TYPES:
        return _unsupported_type(resource_type)
    items = list(request.query_params.multi_items())
    return _answer(lambda: searchset(backend, vocab, today, resource_type, items, _base(request)))


@router.get("/{resource_type}/{resource_id}", summary="Read one resource by id")
def read_one(resource_type: str, resource_id: str, backend: Backend, vocab: Vocab, today: Today) -> Response:
    if resource_type not in RESOURCE_TYPES:
        return _unsupported_type(resource_type)
    return _answer(lambda: read(backend, vocab, today, resource_type, resource_id))


def _unsupported_type(resource_type: str) -> Response:
    outcome = operation_outcome(f"resource type {resource_type!r} is not served; served: {', '.join(RESOURCE_TYPES)}", "not-supported")
    return Response(outcome.model_dump_json(), status_code=404, media_type=FHIR_JSON)
