"""Free-text understanding: what `q` implies, before any backend runs."""

from __future__ import annotations

import pytest

from directory.search_service import SearchParams, build_query, understand_text
from tests.conftest import TODAY


@pytest.mark.parametrize(
    ("q", "conditions", "modalities", "location"),
    [
        ("deep tissue for sciatica near Austin, TX", ["sciatica"], ["deep_tissue_massage"], "Austin, TX"),
        ("carpel tunnel 92024", ["carpal_tunnel_syndrome"], [], "92024"),
        ("prenatal massage pregnant", ["pregnancy_discomfort"], ["prenatal_massage"], None),
        ("sports massage for runners knee", ["knee_pain"], ["sports_massage"], None),
        ("massage for G43.909", ["migraine"], [], None),
        ("neuromuscular therapy for migranes in Houston, TX", ["migraine"], ["neuromuscular_therapy"], "Houston, TX"),
    ],
)
def test_free_text_splits_into_conditions_techniques_and_place(vocab, q, conditions, modalities, location) -> None:
    found_conditions, found_modalities, found_location, _ = understand_text(q, vocab)
    assert [m.id for m in found_conditions] == conditions
    assert [m.id for m in found_modalities] == modalities
    assert found_location == location


def test_words_not_understood_are_reported_not_silently_dropped(vocab) -> None:
    _, _, _, ignored = understand_text("sciatica specialist houston", vocab)
    assert ignored == ["specialist", "houston"]


def test_interpreted_says_what_was_corrected(vocab) -> None:
    query, interpreted = build_query(SearchParams(q="frozen sholder near 78704"), vocab, TODAY)
    assert query.condition_ids == ["frozen_shoulder"]
    shown = interpreted.model_dump(mode="json")
    assert shown["condition"] == {
        "id": "frozen_shoulder",
        "name": "Frozen shoulder",
        "matched_text": "frozen sholder",
        "method": "fuzzy",
        "corrected_from": "frozen sholder",
    }
    assert shown["radius_km"] == 40.0 and shown["near"]["label"].startswith("78704")


def test_interpreted_leaves_out_what_was_not_asked(vocab) -> None:
    _, interpreted = build_query(SearchParams(q="sciatica", language=" Spanish ", mobile=False), vocab, TODAY)
    shown = interpreted.model_dump(mode="json")
    assert "corrected_from" not in shown["condition"]
    assert shown["filters"] == {"language": "Spanish", "mobile": False}
    assert shown["near"] is None and shown["radius_km"] is None
