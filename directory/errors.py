"""The directory's exception hierarchy.

DirectoryError
├── ConfigError            a settings or sources.toml problem (CLI exits non-zero)
├── SourceUnreachable      a crawl source could not be fetched at all
├── InvalidParameter       a search parameter is malformed (API answers 422)
├── NotFound               no listing with that id (API answers 404)
└── BackendError           the search backend failed or is missing its index
"""

from __future__ import annotations


class DirectoryError(Exception):
    """Base of every error the directory raises on purpose."""

    status_code: int = 500


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
