"""The curation store: accounts and tokens, overrides, the audit log, public requests, the review queue.

Kept apart from the crawled data and the index, and never rewritten by a rebuild: a build only
reads its overrides and adds what it found to the review queue. SQLite next to the index by
default; PostgreSQL (or any SQLAlchemy URL) through `THERAPISTS_DATABASE_URL` when several API
servers share one store. The schema is brought up to date by Alembic on open.

Every change goes through one method here, in one transaction with its audit entry.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from directory.curation import tables as t
from directory.curation import tokens
from directory.curation.overrides import Curation, Override, OverrideKind
from directory.errors import BackendError, Conflict, InvalidParameter, NotFound
from directory.models import FactConflict, Listing, ReviewItem

Role = Literal["admin", "editor"]
ROLES: tuple[Role, ...] = ("admin", "editor")
MIGRATIONS = Path(__file__).parent / "migrations"
SNAPSHOT_TTL_S = 1.0  # how stale another server's changes may look to this one
TOKEN_DAYS = 90


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_url(index_path: Path) -> str:
    """SQLite beside the index: `therapists.db` → `therapists.curation.db`."""
    return f"sqlite:///{index_path.with_name(index_path.stem + '.curation.db')}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class User(BaseModel):
    id: int
    name: str
    role: Role
    created_at: str


class TokenInfo(BaseModel):
    lookup: str
    user: str
    created_at: str
    expires_at: str
    revoked_at: str | None


class AuditEntry(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    listing_id: str | None
    target: str
    before: Any
    after: Any
    reason: str


class PublicRequest(BaseModel):
    id: int
    kind: Literal["claim", "correct", "remove"]
    listing_id: str
    contact: dict[str, Any]
    changes: dict[str, Any]
    evidence: str
    created_at: str
    status: str


class ReviewEntry(BaseModel):
    id: int
    key: str
    kind: Literal["pair", "quarantine", "status_change", "request", "conflict"]
    listing_ids: list[str]
    record_keys: list[str]
    detail: dict[str, Any]
    score: float | None
    reason: str
    first_seen: str
    last_seen: str
    current: bool
    status: Literal["open", "resolved"]
    resolution: str | None
    resolved_by: str | None
    resolved_at: str | None


def migrate(engine: Engine) -> None:
    """Bring the store's schema to the newest migration (Alembic, run in-process)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


