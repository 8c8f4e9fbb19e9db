from __future__ import annotations

import os
from datetime import date

import pytest
from hypothesis import settings

from directory.vocabulary import Vocabulary, get_vocabulary

TODAY = date(2026, 11, 23)

# Property tests draw the same examples on every run (a failure in CI reproduces here), with no
# wall-clock deadline: the machines are shared and a first call may load the vocabulary.
settings.register_profile("project", derandomize=True, deadline=None, database=None)
settings.load_profile("project")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's environment out of every test."""
    for name in list(os.environ):
        if name.startswith("THERAPISTS_") or name == "ES_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return get_vocabulary()


@pytest.fixture
def today() -> date:
    return TODAY


# Curation stores on SQLite and PostgreSQL, for tests marked with curation_fixtures.STORES.
from tests.curation_fixtures import curation_url, store  # noqa: E402, F401

# Elasticsearch -----------------------------------------------------------------------------------
# A real cluster when ES_URL is set (read here, before `_clean_environment` hides it from the code
# under test); otherwise osmem-server, an in-memory OpenSearch-compatible server, one per session.
REAL_ES_URL = os.environ.get("ES_URL")


@pytest.fixture(scope="session")
def es_server():
    """(url, plain_json, server or None): where the Elasticsearch leg runs."""
    if REAL_ES_URL:
        yield REAL_ES_URL, False, None
        return
    osmem = pytest.importorskip("osmem_server", reason="osmem-server (test extra) is not installed")
    server = osmem.OsmemServer.start(japanese=False)
    yield server.url, True, server
    server.close()


@pytest.fixture
def es_alias(es_server):
    """A fresh alias name per test (tests share the server), its indices deleted afterwards."""
    import uuid

    from directory.backends.es_client import make_client

    alias = f"t{uuid.uuid4().hex[:12]}"
    yield alias
    client = make_client(es_server[0], es_server[1])
    try:  # by name: a real cluster refuses wildcard deletes
        for name in client.indices.get(index=f"{alias}-*", expand_wildcards="all").body:
            client.indices.delete(index=name)
    except Exception:  # the server may be down on purpose in this test
        pass
    client.close()


@pytest.fixture
def make_es(es_server, es_alias, vocab):
    """Build an Elasticsearch backend on the test's alias."""
    from directory.backends.es import ElasticsearchBackend

    made = []

    def make(**kwargs):
        be = ElasticsearchBackend(es_server[0], kwargs.pop("alias", es_alias), vocab, plain_json=es_server[1], **kwargs)
        made.append(be)
        return be

    yield make
    for be in made:
        be.close()
