"""The curation store's tables (SQLAlchemy Core), as the latest migration leaves them.

Queries are built from these objects, so every statement is parameterised. The schema itself is
created and upgraded only by the Alembic migrations in `migrations/versions/`; never by
`metadata.create_all`. Times are ISO-8601 UTC strings, so they compare the same on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(10), nullable=False),  # admin | editor
    Column("created_at", String(32), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("lookup", String(32), nullable=False, unique=True),  # the token's public part
    Column("salt", LargeBinary, nullable=False),
    Column("digest", LargeBinary, nullable=False),  # scrypt of the secret part
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

overrides = Table(
    "overrides",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("listing_id", String(64), index=True),
    Column("record_keys", Text, nullable=False),  # JSON list
    Column("payload", Text, nullable=False),  # JSON object
    Column("reason", Text, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("retired_at", String(32)),
    Column("retired_by", String(100)),
    Column("orphaned_since", String(32)),  # the build that no longer found its target
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False, index=True),
    Column("actor", String(100), nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("listing_id", String(64), index=True),
    Column("target", String(200), nullable=False),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Column("reason", Text, nullable=False),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # claim | correct | remove
    Column("listing_id", String(64), nullable=False, index=True),
    Column("contact", Text, nullable=False),  # JSON: name, email, phone
    Column("changes", Text, nullable=False),  # JSON: field → value asked for
    Column("evidence", Text, nullable=False),
    Column("client", String(64), nullable=False, index=True),
    Column("created_at", String(32), nullable=False, index=True),
    Column("status", String(10), nullable=False),  # pending | approved | rejected | erased
)

review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False, unique=True),  # stable across builds
    Column("kind", String(20), nullable=False),  # pair | quarantine | status_change | request
    Column("listing_ids", Text, nullable=False),  # JSON list
    Column("record_keys", Text, nullable=False),  # JSON list
    Column("detail", Text, nullable=False),  # JSON object
    Column("score", Float),
    Column("reason", Text, nullable=False),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    Column("current", Boolean, nullable=False),  # found by the latest build (or a live request)
    Column("status", String(10), nullable=False),  # open | resolved
    Column("resolution", String(20)),
    Column("resolved_by", String(100)),
    Column("resolved_at", String(32)),
)

license_states = Table(
    "license_states",
    metadata,
    Column("listing_id", String(64), primary_key=True),
    Column("statuses", Text, nullable=False),  # JSON: "ST:NUMBER" → status as of the build date
)
