"""Ranking, defined once for every backend. Documented in docs/ranking.md; keep the two in step.

Two steps:
- `condition_fits` (index time): how well a listing fits each condition — an explicit specialty,
  a qualifying certification, a related condition, or a modality that serves it.
- `score` (query time): a weighted sum of condition fit, credentials, experience, proximity and
  data confidence, over whichever of those the query makes meaningful.
`explain` turns the same evidence into the human sentences of `why[]`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from directory.models import Listing, LicenseStatus
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


@dataclass(frozen=True)
class Fit:
    score: float
    basis: FitBasis
    via: str  # the condition, certification or modality id that gave the fit


def condition_fits(listing: Listing, vocab: Vocabulary) -> dict[str, Fit]:
    """For every condition the listing can serve, its best fit. Stored by backends at index time."""
    fits: dict[str, Fit] = {}

    def offer(condition_id: str, fit: Fit) -> None:
        if fit.score > 0 and (condition_id not in fits or fit.score > fits[condition_id].score):
            fits[condition_id] = fit

    for condition_id in listing.conditions:
        offer(condition_id, Fit(FIT_SPECIALTY, "specialty", condition_id))
        term = vocab.term("condition", condition_id)
        for rel in term.related if term else []:
            offer(rel.id, Fit(round(FIT_RELATED * rel.weight, 4), "related", condition_id))
    for cert in listing.certifications:
        term = vocab.term("certification", cert.id) if cert.id else None
        for condition_id in term.qualifies_conditions if term else []:
            offer(condition_id, Fit(FIT_CERTIFICATION, "certification", cert.id or ""))
    for modality_id in listing.modalities:
        term = vocab.term("modality", modality_id)
        for serves in term.serves if term else []:
            offer(serves.id, Fit(round(FIT_MODALITY * serves.weight, 4), "modality", modality_id))
    return fits


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


def score(candidate: Candidate, query: SearchQuery, relevant_certs: frozenset[str]) -> float:
    parts: dict[str, float] = {}
    if query.conditions:
        parts["fit"] = candidate.fit.score if candidate.fit else 0.0
    if query.wanted_modality_ids:
        parts["technique"] = 1.0 if set(query.wanted_modality_ids) & set(candidate.modality_ids) else 0.0
    credentials = 0.6 if candidate.verified else 0.0
    if BOARD_CERTIFICATION in candidate.certification_ids:
        credentials += 0.2
    if relevant_certs & set(candidate.certification_ids):
        credentials += 0.2
    parts["credentials"] = min(1.0, credentials)
    years = candidate.years_experience or 0.0
    parts["experience"] = 1.0 - math.exp(-max(years, 0.0) / EXPERIENCE_SCALE_YEARS)
    if query.near is not None and candidate.distance_km is not None:
        parts["proximity"] = 0.5 ** (candidate.distance_km / PROXIMITY_HALF_KM)
    parts["confidence"] = min(1.0, candidate.source_kinds / 3)
    total_weight = sum(WEIGHTS[name] for name in parts)
    value = sum(WEIGHTS[name] * part for name, part in parts.items()) / total_weight
    if candidate.stale:
        value *= STALE_FACTOR
    return round(value, SCORE_DECIMALS)


def experience_parts(years: np.ndarray) -> np.ndarray:
    """The experience term of `score` for many listings (years may be NaN: unknown)."""
    years = np.maximum(np.nan_to_num(years, nan=0.0), 0.0)
    return 1.0 - np.exp(-years / EXPERIENCE_SCALE_YEARS)


def confidence_parts(source_kinds: np.ndarray) -> np.ndarray:
    """The data-confidence term of `score` for many listings."""
    return np.minimum(1.0, source_kinds / 3)


def score_arrays(
    query: SearchQuery,
    *,
    fit: np.ndarray | None,
    technique: np.ndarray | None,
    verified: np.ndarray,
    board_certified: np.ndarray,
    relevant_certified: np.ndarray,
    experience: np.ndarray,
    distance_km: np.ndarray | None,
    confidence: np.ndarray,
    stale: np.ndarray,
) -> np.ndarray:
    """`score` for many candidates at once (NumPy), term for term, for backends that rank
    thousands of listings per query. `experience` and `confidence` come from `experience_parts`
    and `confidence_parts`, which depend on the listing alone (a backend computes them once).
    Agrees with `score` to the last digit but for the odd last-bit difference of exp/pow, which
    backends settle by re-scoring the page with `score`."""
    parts: list[tuple[str, np.ndarray]] = []
    if query.conditions:
        parts.append(("fit", fit if fit is not None else np.zeros(len(verified))))
    if query.wanted_modality_ids:
        parts.append(("technique", technique.astype(np.float64) if technique is not None else np.zeros(len(verified))))
    credentials = np.where(verified, 0.6, 0.0) + np.where(board_certified, 0.2, 0.0) + np.where(relevant_certified, 0.2, 0.0)
    parts.append(("credentials", np.minimum(1.0, credentials)))
    parts.append(("experience", experience))
    if query.near is not None and distance_km is not None:
        parts.append(("proximity", np.exp2(distance_km / -PROXIMITY_HALF_KM)))  # 0.5 ** (d / half), 6× faster
    parts.append(("confidence", confidence))
    total_weight = sum(WEIGHTS[name] for name, _ in parts)
    value = parts[0][1] * WEIGHTS[parts[0][0]]
    for name, part in parts[1:]:
        value = value + WEIGHTS[name] * part
    value = value / total_weight
    value = np.where(stale, value * STALE_FACTOR, value)
    return np.round(value, SCORE_DECIMALS)


_BASIS_WORDS = {
    SourceKind.nppes: "NPI Registry",
    SourceKind.license_csv: "state licensing board",
    SourceKind.profile_site: "practice website",
    SourceKind.cert_roster: "certification roster",
}


def explain(listing: Listing, candidate: Candidate, query: SearchQuery, vocab: Vocabulary) -> list[str]:
    """Human sentences saying why this listing is in the results, each with its evidence."""
    why: list[str] = []
    fit = candidate.fit
    if fit is not None and query.conditions:
        target = vocab.name("condition", query.conditions[0].id)
        if fit.basis == "specialty":
            evidence = next((e for e in listing.evidence if e.kind == "condition" and e.term == fit.via), None)
            where = f" ({_BASIS_WORDS.get(evidence.source_kind, evidence.source)})" if evidence else ""
            why.append(f"Lists {target.lower()} as a specialty{where}")
        elif fit.basis == "related":
            why.append(f"Treats {vocab.name('condition', fit.via).lower()}, which is related to {target.lower()}")
        elif fit.basis == "certification":
            why.append(f"Holds {vocab.name('certification', fit.via)}, training that covers {target.lower()}")
        else:
            why.append(f"Practises {vocab.name('modality', fit.via).lower()}, a technique used for {target.lower()}")
    for modality in [*query.modalities, *query.preferred_modalities]:
        if modality.id in listing.modalities:
            why.append(f"Offers {vocab.name('modality', modality.id).lower()}")
    for lic in listing.licenses_as_of(query.today):
        state = lic.state
        if lic.status == LicenseStatus.active:
            until = f" until {lic.expires_on.isoformat()}" if lic.expires_on else ""
            checked = "verified with the state board" if lic.verified else "not yet confirmed by a board source"
            why.append(f"{state} licence {lic.number} active{until} ({checked})")
        else:
            why.append(f"{state} licence {lic.number} is {lic.status.value}: not verified")
    relevant = relevant_certifications(query, vocab)
    for cert in listing.certifications:
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
