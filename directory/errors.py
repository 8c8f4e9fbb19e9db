"""The directory's exception hierarchy.

DirectoryError
├── ConfigError            a settings or sources.toml problem (CLI exits non-zero)
├── SourceUnreachable      a crawl source could not be fetched at all
├── InvalidParameter       a search parameter is malformed (API answers 422)
├── NotFound               no listing with that id (API answers 404)
├── BackendError           the search backend failed or is missing its index
├── Unauthorized           no valid admin token (401)
├── Forbidden              the token's role may not do this (403)
├── Gone                   a therapist removed at their request (410)
├── Conflict               the change contradicts the current state (409)
└── TooManyRequests        over a rate limit (429)
"""

from __future__ import annotations


class DirectoryError(Exception):
    """Base of every error the directory raises on purpose."""

    status_code: int = 500
    code: str | None = None  # the error shape's code; None: the class name
    headers: dict[str, str] | None = None


class ConfigError(DirectoryError):
    status_code = 500


class SourceUnreachable(DirectoryError):
    status_code = 502


class InvalidParameter(DirectoryError):
    """A request parameter is wrong; `parameter` names it and `reason` says why."""

    status_code = 422

    def __init__(self, parameter: str, reason: str, suggestions: list[str] | None = None) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason
        self.suggestions = suggestions or []


class NotFound(DirectoryError):
    status_code = 404


class BackendError(DirectoryError):
    status_code = 503


class Unauthorized(DirectoryError):
    """No valid credentials (API answers 401 with `WWW-Authenticate: Bearer`)."""

    status_code = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(DirectoryError):
    """Valid credentials, but the role may not do this (API answers 403)."""

    status_code = 403
    code = "forbidden"


class Gone(DirectoryError):
    """The therapist asked to be removed, and was (API answers 410)."""

    status_code = 410
    code = "gone"


class Conflict(DirectoryError):
    """The change contradicts the current state, e.g. a user that exists already (API answers 409)."""

    status_code = 409
    code = "conflict"


class TooManyRequests(DirectoryError):
    """A client went over a rate limit (API answers 429 with `Retry-After`)."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after_s)}
