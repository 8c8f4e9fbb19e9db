"""How likely two source records are one person: the pair score linkage clusters on.

Defined once, here: `indexer.linkage` scores candidate pairs with `score_features`, and
`indexer.candidates.PairBound` bounds the same score with array operations, reading the same
`WEIGHTS` and thresholds, so retuning one changes both.

Shared identifiers decide outright (CERTAIN); different NPIs, different licence numbers in one state,
or different generational suffixes make a pair IMPOSSIBLE; otherwise the score is name similarity
(nicknames, initials, typos, hyphenation) plus agreement on phone, ZIP and city.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz

from indexer.extract import SourceRecord
from indexer.link_record import LinkRecord
from indexer.normalize import fold, given_names

MATCH_THRESHOLD = 0.80
REVIEW_THRESHOLD = 0.60
CERTAIN = 2.0
IMPOSSIBLE = -1.0


@dataclass(frozen=True)
class ScoreWeights:
    """The pair score's weights and levels (chosen on tests/data/linkage, see bench/linkage_eval.py)."""

    # What each agreement adds to a pair.
    first_name: float = 0.45
    last_name: float = 0.45
    phone: float = 0.15
    zip: float = 0.15
    city: float = 0.10  # same city, when the ZIPs do not agree
    other_city: float = -0.05  # both name a city, and they differ
    # Given names, scored 0..1.
    first_unknown: float = 0.5  # one record has none
    first_is_middle: float = 0.9  # someone who goes by their middle name
    first_initial: float = 0.7  # an initial that agrees
    first_typo_ratio: float = 0.8  # fuzz ratio (0..1) from which a given name counts as a typo,
    first_typo_zero: float = 0.7  # scored (ratio - zero) / span: 0.8 gives 1/3, 1.0 gives 1
    first_typo_span: float = 0.3
    # A nickname of the other name ("Becky"/"Rebecca"): the package's table also lists formal names as
    # each other's nicknames (Emma/Emily, Susan/Hannah), so it weighs less than the name itself, by
    # more than `linkage.AMBIGUITY_MARGIN` / `first_name`: the person of the exact name wins, a city
    # or phone that agrees links a nickname, and the name alone sends it to review.
    first_nickname: float = 0.9
    first_prefix: float = 0.3  # a nickname no table knows, sharing the first two letters
    # Surnames, scored 0..1.
    last_contained: float = 0.85  # one of two surnames, or a joined double-barrelled name
    last_contained_min_len: int = 4
    last_typo_ratio: float = 85  # fuzz ratio (0..100) from which a surname counts as a typo
    # A married name: the given name agrees this well, same phone and ZIP → at least MATCH_THRESHOLD.
    married_first: float = 0.9
    # Term frequency (Fellegi-Sunter with a term-frequency adjustment, as Splink does): how many
    # licences are held under one full name. Across states, a name held by at most
    # `rare_name_licences` may link on the name alone (a person who moved); a commoner one needs a
    # phone or ZIP to agree, and otherwise goes no higher than `common_name_cap`, the review band.
    rare_name_licences: int = 2
    common_name_cap: float = 0.74  # with a middle initial agreeing (+0.05) still under MATCH_THRESHOLD


WEIGHTS = ScoreWeights()


class Features(NamedTuple):
    """What scoring reads of a record, computed once per record (linkage compares each many times)."""

    npi: str | None
    licenses: frozenset[str]
    license_states: frozenset[str]
    suffix: str
    first: str
    first_key: str
    middle_key: str
    last_key: str
    phone: str | None
    zip: str | None
    city: str | None
    states: frozenset[str] = frozenset()  # where the record places the person: practice/home and licences
    name_licences: int = 0  # licences held under this full name across all records (its term frequency)
    lapsed_only: bool = False  # every licence it shows has expired or been given up (a state left behind)
    first_names: frozenset[str] = frozenset()  # `normalize.given_names` of the first name: nicknames meet here
    middle_names: frozenset[str] = frozenset()  # and of the middle name


def features(rec: LinkRecord, name_licences: int = 0) -> Features:
    """What scoring reads of `rec`; `name_licences` is how many licences its full name holds (see linkage)."""
    middle = fold(rec.name.middle)
    license_states = frozenset(k.split(":")[0] for k in rec.license_keys)
    return Features(
        npi=rec.npi,
        licenses=frozenset(rec.license_keys),
        license_states=license_states,
        suffix=rec.name.suffix_key,
        first=fold(rec.name.first),
        first_key=rec.name.first_key,
        middle_key=middle,
        last_key=rec.name.last_key,
        phone=rec.phone,
        zip=rec.zip,
        city=rec.city,
        states=frozenset({rec.state, *license_states} - {""}),
        name_licences=name_licences,
        lapsed_only=rec.lapsed_only,
        first_names=rec.name.first_names,
        middle_names=given_names(rec.name.middle) if rec.name.middle else frozenset(),
    )


