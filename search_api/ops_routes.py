"""Health, readiness and metrics, for load balancers, orchestrators and Prometheus."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from directory.errors import DirectoryError
from directory.query import SearchQuery
from search_api.deps import Backend, Today
from search_api.errors import error_response
from search_api.ops import IndexCollector, render_metrics

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up (liveness)")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The index is open and answers a query (readiness)")
def readyz(backend: Backend, today: Today) -> Response:
    try:
        page = backend.search(SearchQuery(license_status="any", limit=1, today=today))
        meta = backend.metadata()
    except DirectoryError as exc:
        return error_response(503, "not_ready", str(exc))
    body = {"status": "ready", "listings": page.total, "generation": meta.get("generation"), "built_at": meta.get("built_at")}
    return Response(json.dumps(body), media_type="application/json")


@router.get("/metrics", summary="Prometheus metrics (text exposition format)", response_class=Response)
def metrics(request: Request) -> Response:
    collector: IndexCollector = request.app.state.index_collector
    return Response(render_metrics(collector), media_type=CONTENT_TYPE_LATEST)
