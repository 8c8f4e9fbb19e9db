"""Who is calling an /admin route: `Authorization: Bearer <token>`, checked against the curation store.

Missing, malformed, unknown, expired or revoked tokens answer 401 and a role that may not do the
thing 403, in the one error shape and saying nothing about which check failed. Failed attempts are
counted per client address; past the limit the address waits (429 with Retry-After).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from directory.curation.store import CurationStore, User
from directory.errors import BackendError, Forbidden, TooManyRequests, Unauthorized

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="AdminToken",
    description="An admin or editor API token, from `therapists admin create-user NAME --role admin|editor` (shown once).",
)
FAILURES_ALLOWED = 10
FAILURE_WINDOW_S = 60.0


class FailureLimiter:
    """At most `allowed` failed authentications per client address in a sliding window."""

    def __init__(self, allowed: int = FAILURES_ALLOWED, window_s: float = FAILURE_WINDOW_S) -> None:
        self.allowed, self.window_s = allowed, window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def check(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) >= self.allowed:
                raise TooManyRequests("too many failed authentications from this address", int(times[0] + self.window_s - now) + 1)

    def fail(self, client: str) -> None:
        with self._lock:
            self._recent(client, time.monotonic()).append(time.monotonic())


def get_store(request: Request) -> CurationStore:
    store: CurationStore | None = getattr(request.app.state, "curation", None)
    if store is None:
        raise BackendError("this server has no curation store; start it with `therapists serve`")
    return store


Store = Annotated[CurationStore, Depends(get_store)]


# A plain `def`: checking a token runs scrypt, which must not block the event loop.
def authenticated(request: Request, store: Store, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
    """The caller, or 401."""
    client = request.client.host if request.client else "unknown"
    limiter: FailureLimiter = request.app.state.auth_failures
    limiter.check(client)
    user = store.authenticate(credentials.credentials) if credentials is not None else None
    if user is None:
        limiter.fail(client)
        raise Unauthorized("a valid admin token is required: Authorization: Bearer <token>")
    return user


Caller = Annotated[User, Depends(authenticated)]


def editor(user: Caller) -> User:
    """Editors and admins curate."""
    return user


def admin(user: Caller) -> User:
    """Only admins manage users and hard-delete."""
    if user.role != "admin":
        raise Forbidden("this needs the admin role")
    return user


Editor = Annotated[User, Depends(editor)]
Admin = Annotated[User, Depends(admin)]