def _first_name_score(a: Features, b: Features, w: ScoreWeights) -> float:
    if not a.first or not b.first:
        return w.first_unknown
    if a.first_key == b.first_key:
        return 1.0
    # Someone who goes by their middle name: "J. Michael Sutton" ~ "Michael Sutton" (or "Mike Sutton").
    if (b.first_key in a.middle_names or (a.middle_key and a.middle_key in b.first_names)) or (
        a.first_key in b.middle_names or (b.middle_key and b.middle_key in a.first_names)
    ):
        return w.first_is_middle
    # One is a nickname of the other, as `normalize.is_nickname_of` has it ("Becky"/"Rebecca").
    if b.first_key in a.first_names or a.first_key in b.first_names:
        return w.first_nickname
    if len(a.first) == 1 or len(b.first) == 1:
        return w.first_initial if a.first[0] == b.first[0] else 0.0
    ratio = fuzz.ratio(a.first_key, b.first_key) / 100
    if ratio >= w.first_typo_ratio:
        # A one-letter typo in a long name ("Jenifer") scores high; relatives' names that are
        # merely alike ("Mario"/"Marco", "Daniel"/"Danielle") score low.
        return round((ratio - w.first_typo_zero) / w.first_typo_span, 4)
    # A nickname no table knows shares the first letters at least ("Beto"/"Alberto" does not).
    return w.first_prefix if a.first_key[:2] == b.first_key[:2] else 0.0


def _last_name_score(a: Features, b: Features, w: ScoreWeights) -> float:
    la, lb = a.last_key, b.last_key
    if la == lb:
        return 1.0
    if la and lb and (la in lb or lb in la) and min(len(la), len(lb)) >= w.last_contained_min_len:
        return w.last_contained
    ratio = fuzz.ratio(la, lb)
    return ratio / 100 if ratio >= w.last_typo_ratio else 0.0


def pair_score(a: SourceRecord, b: SourceRecord) -> tuple[float, str]:
    """How likely two records are one person (CERTAIN for a shared identifier, IMPOSSIBLE for a conflict)."""
    return score_features(features(LinkRecord.of(a)), features(LinkRecord.of(b)))


def score_features(a: Features, b: Features) -> tuple[float, str]:
    """`pair_score` of two records' features, with the reason."""
    if a.npi and b.npi:
        if a.npi == b.npi:
            return CERTAIN, "same NPI"
        return IMPOSSIBLE, "different NPIs"
    if a.licenses & b.licenses:
        return CERTAIN, "same licence number"
    if a.license_states & b.license_states:
        return IMPOSSIBLE, "different licence numbers in one state"
    if a.suffix and b.suffix and a.suffix != b.suffix:
        return IMPOSSIBLE, "different generational suffixes"
    w = WEIGHTS
    first, last = _first_name_score(a, b, w), _last_name_score(a, b, w)
    score = w.first_name * first + w.last_name * last
    evidence = []
    same_phone = bool(a.phone) and a.phone == b.phone
    if same_phone:
        score += w.phone
        evidence.append("phone")
    if a.zip and a.zip == b.zip:
        score += w.zip
        evidence.append("ZIP")
    elif a.city and b.city:
        if a.city == b.city:
            score += w.city
            evidence.append("city")
        else:
            score += w.other_city
    if last == 0.0 and first >= w.married_first and same_phone and a.zip == b.zip:
        score = max(score, MATCH_THRESHOLD)  # a married name: same person, phone and practice
    # Across states only the name speaks. It may link a person who moved: a rare full name, exactly,
    # where one side holds only a licence left to lapse in the state left behind. Anything else
    # goes no higher than the review band. Within a state, a record that fits two people of one
    # name about equally goes to review in `linkage.link`.
    place_agrees = same_phone or bool(a.zip and a.zip == b.zip)
    if not place_agrees and score > w.common_name_cap and not (a.states & b.states):
        rare = max(a.name_licences, b.name_licences) <= w.rare_name_licences
        if not (rare and first == 1.0 and last == 1.0 and a.first and b.first and a.lapsed_only != b.lapsed_only):
            score = w.common_name_cap
            evidence.append(
                "across states, "
                + ("common name" if not rare else "no lapsed licence left behind" if first == last == 1.0 else "inexact name")
                + ": review"
            )
    return round(score, 4), f"name {first:.2f}/{last:.2f}" + (" + " + ", ".join(evidence) if evidence else "")
