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
