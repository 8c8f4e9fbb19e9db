from __future__ import annotations

import os
from datetime import date

import pytest

from directory.vocabulary import Vocabulary, get_vocabulary

TODAY = date(2026, 11, 23)


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
