"""Ranking, defined once for every backend. Documented in docs/ranking.md; keep the two in step.

Two steps:
- `condition_fits` (index time): how well a listing fits each condition — an explicit specialty,
  a qualifying certification, a related condition, or a modality that serves it.
- `score_inputs` (query time): a weighted mean of condition fit, technique, credentials,
  experience, proximity and data confidence, over whichever of those the query makes meaningful
  (`TERMS`), for many candidates at once; `score` is the same for one.
`explain` turns the same evidence into the human sentences of `why[]`. Ordering and paging are in
`directory/backends/results.py`; no backend defines a term or a weight of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Literal

import numpy as np

from directory.models import License, LicenseStatus, Listing
from directory.query import SearchQuery
from directory.raw import SourceKind
from directory.vocabulary import Vocabulary

FitBasis = Literal["specialty", "certification", "related", "modality"]

FIT_SPECIALTY = 1.0
FIT_CERTIFICATION = 0.85
FIT_RELATED = 0.6  # times the relation's weight
FIT_MODALITY = 0.5  # times how strongly the modality serves the condition

WEIGHTS = {"fit": 0.45, "technique": 0.10, "credentials": 0.20, "experience": 0.15, "proximity": 0.15, "confidence": 0.05}
EXPERIENCE_SCALE_YEARS = 10.0  # 1 - e^(-years/scale): 10 years ≈ 0.63, 20 ≈ 0.86
PROXIMITY_HALF_KM = 10.0  # the proximity score halves every 10 km
BOARD_CERTIFICATION = "bctmb"
SCORE_DECIMALS = 6
STALE_FACTOR = 0.6  # listings no source has confirmed lately ("ghost" listings) sink
# The credentials term: points for each, capped at 1.
CREDENTIAL_POINTS = {"verified": 0.6, "board_certified": 0.2, "relevant_certified": 0.2}


@dataclass(frozen=True)
class Fit:
    score: float
    basis: FitBasis
    via: str  # the condition, certification or modality id that gave the fit


def condition_fits(listing: Listing, vocab: Vocabulary, today: date) -> dict[str, Fit]:
    """For every condition the listing can serve, its best fit. Stored by backends at index time, so
    `today` is the index build date there: only certifications current then give a fit."""
    fits: dict[str, Fit] = {}
    by_condition, by_certification, by_modality = _fit_offers(vocab)
    offers = [by_condition.get(condition_id) or _specialty(condition_id) for condition_id in listing.conditions]
    offers += [by_certification.get(cert.id, ()) for cert in listing.current_certifications(today) if cert.id]
    offers += [by_modality.get(modality_id, ()) for modality_id in listing.modalities]
    for offered in offers:
        for condition_id, fit in offered:
            # The first best fit stays: a later one must score higher.
            if condition_id not in fits or fit.score > fits[condition_id].score:
                fits[condition_id] = fit
    return fits


Offers = tuple[tuple[str, Fit], ...]  # (condition id, the fit offered for it), in the order offered


def _specialty(condition_id: str) -> Offers:
    return ((condition_id, Fit(FIT_SPECIALTY, "specialty", condition_id)),)


@lru_cache(maxsize=8)
def _fit_offers(vocab: Vocabulary) -> tuple[dict[str, Offers], dict[str, Offers], dict[str, Offers]]:
    """The fits each condition, certification and modality id of the vocabulary offers, fits of no
    score left out: condition fits are computed for every listing indexed, the vocabulary once."""

    def scored(offers: Iterable[tuple[str, Fit]]) -> Offers:
        return tuple((condition_id, fit) for condition_id, fit in offers if fit.score > 0)

    terms = vocab.terms
    return (
        {
            cid: scored((*_specialty(cid), *((rel.id, Fit(round(FIT_RELATED * rel.weight, 4), "related", cid)) for rel in term.related)))
            for cid, term in terms["condition"].items()
        },
        {
            cert_id: scored((condition_id, Fit(FIT_CERTIFICATION, "certification", cert_id)) for condition_id in term.qualifies_conditions)
            for cert_id, term in terms["certification"].items()
        },
        {
            mid: scored((serves.id, Fit(round(FIT_MODALITY * serves.weight, 4), "modality", mid)) for serves in term.serves)
            for mid, term in terms["modality"].items()
        },
    )


@dataclass
class Candidate:
    """What ranking needs of one listing that passed the filters; backends fill it cheaply."""

    id: str
    verified: bool
    status: str
    years_experience: float | None
    certification_ids: tuple[str, ...]
    modality_ids: tuple[str, ...]
    source_kinds: int
    fit: Fit | None = None
    distance_km: float | None = None
    stale: bool = False
    score: float = 0.0

    def sort_key(self) -> tuple[float, str]:
        return (-self.score, self.id)


def relevant_certifications(query: SearchQuery, vocab: Vocabulary) -> frozenset[str]:
    """Certifications that matter for this query's conditions and modalities (advisories included)."""
    return _relevant_certifications(vocab, tuple(query.condition_ids), tuple(query.wanted_modality_ids), tuple(query.advisories))


