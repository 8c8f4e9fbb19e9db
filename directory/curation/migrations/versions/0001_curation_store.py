"""The curation store: users and tokens, overrides, the audit log, public requests, the review queue.

Never edit a shipped migration; add a new one.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("lookup", sa.String(32), nullable=False, unique=True),
        sa.Column("salt", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME),
    )
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("listing_id", sa.String(64), index=True),
        sa.Column("record_keys", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("retired_at", TIME),
        sa.Column("retired_by", sa.String(100)),
        sa.Column("orphaned_since", TIME),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TIME, nullable=False, index=True),
        sa.Column("actor", sa.String(100), nullable=False, index=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("listing_id", sa.String(64), index=True),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("listing_id", sa.String(64), nullable=False, index=True),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("client", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", TIME, nullable=False, index=True),
        sa.Column("status", sa.String(10), nullable=False),
    )
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("listing_ids", sa.Text, nullable=False),
        sa.Column("record_keys", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("first_seen", TIME, nullable=False),
        sa.Column("last_seen", TIME, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("resolution", sa.String(20)),
        sa.Column("resolved_by", sa.String(100)),
        sa.Column("resolved_at", TIME),
    )
    op.create_table(
        "license_states",
        sa.Column("listing_id", sa.String(64), primary_key=True),
        sa.Column("statuses", sa.Text, nullable=False),
    )
    # The audit log is append-only in the database itself, not only in the code that writes it.
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    raise NotImplementedError("the curation store is never downgraded: it holds decisions that must not be lost")