class CurationStore:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = create_engine(url, future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            migrate(self.engine)
        except SQLAlchemyError as exc:
            raise BackendError(f"cannot open the curation store {self.engine.url!r}: {exc}") from None
        self._lock = threading.Lock()
        self._snapshot: tuple[int, float, Curation] | None = None
        # SHA-256 of tokens that passed scrypt here: a token's next requests skip the 16 MiB
        # derivation; expiry and revocation are still read from the store on every request.
        self._verified: dict[bytes, str] = {}
        # `therapists serve --workers N` forks after opening the store: a worker must not share the
        # parent's pooled connections (SQLAlchemy's advice: dispose the pool in the child, without closing).
        os.register_at_fork(after_in_child=functools.partial(_dispose_in_child, weakref.ref(self.engine)))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn
        with self._lock:
            self._snapshot = None  # this server sees its own change at once

    # Audit -----------------------------------------------------------------------------------

    @staticmethod
    def _audit(
        conn: Connection,
        actor: str,
        action: str,
        target: str,
        reason: str,
        listing_id: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        conn.execute(
            insert(t.audit_log).values(
                at=now_iso(),
                actor=actor,
                action=action,
                listing_id=listing_id,
                target=target,
                before=None if before is None else _dumps(before),
                after=None if after is None else _dumps(after),
                reason=reason,
            )
        )

    def audit_log(
        self,
        listing_id: str | None = None,
        actor: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 1000,
    ) -> list[AuditEntry]:
        """Entries, newest first; `since`/`until` are ISO dates or times (until a date: that whole day)."""
        query = select(t.audit_log).order_by(t.audit_log.c.id.desc()).limit(limit)
        if listing_id:
            query = query.where(t.audit_log.c.listing_id == listing_id)
        if actor:
            query = query.where(t.audit_log.c.actor == actor)
        if since:
            query = query.where(t.audit_log.c.at >= since)
        if until:
            query = query.where(t.audit_log.c.at <= (until + "T99" if len(until) == 10 else until))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            AuditEntry.model_validate(
                {
                    **row,
                    "before": json.loads(row["before"]) if row["before"] else None,
                    "after": json.loads(row["after"]) if row["after"] else None,
                }
            )
            for row in rows
        ]

    def revision(self) -> int:
        """Grows with every change (each writes an audit entry): a cheap staleness check."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(t.audit_log.c.id), 0))).scalar_one())

    # Users and tokens ------------------------------------------------------------------------

    def create_user(self, name: str, role: Role, actor: str, days: int = TOKEN_DAYS) -> tuple[User, str]:
        """A new account and its first token, which is returned once and never stored."""
        if role not in ROLES:
            raise InvalidParameter("role", f"must be one of {', '.join(ROLES)}")
        if not name or len(name) > 100 or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise InvalidParameter("name", "1-100 letters, digits, '-', '_' or '.'")
        try:
            with self._tx() as conn:
                user_id = _new_id(conn.execute(insert(t.users).values(name=name, role=role, created_at=now_iso())))
                token, info = self._issue(conn, user_id, name, days)
                self._audit(conn, actor, "create_user", f"user:{name}", "", after={"name": name, "role": role, "token": info.lookup})
        except IntegrityError:
            raise Conflict(f"a user named {name!r} exists already") from None
        return self.user(name), token

    def issue_token(self, name: str, actor: str, days: int = TOKEN_DAYS) -> str:
        user = self.user(name)
        with self._tx() as conn:
            token, info = self._issue(conn, user.id, name, days)
            self._audit(conn, actor, "issue_token", f"user:{name}", "", after={"token": info.lookup, "expires_at": info.expires_at})
        return token

    @staticmethod
    def _issue(conn: Connection, user_id: int, name: str, days: int) -> tuple[str, TokenInfo]:
        if not 1 <= days <= 3650:
            raise InvalidParameter("days", "a token lasts 1 to 3650 days")
        new = tokens.new_token()
        created = datetime.now(UTC)
        info = TokenInfo(
            lookup=new.lookup,
            user=name,
            created_at=created.isoformat(timespec="seconds"),
            expires_at=(created + timedelta(days=days)).isoformat(timespec="seconds"),
            revoked_at=None,
        )
        conn.execute(
            insert(t.tokens).values(
                user_id=user_id, lookup=new.lookup, salt=new.salt, digest=new.digest, created_at=info.created_at, expires_at=info.expires_at
            )
        )
        return new.token, info

    def revoke_token(self, lookup: str, actor: str, reason: str = "") -> TokenInfo:
        before = self._token_info(lookup)
        if before.revoked_at:
            return before
        with self._tx() as conn:
            conn.execute(update(t.tokens).where(t.tokens.c.lookup == lookup).values(revoked_at=now_iso()))
            after = self._token_info(lookup, conn)
            self._audit(conn, actor, "revoke_token", f"token:{lookup}", reason, before=before.model_dump(), after=after.model_dump())
        return after

    def _rows(self, query: Any, conn: Connection | None = None) -> list[Any]:
        """The rows of `query`, read in the caller's transaction `conn` when it has one."""
        if conn is not None:
            return list(conn.execute(query).mappings())
        with self.engine.connect() as own:
            return list(own.execute(query).mappings())

    def _token_info(self, lookup: str, conn: Connection | None = None) -> TokenInfo:
        query = (
            select(t.tokens.c.lookup, t.users.c.name.label("user"), t.tokens.c.created_at, t.tokens.c.expires_at, t.tokens.c.revoked_at)
            .join(t.users)
            .where(t.tokens.c.lookup == lookup)
        )
        row = next(iter(self._rows(query, conn)), None)
        if row is None:
            raise NotFound(f"no token {lookup!r}")
        return TokenInfo.model_validate(dict(row))

    def user(self, name: str) -> User:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().first()
        if row is None:
            raise NotFound(f"no user {name!r}")
        return User.model_validate(dict(row))

    def users(self) -> list[tuple[User, list[TokenInfo]]]:
        with self.engine.connect() as conn:
            users = [User.model_validate(dict(r)) for r in conn.execute(select(t.users).order_by(t.users.c.name)).mappings()]
            rows = conn.execute(
                select(t.tokens.c.lookup, t.users.c.name.label("user"), t.tokens.c.created_at, t.tokens.c.expires_at, t.tokens.c.revoked_at)
                .join(t.users)
                .order_by(t.tokens.c.id)
            ).mappings()
            infos = [TokenInfo.model_validate(dict(r)) for r in rows]
        return [(u, [i for i in infos if i.user == u.name]) for u in users]

    def authenticate(self, token: str) -> User | None:
        """The user a token belongs to, if it is well formed, known, unexpired and unrevoked."""
        parts = tokens.split_token(token)
        if parts is None:
            return None
        lookup, secret = parts
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(t.tokens.c.salt, t.tokens.c.digest, t.tokens.c.expires_at, t.tokens.c.revoked_at, t.users)
                    .join(t.users)
                    .where(t.tokens.c.lookup == lookup)
                )
                .mappings()
                .first()
            )
        if row is None:  # the lookup part is no secret: answering faster here reveals nothing
            return None
        fingerprint = hashlib.sha256(token.encode()).digest()
        if self._verified.get(fingerprint) != lookup:
            if not tokens.matches(secret, row["salt"], row["digest"]):
                return None
            with self._lock:
                if len(self._verified) >= 4096:
                    self._verified.clear()
                self._verified[fingerprint] = lookup
        if row["revoked_at"] or row["expires_at"] <= now_iso():
            return None
        return User(id=row["id"], name=row["name"], role=row["role"], created_at=row["created_at"])

    # Overrides -------------------------------------------------------------------------------

    def add_override(
        self,
        kind: OverrideKind,
        actor: str,
        reason: str,
        listing_id: str | None = None,
        record_keys: Iterable[str] = (),
        payload: dict[str, Any] | None = None,
        before: Any = None,
        conn: Connection | None = None,
    ) -> Override:
        values = {
            "kind": kind.value,
            "listing_id": listing_id,
            "record_keys": _dumps(sorted(set(record_keys))),
            "payload": _dumps(payload or {}),
            "reason": reason,
            "created_by": actor,
            "created_at": now_iso(),
        }
        if conn is None:
            with self._tx() as own:
                return self._add_override(own, values, before)
        return self._add_override(conn, values, before)

    def _add_override(self, conn: Connection, values: dict[str, Any], before: Any) -> Override:
        override_id = _new_id(conn.execute(insert(t.overrides).values(**values)))
        override = self._override(conn, override_id)
        self._audit(
            conn,
            values["created_by"],
            f"override_{values['kind']}",
            f"override:{override_id}",
            values["reason"],
            override.listing_id,
            before=before,
            after=override.model_dump(),
        )
        return override

    @staticmethod
    def _override(conn: Connection, override_id: int) -> Override:
        row = conn.execute(select(t.overrides).where(t.overrides.c.id == override_id)).mappings().first()
        if row is None:
            raise NotFound(f"no override {override_id}")
        return _override_of(row)

    def retire_override(self, override_id: int, actor: str, reason: str, conn: Connection | None = None) -> Override:
        """Stop applying an override (it stays on record); the audit log keeps both states."""
        if conn is None:
            with self._tx() as own:
                return self.retire_override(override_id, actor, reason, own)
        before = self._override(conn, override_id)
        if before.retired_at:
            raise Conflict(f"override {override_id} was retired on {before.retired_at}")
        conn.execute(update(t.overrides).where(t.overrides.c.id == override_id).values(retired_at=now_iso(), retired_by=actor))
        after = self._override(conn, override_id)
        self._audit(
            conn, actor, "retire_override", f"override:{override_id}", reason, after.listing_id, before.model_dump(), after.model_dump()
        )
        return after

    def overrides(
        self, listing_id: str | None = None, active: bool | None = True, orphaned: bool | None = None, conn: Connection | None = None
    ) -> list[Override]:
        query = select(t.overrides).order_by(t.overrides.c.id)
        if listing_id:
            query = query.where(t.overrides.c.listing_id == listing_id)
        if active is True:
            query = query.where(t.overrides.c.retired_at.is_(None))
        elif active is False:
            query = query.where(t.overrides.c.retired_at.is_not(None))
        if orphaned is True:
            query = query.where(t.overrides.c.orphaned_since.is_not(None))
        elif orphaned is False:
            query = query.where(t.overrides.c.orphaned_since.is_(None))
        return [_override_of(row) for row in self._rows(query, conn)]

    def snapshot(self) -> Curation:
        """The live overrides; re-read when this server changed them, or another may have (TTL)."""
        with self._lock:
            cached = self._snapshot
        if cached is not None and time.monotonic() - cached[1] < SNAPSHOT_TTL_S:
            return cached[2]
        revision = self.revision()
        if cached is not None and cached[0] == revision:
            with self._lock:
                self._snapshot = (revision, time.monotonic(), cached[2])
            return cached[2]
        live = self.overrides(active=True)
        curation = Curation(live, {o.listing_id for o in live if o.kind == OverrideKind.suppress and o.listing_id})
        with self._lock:
            self._snapshot = (revision, time.monotonic(), curation)
        return curation

    # Public requests -------------------------------------------------------------------------

    def add_request(
        self, kind: str, listing_id: str, contact: dict[str, Any], changes: dict[str, Any], evidence: str, client: str
    ) -> PublicRequest:
        """A therapist's claim, correction or removal request; it lands in the review queue."""
        created = now_iso()
        with self._tx() as conn:
            request_id = _new_id(
                conn.execute(
                    insert(t.requests).values(
                        kind=kind,
                        listing_id=listing_id,
                        contact=_dumps(contact),
                        changes=_dumps(changes),
                        evidence=evidence,
                        client=client,
                        created_at=created,
                        status="pending",
                    )
                )
            )
            conn.execute(
                insert(t.review_items).values(
                    key=f"request:{request_id}",
                    kind="request",
                    listing_ids=_dumps([listing_id]),
                    record_keys="[]",
                    detail=_dumps({"request": request_id, "request_kind": kind, "changes": changes}),
                    score=None,
                    reason=f"{kind} request from the public",
                    first_seen=created,
                    last_seen=created,
                    current=True,
                    status="open",
                )
            )
            self._audit(
                conn, "public", f"request_{kind}", f"request:{request_id}", "", listing_id, after={"kind": kind, "changes": changes}
            )
        return self.request(request_id)

    def recent_requests(self, client: str, since: str) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(t.requests).where(t.requests.c.client == client, t.requests.c.created_at >= since)
            return int(conn.execute(query).scalar_one())

    def request(self, request_id: int, conn: Connection | None = None) -> PublicRequest:
        query = select(t.requests).where(t.requests.c.id == request_id)
        row = next(iter(self._rows(query, conn)), None)
        if row is None:
            raise NotFound(f"no request {request_id}")
        return _request_of(row)

    def requests(self, status: str | None = None) -> list[PublicRequest]:
        query = select(t.requests).order_by(t.requests.c.id)
        if status:
            query = query.where(t.requests.c.status == status)
        return [_request_of(row) for row in self._rows(query)]

    def erase_request(self, request_id: int, actor: str, reason: str) -> PublicRequest:
        """Hard-delete a request's personal data (contact, evidence); the decision trail stays."""
        with self._tx() as conn:
            before = self.request(request_id, conn)
            conn.execute(
                update(t.requests)
                .where(t.requests.c.id == request_id)
                .values(contact="{}", evidence="", client="erased", status="erased" if before.status == "pending" else before.status)
            )
            # The audit log says what was erased, never the personal data itself.
            self._audit(
                conn,
                actor,
                "erase_request",
                f"request:{request_id}",
                reason,
                before.listing_id,
                before={
                    "kind": before.kind,
                    "status": before.status,
                    "contact_fields": sorted(before.contact),
                    "evidence_chars": len(before.evidence),
                },
                after={"erased": True},
            )
        return self.request(request_id)

    # Review queue ----------------------------------------------------------------------------

    def review(self, status: str | None = None, kind: str | None = None, current: bool | None = None) -> list[ReviewEntry]:
        query = select(t.review_items).order_by(t.review_items.c.id)
        if status:
            query = query.where(t.review_items.c.status == status)
        if kind:
            query = query.where(t.review_items.c.kind == kind)
        if current is not None:
            query = query.where(t.review_items.c.current.is_(current))
        with self.engine.connect() as conn:
            return [_review_of(row) for row in conn.execute(query).mappings()]

    def review_item(self, item_id: int, conn: Connection | None = None) -> ReviewEntry:
        query = select(t.review_items).where(t.review_items.c.id == item_id)
        row = next(iter(self._rows(query, conn)), None)
        if row is None:
            raise NotFound(f"no review item {item_id}")
        return _review_of(row)

    def resolve(self, item_id: int, resolution: str, actor: str, reason: str, conn: Connection | None = None) -> ReviewEntry:
        """Mark an item decided; the caller has applied the decision (an override) in `conn`."""
        if conn is None:
            with self._tx() as own:
                return self.resolve(item_id, resolution, actor, reason, own)
        before = self.review_item(item_id, conn)
        if before.status == "resolved":
            raise Conflict(f"review item {item_id} was resolved ({before.resolution}) on {before.resolved_at}")
        conn.execute(
            update(t.review_items)
            .where(t.review_items.c.id == item_id)
            .values(status="resolved", resolution=resolution, resolved_by=actor, resolved_at=now_iso())
        )
        after = self.review_item(item_id, conn)
        listing = before.listing_ids[0] if before.listing_ids else None
        self._audit(conn, actor, "resolve_review", f"review:{item_id}", reason, listing, before.model_dump(), after.model_dump())
        if before.kind == "request":
            request_id = int(before.detail["request"])
            status = "approved" if resolution == "accept" else "rejected"
            conn.execute(update(t.requests).where(t.requests.c.id == request_id, t.requests.c.status == "pending").values(status=status))
        return after

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction for a decision and its overrides (each with its audit entry)."""
        with self._tx() as conn:
            yield conn

    def record_build(
        self,
        review: list[ReviewItem],
        quarantine: list[dict[str, Any]],
        listings: list[Listing],
        orphaned: list[int],
        today: date,
        conflicts: list[FactConflict] | None = None,
    ) -> dict[str, int]:
        """What a build found, into the review queue: doubtful pairs, quarantined records, licences
        whose status changed since the last build, facts a listing's sources disagree on (keyed by
        the values, so a source changing its value opens a new item). An item seen before keeps its id and status, so
        a resolved one stays resolved; items this build did not find are kept, marked not current.
        Overrides whose target the build did not find are marked orphaned (and unmarked when it returns)."""
        seen = now_iso()
        items: dict[str, dict[str, Any]] = {}
        for pair in review:
            a, b = sorted((pair.record_a, pair.record_b))
            items[f"pair:{a}|{b}"] = {
                "kind": "pair",
                "listing_ids": sorted({pair.listing_a, pair.listing_b}),
                "record_keys": [a, b],
                "detail": {},
                "score": pair.score,
                "reason": pair.reason,
            }
        for row in quarantine:
            key = f"quarantine:{row.get('file')}:{_short_hash(str(row.get('raw', '')))}"
            items[key] = {
                "kind": "quarantine",
                "listing_ids": [],
                "record_keys": [],
                "detail": {"file": row.get("file"), "line": row.get("line"), "raw": str(row.get("raw", ""))[:2000]},
                "score": None,
                "reason": str(row.get("reason", "")),
            }
        for conflict in conflicts or []:
            given = [v.model_dump(mode="json") for v in conflict.values]
            key = f"conflict:{conflict.listing_id}:{conflict.field}:{_short_hash(_dumps([v['value'] for v in given]))}"
            items[key] = {
                "kind": "conflict",
                "listing_ids": [conflict.listing_id],
                "record_keys": sorted({r for v in conflict.values for r in v.records}),
                "detail": {"field": conflict.field, "values": given, "shown": conflict.shown},
                "score": None,
                "reason": f"the sources disagree on {conflict.field}: "
                + "; ".join(f"{v['value']} ({', '.join(v['sources'])})" for v in given),
            }
        changes = 0
        with self._tx() as conn:
            previous = {lid: json.loads(s) for lid, s in conn.execute(select(t.license_states.c.listing_id, t.license_states.c.statuses))}
            current: dict[str, dict[str, str]] = {}
            for listing in listings:
                statuses = {f"{lic.state}:{lic.number}": lic.status.value for lic in listing.licenses_as_of(today)}
                current[listing.id] = statuses
                before = previous.get(listing.id)
                if before is None:
                    continue
                for licence, status in statuses.items():
                    if licence in before and before[licence] != status:
                        changes += 1
                        items[f"status:{listing.id}:{licence}:{before[licence]}>{status}:{today.isoformat()}"] = {
                            "kind": "status_change",
                            "listing_ids": [listing.id],
                            "record_keys": [],
                            "detail": {"license": licence, "before": before[licence], "after": status, "as_of": today.isoformat()},
                            "score": None,
                            "reason": f"licence {licence} went from {before[licence]} to {status}",
                        }
            conn.execute(t.license_states.delete())
            if current:
                conn.execute(insert(t.license_states), [{"listing_id": k, "statuses": _dumps(v)} for k, v in current.items()])
            known = dict(conn.execute(select(t.review_items.c.key, t.review_items.c.id).where(t.review_items.c.kind != "request")).all())
            conn.execute(update(t.review_items).where(t.review_items.c.kind != "request").values(current=False))
            fresh = []
            for key, item in items.items():
                values = {**item, "listing_ids": _dumps(item["listing_ids"]), "record_keys": _dumps(item["record_keys"])}
                values["detail"] = _dumps(item["detail"])
                if key in known:
                    conn.execute(
                        update(t.review_items).where(t.review_items.c.id == known[key]).values(**values, last_seen=seen, current=True)
                    )
                else:
                    fresh.append({**values, "key": key, "first_seen": seen, "last_seen": seen, "current": True, "status": "open"})
            if fresh:
                conn.execute(insert(t.review_items), fresh)
            conn.execute(update(t.overrides).where(t.overrides.c.orphaned_since.is_not(None)).values(orphaned_since=None))
            if orphaned:
                conn.execute(update(t.overrides).where(t.overrides.c.id.in_(orphaned)).values(orphaned_since=today.isoformat()))
        return {"review_items": len(items), "new_review_items": len(fresh), "status_changes": changes, "orphaned_overrides": len(orphaned)}


def _dispose_in_child(engine_ref: weakref.ref[Engine]) -> None:
    engine = engine_ref()
    if engine is not None:
        engine.dispose(close=False)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None, "an insert returns its primary key"
    return int(key[0])


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _override_of(row: Any) -> Override:
    return Override.model_validate({**row, "record_keys": json.loads(row["record_keys"]), "payload": json.loads(row["payload"])})


def _request_of(row: Any) -> PublicRequest:
    return PublicRequest.model_validate({**row, "contact": json.loads(row["contact"]), "changes": json.loads(row["changes"])})


def _review_of(row: Any) -> ReviewEntry:
    return ReviewEntry.model_validate(
        {
            **row,
            "listing_ids": json.loads(row["listing_ids"]),
            "record_keys": json.loads(row["record_keys"]),
            "detail": json.loads(row["detail"]),
        }
    )


def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
    # Several API worker threads and an index run may write at once: wait rather than fail.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def open_store(url: str | None, index_path: Path) -> CurationStore:
    """The store `url` names, or the SQLite default beside the index."""
    return CurationStore(url or default_url(index_path))