@lru_cache(maxsize=4096)
def _relevant_certifications(
    vocab: Vocabulary, condition_ids: tuple[str, ...], modality_ids: tuple[str, ...], advisories: tuple[str, ...]
) -> frozenset[str]:
    # Cached: every search and every explanation asks, and the answer depends on these alone.
    wanted: set[str] = set()
    for cert in vocab.terms["certification"].values():
        if set(cert.qualifies_conditions) & set(condition_ids) or set(cert.implies_modalities) & set(modality_ids):
            wanted.add(cert.id)
    for advisory_id in advisories:
        if advisory := vocab.advisories.get(advisory_id):
            wanted.update(advisory.prefer_certifications)
    return frozenset(wanted)


# The score ---------------------------------------------------------------------------------------
#
# Written once, over NumPy arrays: a backend that ranks thousands of listings per query and one
# that ranks a handful of `Candidate`s call the same function, so there is no second copy to keep
# in step. Terms that depend on the listing alone (experience, confidence) are separate functions
# so a backend may compute them once per index.


@dataclass(frozen=True)
class ScoreInputs:
    """What the score reads of each candidate, one array entry per candidate."""

    fit: np.ndarray  # float: the condition fit (0 where none); read only when the query names a condition
    technique: np.ndarray  # bool: offers a technique the query asked for
    verified: np.ndarray  # bool: a board-verified licence in force
    board_certified: np.ndarray  # bool: holds BOARD_CERTIFICATION
    relevant_certified: np.ndarray  # bool: holds a certification relevant to the query
    experience: np.ndarray  # float: `experience_term` of the years in practice
    confidence: np.ndarray  # float: `confidence_term` of the number of source kinds
    distance_km: np.ndarray | None  # float: None when the query has no place
    stale: np.ndarray  # bool: no source confirmed it within the stale window

    def take(self, positions: np.ndarray) -> ScoreInputs:
        return replace(
            self,
            **{name: value.take(positions) for name, value in vars(self).items() if value is not None},
        )


def experience_term(years: np.ndarray) -> np.ndarray:
    """1 - e^(-years/scale); unknown (NaN) or negative years count as none."""
    years = np.maximum(np.nan_to_num(np.asarray(years, dtype=np.float64), nan=0.0), 0.0)
    return 1.0 - np.exp(-years / EXPERIENCE_SCALE_YEARS)


def confidence_term(source_kinds: np.ndarray) -> np.ndarray:
    """More kinds of source agreeing on a person (registry, board, website, roster), more trust."""
    return np.minimum(1.0, np.asarray(source_kinds, dtype=np.float64) / 3)


def credentials_term(verified: np.ndarray, board_certified: np.ndarray, relevant_certified: np.ndarray) -> np.ndarray:
    points = CREDENTIAL_POINTS
    return np.minimum(
        1.0,
        np.where(verified, points["verified"], 0.0)
        + np.where(board_certified, points["board_certified"], 0.0)
        + np.where(relevant_certified, points["relevant_certified"], 0.0),
    )


def proximity_term(distance_km: np.ndarray) -> np.ndarray:
    return np.exp2(distance_km / -PROXIMITY_HALF_KM)  # 0.5 ** (d / half), 6× faster than the power


