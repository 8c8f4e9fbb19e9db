"""The Elasticsearch client the backend uses, and how its failures become `BackendError` (503).

`plain_json=True` (env THERAPISTS_ES_PLAIN_JSON=1) is for OpenSearch-compatible test servers
such as osmem-server: they answer 406 to the client's versioned media type
(`application/vnd.elasticsearch+json; compatible-with=N`) and send no `X-Elastic-Product`
header, which the client insists on. The node class below sends plain `application/json` (and
`application/x-ndjson` for bulk) and marks the answers as Elasticsearch's. Against a real cluster
leave it off: the client then talks to Elasticsearch exactly as shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, HttpHeaders, TransportError, Urllib3HttpNode
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType
from elasticsearch import ApiError, Elasticsearch, NotFoundError

from directory.errors import BackendError

T = TypeVar("T")
_VERSIONED = "application/vnd.elasticsearch+"


def _plain(value: str) -> str:
    """'application/vnd.elasticsearch+x-ndjson; compatible-with=9' → 'application/x-ndjson'."""
    if _VERSIONED not in value:
        return value
    return "application/" + value.split(_VERSIONED, 1)[1].split(";", 1)[0].strip()


class PlainJsonNode(Urllib3HttpNode):
    """Sends plain JSON media types and accepts a server that does not name itself Elasticsearch."""

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        sent = HttpHeaders()
        for name, value in (headers or HttpHeaders()).items():
            sent[name] = _plain(value) if name.lower() in ("accept", "content-type") else value
        for name in ("accept", "content-type"):
            if name in self._headers:
                self._headers[name] = _plain(self._headers[name])
        response = super().perform_request(method, target, body, sent, request_timeout)
        response.meta.headers["x-elastic-product"] = "Elasticsearch"
        return response


def make_client(url: str, plain_json: bool = False, timeout_s: float = 10.0) -> Elasticsearch:
    extra: dict[str, Any] = {"node_class": PlainJsonNode} if plain_json else {}
    # One retry: a restarted node is tried again at once; a dead one answers 503 quickly.
    return Elasticsearch(url, request_timeout=timeout_s, max_retries=1, retry_on_timeout=True, **extra)


def call(url: str, what: str, action: Callable[[], T]) -> T:
    """Run one client call; an unreachable or failing cluster becomes a BackendError naming it."""
    try:
        return action()
    except NotFoundError as exc:
        if _error_type(exc) == "index_not_found_exception":
            raise BackendError(f"no Elasticsearch index at {url} ({what}); run `therapists index --from DIR --es {url}` first") from None
        raise
    except ApiError as exc:
        raise BackendError(f"Elasticsearch at {url} failed to {what}: {exc.meta.status} {_error_reason(exc)}") from None
    except (TransportConnectionError, ConnectionTimeout) as exc:
        raise BackendError(f"Elasticsearch at {url} is unreachable ({what}): {exc.message}") from None
    except TransportError as exc:
        raise BackendError(f"Elasticsearch at {url} failed to {what}: {exc.message}") from None


def _error_type(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    return str(error.get("type", "")) if isinstance(error, dict) else ""


def _error_reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        root = (error.get("root_cause") or [error])[0]
        caused = error.get("caused_by", {}).get("caused_by") or error.get("caused_by") or {}
        return f"{root.get('type', '')}: {caused.get('reason') or root.get('reason', '')}"
    return str(exc.message)
