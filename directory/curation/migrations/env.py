"""Alembic environment for the curation store: always run programmatically by
`directory.curation.store.migrate`, which hands over an open connection."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table="curation_schema_version")
with context.begin_transaction():
    context.run_migrations()