@dataclass(frozen=True)
class Term:
    name: str
    applies: Callable[[SearchQuery], bool]  # whether this query makes the term meaningful
    value: Callable[[ScoreInputs], np.ndarray]


def _always(_: SearchQuery) -> bool:
    return True


def _distances(inputs: ScoreInputs) -> np.ndarray:
    if inputs.distance_km is None:
        raise ValueError("a query with a place needs the distance of every candidate")
    return inputs.distance_km


TERMS: tuple[Term, ...] = (
    Term("fit", lambda q: bool(q.conditions), lambda i: i.fit),
    Term("technique", lambda q: bool(q.wanted_modality_ids), lambda i: i.technique.astype(np.float64)),
    Term("credentials", _always, lambda i: credentials_term(i.verified, i.board_certified, i.relevant_certified)),
    Term("experience", _always, lambda i: i.experience),
    Term("proximity", lambda q: q.near is not None, lambda i: proximity_term(_distances(i))),
    Term("confidence", _always, lambda i: i.confidence),
)
assert [t.name for t in TERMS] == list(WEIGHTS), "every weighted term is defined, once"


def query_terms(query: SearchQuery) -> tuple[Term, ...]:
    return tuple(term for term in TERMS if term.applies(query))


def score_inputs(query: SearchQuery, inputs: ScoreInputs) -> np.ndarray:
    """The score of every candidate: the weighted mean of the terms the query makes meaningful,
    demoted by STALE_FACTOR for stale listings, rounded to SCORE_DECIMALS."""
    terms = query_terms(query)
    total_weight = sum(WEIGHTS[t.name] for t in terms)
    value = WEIGHTS[terms[0].name] * terms[0].value(inputs)
    for term in terms[1:]:
        value = value + WEIGHTS[term.name] * term.value(inputs)
    value = value / total_weight
    value = np.where(inputs.stale, value * STALE_FACTOR, value)
    return np.round(value, SCORE_DECIMALS)


def distance_error_bound(query: SearchQuery, distance_error_km: float) -> float:
    """How far a score can move when each distance it reads is off by up to `distance_error_km`
    (a backend that ranks by approximate distances re-scores the page window within this).
    The proximity term's steepest slope is ln 2 / half-distance, at zero km; each of two rounded
    scores may also move by half a unit of the last decimal."""
    if query.near is None or distance_error_km <= 0:
        return 0.0
    total_weight = sum(WEIGHTS[t.name] for t in query_terms(query))
    slope = math.log(2) / PROXIMITY_HALF_KM
    return WEIGHTS["proximity"] / total_weight * slope * distance_error_km + 10.0**-SCORE_DECIMALS


def inputs_of(candidates: list[Candidate], query: SearchQuery, relevant_certs: frozenset[str]) -> ScoreInputs:
    """Score inputs from `Candidate` objects (a backend that filters listings one by one)."""
    wanted = set(query.wanted_modality_ids)
    distances = [c.distance_km for c in candidates]
    return ScoreInputs(
        fit=np.array([c.fit.score if c.fit else 0.0 for c in candidates], dtype=np.float64),
        technique=np.array([bool(wanted & set(c.modality_ids)) for c in candidates], dtype=bool),
        verified=np.array([c.verified for c in candidates], dtype=bool),
        board_certified=np.array([BOARD_CERTIFICATION in c.certification_ids for c in candidates], dtype=bool),
        relevant_certified=np.array([bool(relevant_certs & set(c.certification_ids)) for c in candidates], dtype=bool),
        experience=experience_term(
            np.array([np.nan if c.years_experience is None else c.years_experience for c in candidates], dtype=np.float64)
        ),
        confidence=confidence_term(np.array([c.source_kinds for c in candidates], dtype=np.float64)),
        distance_km=None if query.near is None else np.array([np.nan if d is None else d for d in distances], dtype=np.float64),
        stale=np.array([c.stale for c in candidates], dtype=bool),
    )


