"""One list of genders (`directory.gender.Gender`); the columnar codes, the API's validation and its
documentation are derived from it."""

from __future__ import annotations

import pytest

from directory.backends.columnar import GENDERS as COLUMNAR_CODES
from directory.backends.memory import MemoryBackend
from directory.errors import InvalidParameter
from directory.gender import GENDERS, Gender
from directory.search_service import SearchParams, build_query
from search_api.app import create_app


def test_the_genders_are_the_plain_words() -> None:
    assert GENDERS == ("female", "male", "non-binary") == tuple(Gender)


def test_columnar_codes_follow_the_list_with_zero_for_not_stated() -> None:
    assert COLUMNAR_CODES == {None: 0, "female": 1, "male": 2, "non-binary": 3}


def test_the_api_accepts_and_documents_every_gender(vocab, today) -> None:
    for gender in GENDERS:
        query, _ = build_query(SearchParams(gender=gender.upper()), vocab, today)
        assert query.gender == gender
    with pytest.raises(InvalidParameter, match="must be one of female, male, non-binary"):
        build_query(SearchParams(gender="robot"), vocab, today)
    parameters = create_app(backend=MemoryBackend(vocab), vocab=vocab).openapi()["paths"]["/search"]["get"]["parameters"]
    (gender,) = [p for p in parameters if p["name"] == "gender"]
    assert gender["description"] == "female, male or non-binary."
