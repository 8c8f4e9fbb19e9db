"""Review of the vocabulary data files, and the matcher judged on the labelled set."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from directory.vocabulary import FUZZY_THRESHOLD, Vocabulary, normalize_icd10, normalize_text

LABELLED = Path(__file__).parent / "data" / "vocab_labelled.tsv"
ICD10 = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$")


def test_every_reference_between_files_resolves(vocab: Vocabulary) -> None:
    conditions, modalities, certs = (vocab.terms[k] for k in ("condition", "modality", "certification"))
    for term in conditions.values():
        assert all(r.id in conditions and 0 < r.weight <= 1 for r in term.related), term.id
        assert all(a in vocab.advisories for a in term.advisories), term.id
    for term in modalities.values():
        assert term.serves, f"{term.id} serves no condition"
        assert all(r.id in conditions and 0 < r.weight <= 1 for r in term.serves), term.id
    for term in certs.values():
        assert set(term.implies_modalities) <= set(modalities), term.id
        assert set(term.qualifies_conditions) <= set(conditions), term.id
    for advisory in vocab.advisories.values():
        assert advisory.triggers and advisory.message
        assert set(advisory.prefer_modalities) <= set(modalities) and set(advisory.prefer_certifications) <= set(certs)
    for cred in vocab.credentials.values():
        assert not cred.certification or cred.certification in certs, cred.abbreviation


def test_icd10_codes_are_well_formed_and_unambiguous(vocab: Vocabulary) -> None:
    owner: dict[str, str] = {}
    for term in vocab.terms["condition"].values():
        for code in term.icd10:
            assert ICD10.match(code), f"{term.id}: {code}"
            assert owner.setdefault(code, term.id) == term.id, f"{code} belongs to {owner[code]} and {term.id}"


def test_no_alias_names_two_terms_of_one_kind(vocab: Vocabulary) -> None:
    for kind, terms in vocab.terms.items():
        claimed: dict[str, str] = {}
        for term in terms.values():
            for alias in {normalize_text(a) for a in [term.name, *term.aliases]}:
                assert claimed.setdefault(alias, term.id) == term.id, f"{kind} alias {alias!r}: {claimed[alias]} and {term.id}"


def test_the_conditions_the_product_is_built_for_are_there(vocab: Vocabulary) -> None:
    for text, expected in [
        ("sciatica", "sciatica"),
        ("carpal tunnel", "carpal_tunnel_syndrome"),
        ("fibromyalgia", "fibromyalgia"),
        ("migraine", "migraine"),
        ("TMJ", "tmj_disorder"),
        ("frozen shoulder", "frozen_shoulder"),
        ("post-surgical recovery", "post_surgical_recovery"),
        ("G56.01", "carpal_tunnel_syndrome"),
        ("M54.5", "low_back_pain"),
    ]:
        match = vocab.match(text, "condition")
        assert match is not None and match.id == expected, text


@pytest.mark.parametrize(("text", "code"), [("G56.01", "G5601"), ("g5601", "G5601"), ("M54.5", "M545"), ("sciatica", None)])
def test_icd10_normalisation(text: str, code: str | None) -> None:
    assert normalize_icd10(text) == code


def test_misspellings_are_corrected_and_marked_as_corrections(vocab: Vocabulary) -> None:
    match = vocab.match("carpel tunnel", "condition")
    assert match is not None and match.id == "carpal_tunnel_syndrome" and match.corrected
    assert vocab.match("massage", "modality") is None  # a generic word is not a technique
    assert vocab.match("hair salon", "condition") is None


def labelled_rows() -> list[dict[str, str]]:
    with open(LABELLED, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_matcher_accuracy_on_the_labelled_set(vocab: Vocabulary) -> None:
    rows = labelled_rows()
    assert len(rows) >= 300
    wrong = []
    for row in rows:
        match = vocab.match(row["text"], row["kind"])  # type: ignore[arg-type]
        if (match.id if match else "NONE") != row["expected"]:
            wrong.append((row["text"], row["expected"], match.id if match else "NONE"))
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.95, f"accuracy {accuracy:.3f} at threshold {FUZZY_THRESHOLD}; wrong: {wrong[:20]}"
