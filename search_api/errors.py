"""One error shape for every failure: {"error": {"code", "parameter", "reason", "suggestions"}}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from directory.errors import DirectoryError, InvalidParameter, NotFound


def error_response(status: int, code: str, reason: str, parameter: str | None = None, suggestions: list[str] | None = None) -> JSONResponse:
    body = {"code": code, "parameter": parameter, "reason": reason, "suggestions": suggestions or []}
    return JSONResponse(status_code=status, content={"error": body})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InvalidParameter)
    async def _invalid(_: Request, exc: InvalidParameter) -> JSONResponse:
        return error_response(422, "invalid_parameter", exc.reason, exc.parameter, exc.suggestions)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        loc = [str(part) for part in first.get("loc", []) if part not in ("query", "path", "body")]
        parameter = loc[0] if loc else None
        received = first.get("input")
        reason = first.get("msg", "invalid value")
        if received is not None and not isinstance(received, (dict, list)):
            reason = f"{reason}, got {received!r}"
        return error_response(422, "invalid_parameter", reason, parameter)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(DirectoryError)
    async def _directory(_: Request, exc: DirectoryError) -> JSONResponse:
        return error_response(exc.status_code, type(exc).__name__, str(exc))
