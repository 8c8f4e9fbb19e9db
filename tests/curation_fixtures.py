"""Curation stores for tests: a fresh SQLite file, and a fresh PostgreSQL schema when a server is
reachable (`THERAPISTS_TEST_DATABASE_URL`, else postgres@127.0.0.1:5432/test). Each test gets its
own schema, so parallel runs never see each other's rows; it is dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from directory.curation.store import CurationStore

# Read at import: the autouse fixture in conftest.py clears THERAPISTS_* before each test.
PG_URL = os.environ.get("THERAPISTS_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema_url(schema: str) -> str:
    url = make_url(PG_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture
def curation_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'curation.db'}"
        return
    schema = f"curation_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string()}: {str(exc).splitlines()[0]}")
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


STORES = pytest.mark.parametrize("curation_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def store(curation_url: str) -> Iterator[CurationStore]:
    opened = CurationStore(curation_url)
    yield opened
    opened.close()
