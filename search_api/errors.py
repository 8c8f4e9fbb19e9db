"""One error shape for every failure: {"error": {"code", "parameter", "reason", "suggestions"}}.

Every response carries an `X-Request-ID`: the caller's own when it sent a sane one, else a fresh one. An unexpected exception answers 500 in the same shape,
naming only that id; the traceback goes to the log under the same id, never to the client.
"""

from __future__ import annotations

import logging
import re
import uuid
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directory.errors import DirectoryError, InvalidParameter, NotFound
from directory.presenter import present_error

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"


def error_response(
    status: int,
    code: str,
    reason: str,
    parameter: str | None = None,
    suggestions: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = present_error(code, reason, parameter, suggestions).model_dump_json()
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def request_id(request: Request) -> str:
    """The id `RequestIdMiddleware` gave this request (a fresh one if it never ran)."""
    state = request.scope.setdefault("state", {})
    return state.setdefault("request_id", uuid.uuid4().hex)


class RequestIdMiddleware:
    """Gives each request an id, kept in the request state and sent back as `X-Request-ID`.

    Plain ASGI rather than BaseHTTPMiddleware, which costs a task and a stream per request.
    A 500 never passes back through here (Starlette answers it outside all middleware), so its
    handler sets the header itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        header = (REQUEST_ID_HEADER.lower().encode("latin-1"), rid.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _incoming_id(scope: Scope) -> str | None:
    """A caller's own X-Request-ID (a proxy's or a client's), kept so logs join up; refused when odd."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _REQUEST_ID.match(text) else None
    return None


def _phrase(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


def _http_code(status: int) -> str:
    """'not_found', 'method_not_allowed', ...: the status phrase as an identifier."""
    phrase = _phrase(status)
    return phrase.lower().replace("-", "_").replace(" ", "_") if phrase else "http_error"


def install_error_handlers(app: FastAPI) -> None:
    app.add_middleware(RequestIdMiddleware)

    @app.exception_handler(InvalidParameter)
    async def _invalid(_: Request, exc: InvalidParameter) -> Response:
        return error_response(422, "invalid_parameter", exc.reason, exc.parameter, exc.suggestions)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        loc = [str(part) for part in first.get("loc", []) if part not in ("query", "path", "body")]
        parameter = loc[0] if loc else None
        received = first.get("input")
        reason = first.get("msg", "invalid value")
        if received is not None and not isinstance(received, (dict, list)):
            reason = f"{reason}, got {received!r}"
        return error_response(422, "invalid_parameter", reason, parameter)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> Response:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(DirectoryError)
    async def _directory(_: Request, exc: DirectoryError) -> Response:
        return error_response(exc.status_code, exc.code or type(exc).__name__, str(exc), headers=exc.headers)

    # Starlette's own: unknown routes (404), wrong methods (405, with its Allow header).
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code < 200 or exc.status_code in (204, 205, 304):  # no body allowed
            return Response(status_code=exc.status_code, headers=dict(exc.headers) if exc.headers else None)
        generic = exc.detail == _phrase(exc.status_code)  # Starlette's own, not a reason we wrote
        if exc.status_code == 404 and generic:
            reason = f"no such endpoint {request.url.path!r}; the API's endpoints are listed at /docs"
        elif exc.status_code == 405 and generic:
            allowed = (exc.headers or {}).get("Allow", "")
            reason = f"{request.method} is not allowed on {request.url.path!r}; use {allowed or 'another method'}"
        else:
            reason = str(exc.detail)
        return error_response(exc.status_code, _http_code(exc.status_code), reason, headers=dict(exc.headers) if exc.headers else None)

    # Runs in Starlette's ServerErrorMiddleware, which re-raises afterwards so the server logs it too.
    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        rid = request_id(request)
        logger.error("unexpected error, request id %s: %s %s", rid, request.method, request.url.path, exc_info=exc)
        return error_response(
            500,
            "internal_error",
            f"an unexpected error occurred; quote request id {rid} when reporting it",
            headers={REQUEST_ID_HEADER: rid},
        )
