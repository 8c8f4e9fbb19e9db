"""Free-text understanding: what `q` implies, before any backend runs."""

from __future__ import annotations

import pytest

from directory.errors import InvalidParameter
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
        ("deep tissue for sciatica near Austin", ["sciatica"], ["deep_tissue_massage"], "Austin"),
        ("migraine relief craniosacral San Diego", ["migraine"], ["craniosacral_therapy"], "San Diego"),
        ("tmj around Portland OR", ["tmj_disorder"], [], "Portland, OR"),
        ("lbp 78704-1234", ["low_back_pain"], [], "78704"),
        ("pain in my wrist near Austin", [], [], "Austin"),
        ("tendonitis in my wrist", ["tendonitis"], [], None),  # "in" followed by no place is just a word
        ("post-mastectomy swelling", ["lymphedema"], [], None),
        ("pins and needles in my hand", ["carpal_tunnel_syndrome"], [], None),
        ("trp for doms", ["muscle_tension"], ["trigger_point_therapy"], None),
    ],
)
def test_free_text_splits_into_conditions_techniques_and_place(vocab, q, conditions, modalities, location) -> None:
    understood = understand_text(q, vocab)
    assert [m.id for m in understood.conditions] == conditions
    assert [m.id for m in understood.modalities] == modalities
    assert understood.location == location
    assert understood.name is None


def test_words_not_understood_are_reported_not_silently_dropped(vocab) -> None:
    assert understand_text("sciatica specialist houston", vocab).ignored == ["specialist"]
    assert understand_text("sciatica specialist ok", vocab).ignored == ["specialist", "ok"]


@pytest.mark.parametrize(
    ("q", "name", "location"),
    [
        ("Jenny Alvarez", "jenny alvarez", None),
        ("grace liu near 78704", "grace liu", "78704"),
        ("Michael Jackson", "michael jackson", None),  # a given name and a city's name: a person
    ],
)
def test_free_text_that_is_a_name_is_searched_as_one(vocab, q, name, location) -> None:
    understood = understand_text(q, vocab)
    assert (understood.name, understood.location, understood.ignored) == (name, location, [])


def test_city_without_state_takes_the_most_populous_and_says_what_else_it_considered(vocab) -> None:
    _, interpreted = build_query(SearchParams(q="deep tissue for sciatica near Austin"), vocab, TODAY)
    near = interpreted.model_dump(mode="json")["near"]
    assert near["label"] == "Austin, TX" and 30 < near["lat"] < 31
    assert "Austin, MN" in near["considered"]
    _, interpreted = build_query(SearchParams(near="Portland"), vocab, TODAY)
    assert interpreted.near is not None and interpreted.near.label == "Portland, OR"
    assert "Portland, ME" in interpreted.near.considered


def test_a_place_that_matches_nothing_is_a_422_with_suggestions(vocab) -> None:
    with pytest.raises(InvalidParameter) as raised:
        build_query(SearchParams(q="neck pain near Austn"), vocab, TODAY)
    assert raised.value.parameter == "q" and "Austin, TX" in raised.value.suggestions


def test_shorthand_and_a_techniques_head_word(vocab) -> None:
    query, interpreted = build_query(SearchParams(condition="LBP", modality=["prenatal"]), vocab, TODAY)
    assert query.condition_ids == ["low_back_pain"] and query.modality_ids == ["prenatal_massage"]
    assert interpreted.modalities[0].method == "head_word"
    with pytest.raises(InvalidParameter):
        build_query(SearchParams(modality=["hot"]), vocab, TODAY)  # hot stone? hot towel? a guess: 422


def test_name_parameter(vocab) -> None:
    query, interpreted = build_query(SearchParams(name=" Jenny Alvares "), vocab, TODAY)
    assert query.name_text == "Jenny Alvares" and interpreted.name == "Jenny Alvares"
    with pytest.raises(InvalidParameter) as raised:
        build_query(SearchParams(name="--"), vocab, TODAY)
    assert raised.value.parameter == "name"


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