def score(candidate: Candidate, query: SearchQuery, relevant_certs: frozenset[str]) -> float:
    """The score of one candidate (`score_inputs` of one)."""
    return float(score_inputs(query, inputs_of([candidate], query, relevant_certs))[0])


_BASIS_WORDS = {
    SourceKind.nppes: "NPI Registry",
    SourceKind.nppes_bulk: "NPI Registry",
    SourceKind.license_csv: "state licensing board",
    SourceKind.profile_site: "practice website",
    SourceKind.cert_roster: "certification roster",
}


def _quote(listing: Listing, kind: str, term_id: str) -> str:
    """' (practice website: "sciatic nerve pain")': the kind of source that said it, in its own words,
    so a line never claims more than the source stated."""
    evidence = next((e for e in listing.evidence if e.kind == kind and e.term == term_id), None)
    if evidence is None:
        return ""
    basis = _BASIS_WORDS.get(evidence.source_kind, evidence.source) if evidence.source_kind else "the directory"
    return f' ({basis}: "{evidence.text}")'


def explain(listing: Listing, candidate: Candidate, query: SearchQuery, vocab: Vocabulary) -> list[str]:
    """Human sentences saying why this listing is in the results, each with its evidence."""
    why: list[str] = []
    fit = candidate.fit
    if fit is not None and query.conditions:
        target = vocab.name("condition", query.conditions[0].id)
        if fit.basis == "specialty":
            why.append(f"Lists {target.lower()} as a specialty{_quote(listing, 'condition', fit.via)}")
        elif fit.basis == "related":
            related = vocab.name("condition", fit.via).lower()
            why.append(f"Treats {related}, which is related to {target.lower()}{_quote(listing, 'condition', fit.via)}")
        elif fit.basis == "certification":
            why.append(f"Holds {vocab.name('certification', fit.via)}, training that covers {target.lower()}")
        else:
            technique = vocab.name("modality", fit.via).lower()
            why.append(f"Offers {technique}, a technique for {target.lower()}{_quote(listing, 'modality', fit.via)}")
    for modality in [*query.modalities, *query.preferred_modalities]:
        if modality.id in listing.modalities and (fit is None or fit.via != modality.id):
            why.append(f"Offers {vocab.name('modality', modality.id).lower()}{_quote(listing, 'modality', modality.id)}")
    for lic in listing.licenses_as_of(query.today):
        state = lic.state
        if lic.status == LicenseStatus.active:
            until = f" until {lic.expires_on.isoformat()}" if lic.expires_on else ""
            checked = "verified with the state board" if lic.verified else "not yet confirmed by a board source"
            why.append(f"{state} licence {lic.number} active{until} ({checked}){_board_notes(lic)}")
        else:
            why.append(f"{state} licence {lic.number} is {lic.status.value}: not verified{_board_notes(lic)}")
    relevant = relevant_certifications(query, vocab)
    for cert in listing.current_certifications(query.today):  # never an expired one as "Certified:"
        if cert.id and (cert.id == BOARD_CERTIFICATION or cert.id in relevant):
            issuer = f" ({cert.issuer})" if cert.issuer else ""
            why.append(f"Certified: {cert.name}{issuer}")
    if listing.years_experience is not None:
        years = int(listing.years_experience)
        basis = "licensed" if listing.experience_basis == "license" else "in practice, by NPI enumeration date"
        why.append(f"{years} years {basis}")
    if candidate.distance_km is not None:
        why.append(f"{candidate.distance_km:.1f} km away")
    if candidate.stale:
        seen = listing.last_seen.isoformat() if listing.last_seen else "an unknown date"
        why.append(f"Not confirmed by any source since {seen}; details may be out of date")
    return why


def _board_notes(lic: License) -> str:
    """What the board published beyond the plain status: its words, restrictions and discipline."""
    notes = [
        f"{label}: {'; '.join(words)}" for label, words in (("restrictions", lic.restrictions), ("discipline", lic.discipline)) if words
    ]
    if not notes and len(lic.status_as_published) > 1:
        notes = [f"the board lists {' / '.join(lic.status_as_published)}"]
    return f"; {', '.join(notes)} ({lic.source or 'state board'})" if notes else ""
