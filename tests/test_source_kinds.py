"""One list of source kinds (`directory.raw.SourceKind`), and everything per kind covers all of it."""

from __future__ import annotations

import json
import typing
from datetime import date

import pytest

from crawler.config import SourceConfig
from crawler.spiders import SPIDERS
from directory.models import SourceRef
from directory.ranking import _BASIS_WORDS
from directory.raw import RawRecord, SourceKind
from indexer.extract import ExtractError, extract
from indexer.merge import _KIND_PRIORITY


def test_kinds_are_the_plain_words_of_raw_files_and_api_json() -> None:
    assert [str(kind) for kind in SourceKind] == ["nppes", "license_csv", "profile_site", "cert_roster", "nppes_bulk"]
    assert SourceKind.nppes == "nppes" and f"{SourceKind.cert_roster}:x" == "cert_roster:x"
    assert json.dumps({"kind": SourceKind.license_csv}) == '{"kind": "license_csv"}'
    ref = SourceRef.model_validate({"source": "s", "kind": "profile_site", "url": "u", "fetched_at": "2026-11-20T00:00:00Z"})
    assert ref.kind is SourceKind.profile_site and '"kind":"profile_site"' in ref.model_dump_json()


def test_every_kind_has_a_config_table_a_spider_a_merge_priority_and_words() -> None:
    union = typing.get_args(typing.get_args(SourceConfig)[0])
    tags = {typing.get_args(model.model_fields["kind"].annotation)[0] for model in union}
    assert tags == set(SourceKind)
    assert set(SPIDERS) == set(SourceKind)
    assert set(_KIND_PRIORITY) == set(SourceKind)
    assert set(_BASIS_WORDS) == set(SourceKind)


@pytest.mark.parametrize("kind", list(SourceKind))
def test_every_kind_has_an_indexer_reader(kind: SourceKind, vocab, today: date) -> None:
    record = RawRecord(record_type="x", data={}, source="s", kind=str(kind), url="u", fetched_at="2026-11-20T00:00:00+00:00")
    try:
        extract(record, vocab, today)
    except ExtractError as exc:  # an empty record is refused, but by the kind's own reader
        assert "unknown source kind" not in str(exc)


def test_an_unknown_kind_is_an_extract_error(vocab, today: date) -> None:
    record = RawRecord(record_type="x", data={}, source="s", kind="carrier_pigeon", url="u", fetched_at="2026-11-20T00:00:00+00:00")
    with pytest.raises(ExtractError, match="unknown source kind 'carrier_pigeon'"):
        extract(record, vocab, today)
