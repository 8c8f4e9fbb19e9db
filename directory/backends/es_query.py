"""What the Elasticsearch backend stores and asks: the mapping and document of a listing (declared
once), and a `SearchQuery` compiled to filters, a `script_score` and aggregations.

The score script is generated from `directory/ranking.py`: the query's terms are `query_terms`,
their weights, the stale factor and every constant are passed as params from the ranking module,
and each term's painless expression below computes the same value as its NumPy definition (the
conformance and parity tests compare them listing by listing). Conditions and techniques reach
the index as vocabulary ids; nothing relies on BM25 or analysers.

What painless cannot say here: osmem-server's painless subset has no trigonometry (no sin, cos,
asin) and no geo methods, so the haversine distance cannot be written as in `geo.distance_km`.
Listings are stored with their unit vectors (as the columnar index keeps them) and the script
takes the chord to the query's point, then the arc by the odd Taylor series of asin, which for
the distances a search can reach (under 600 km, chord/2 < 0.05) is exact to far below a metre.
Distances are rounded to metres like `geo.distance_km`; at a metre boundary they may differ by
one metre, which `score_error_bound` covers, and the page window is re-scored in Python with
exact distances.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import numpy as np

from directory.backends.columnar import CHORD_ERROR_KM, ListingFacts, _days, unit_vectors
from directory.backends.results import DISTANCE_BANDS_KM
from directory.geo import EARTH_RADIUS_KM
from directory.models import Listing
from directory.query import SearchQuery
from directory.ranking import (
    BOARD_CERTIFICATION,
    CREDENTIAL_POINTS,
    PROXIMITY_HALF_KM,
    SCORE_DECIMALS,
    STALE_FACTOR,
    TERMS,
    WEIGHTS,
    condition_fits,
    confidence_term,
    distance_error_bound,
    experience_term,
    query_terms,
    relevant_certifications,
)
from directory.vocabulary import Vocabulary

# Elasticsearch keeps scores as 32-bit floats: a score in [0, 1] is off by at most half a unit in
# the 24th bit (6e-8); the script's exp and pow may differ from NumPy's in the last bits of a double.
FLOAT32_SCORE_ERROR = 2e-7
# Scores are sent as SCORE_OFFSET + score, so that 0 can mean "beyond the radius" (below min_score)
# while a listing whose score is 0 still matches.
SCORE_OFFSET = 1.0
# The geo prefilter is a superset of the exact radius the script checks (ES measures on its own
# sphere and quantises stored points to centimetres).
PREFILTER_MARGIN_KM = 1.0
_SAFE_ID = re.compile(r"^[a-z0-9_]+$")


def score_error_bound(query: SearchQuery) -> float:
    """How far an Elasticsearch score may be from the exact, rounded `ranking.score_inputs` value:
    the unrounded script value is within half a unit of the last decimal, the distance within a
    metre, and the float32 score within FLOAT32_SCORE_ERROR."""
    return max(distance_error_bound(query, CHORD_ERROR_KM), 10.0**-SCORE_DECIMALS) + FLOAT32_SCORE_ERROR


# The mapping and the document -----------------------------------------------------------------


def condition_fields(vocab: Vocabulary) -> list[str]:
    ids = sorted(vocab.terms["condition"])
    bad = [cid for cid in ids if not _SAFE_ID.match(cid)]
    if bad:
        raise ValueError(f"condition ids must be [a-z0-9_] to name fit fields: {bad}")
    return ids


def mapping(vocab: Vocabulary) -> dict[str, Any]:
    """The index mapping: strict, so a field nobody declared fails the build instead of guessing a type."""
    keyword, double, integer, boolean = ({"type": t} for t in ("keyword", "double", "integer", "boolean"))
    return {
        "dynamic": "strict",
        "properties": {
            "id": keyword,
            "name_key": keyword,  # the name as typed (the name filter reads it)
            "location": {"type": "geo_point"},
            "ux": double,
            "uy": double,
            "uz": double,  # the location as a unit vector (distances; see the module doc)
            "lat": double,
            "lon": double,
            "active_until": integer,  # days since 1970-01-01 of the last day an active licence is in force; -1: none
            "verified_until": integer,  # the same for board-verified licences
            "lapsed_status": keyword,  # the licence status shown once active_until has passed
            "active_until_date": keyword,
            "last_seen": integer,  # days since 1970-01-01 of the newest fetch of any source; -1: never
            "last_seen_date": keyword,
            "years_or_zero": double,  # the min_years filter reads unknown years as none
            "experience": double,  # ranking.experience_term
            "confidence": double,  # ranking.confidence_term
            "modalities": keyword,
            "certifications": keyword,
            "languages": keyword,  # case-folded
            "gender": keyword,
            "accepting_new_clients": boolean,
            "mobile": boolean,
            "conditions": keyword,  # every condition the listing fits, with its fit below
            "fit": {"properties": {cid: double for cid in condition_fields(vocab)}},
            "doc": {"type": "object", "enabled": False},  # the listing, whole, for GET /therapists/{id}
        },
    }


def document(listing: Listing, vocab: Vocabulary, built_on: date) -> dict[str, Any]:
    facts = ListingFacts.of(listing)
    loc = listing.location
    located = loc is not None and loc.lat is not None and loc.lon is not None
    fits = condition_fits(listing, vocab, built_on)  # certifications current on the build day, like SQLite's bits
    years = listing.years_experience
    doc: dict[str, Any] = {
        "id": listing.id,
        "name_key": listing.name,
        "active_until": _days(facts.active_until),
        "verified_until": _days(facts.verified_until),
        "lapsed_status": facts.lapsed_status.value,
        "active_until_date": facts.active_until.isoformat() if facts.active_until else None,
        "last_seen": _days(listing.last_seen),
        "last_seen_date": listing.last_seen.isoformat() if listing.last_seen else None,
        "years_or_zero": years or 0.0,
        "experience": float(experience_term(np.array([np.nan if years is None else years]))[0]),
        "confidence": float(confidence_term(np.array([facts.source_kinds]))[0]),
        "modalities": list(listing.modalities),
        "certifications": sorted({c.id for c in listing.current_certifications(built_on) if c.id}),
        "languages": sorted({lang.casefold() for lang in listing.languages}),
        "gender": listing.gender,
        "accepting_new_clients": listing.accepting_new_clients,
        "mobile": listing.mobile,
        "conditions": sorted(fits),
        "fit": {cid: fit.score for cid, fit in fits.items()},
        "doc": listing.model_dump(mode="json"),
    }
    if located:
        assert loc is not None and loc.lat is not None and loc.lon is not None
        x, y, z = (float(v[0]) for v in unit_vectors(np.array([loc.lat]), np.array([loc.lon])))
        doc.update(location={"lat": loc.lat, "lon": loc.lon}, lat=loc.lat, lon=loc.lon, ux=x, uy=y, uz=z)
    return doc


# The score script -------------------------------------------------------------------------------

# Bits of the inner query's score (constant-score `should` clauses): the script reads which
# query-dependent sets a listing belongs to without list methods, which the painless subset lacks.
TECHNIQUE_BIT, BOARD_BIT, RELEVANT_BIT = 1, 2, 4

# Each ranking term as painless, reading the variables the preamble sets. Same names as ranking.TERMS.
PAINLESS_TERMS: dict[str, str] = {
    "fit": "fit",
    "technique": "(technique ? 1.0 : 0.0)",
    "credentials": (
        "Math.min(1.0, (verified ? params.points_verified : 0.0) + (board ? params.points_board_certified : 0.0)"
        " + (relevant ? params.points_relevant_certified : 0.0))"
    ),
    "experience": "doc['experience'].value",
    "proximity": "Math.pow(2.0, d / -params.proximity_half_km)",
    "confidence": "doc['confidence'].value",
}
assert list(PAINLESS_TERMS) == [t.name for t in TERMS], "every ranking term has its painless expression"

# asin(x) = Σ (2n)! / (4^n (n!)² (2n+1)) x^(2n+1); eight terms leave < 1e-18 relative at x = 0.05.
_ASIN_COEFFICIENTS = [math.factorial(2 * n) / (4**n * math.factorial(n) ** 2 * (2 * n + 1)) for n in range(8)]


def distance_painless() -> str:
    """Sets `double d`: the distance in km to the query's point, rounded to metres (1e9 when unknown)."""
    series = " + ".join(f"params.asin_{n} * x{2 * n + 1}" for n in range(len(_ASIN_COEFFICIENTS)))
    powers = "double x2 = x * x; double x1 = x; " + " ".join(
        f"double x{2 * n + 1} = x{2 * n - 1} * x2;" for n in range(1, len(_ASIN_COEFFICIENTS))
    )
    return (
        "double d = 1.0e9; if (doc['ux'].size() > 0) { "
        "double dx = doc['ux'].value - params.ux; double dy = doc['uy'].value - params.uy; double dz = doc['uz'].value - params.uz; "
        "double x = Math.min(1.0, Math.sqrt((dx * dx + dy * dy + dz * dz) * 0.25)); "
        f"{powers} d = Math.round(2.0 * params.earth_radius_km * ({series}) * 1000.0) / 1000.0; }} "
    )


def _distance_params(query: SearchQuery) -> dict[str, float]:
    assert query.near is not None
    ux, uy, uz = (float(v[0]) for v in unit_vectors(np.array([query.near.lat]), np.array([query.near.lon])))
    return {"ux": ux, "uy": uy, "uz": uz, "earth_radius_km": EARTH_RADIUS_KM} | {f"asin_{n}": c for n, c in enumerate(_ASIN_COEFFICIENTS)}


def score_script(query: SearchQuery) -> dict[str, Any]:
    """`ranking.score_inputs` as a painless script with its params (unrounded: Python rounds the page)."""
    terms = query_terms(query)
    today = _days(query.today)
    lines = [
        "double t = _score; boolean relevant = t >= 4.0; if (relevant) { t -= 4.0; }",
        "boolean board = t >= 2.0; if (board) { t -= 2.0; } boolean technique = t >= 1.0;",
        "boolean verified = doc['verified_until'].value >= params.today;",
    ]
    if query.conditions:
        cid = query.conditions[0].id
        field = f"fit.{cid}" if _SAFE_ID.match(cid) else "fit.none"
        lines.append(f"double fit = doc['{field}'].size() > 0 ? doc['{field}'].value : 0.0;")
    if query.near is not None:
        # The exact radius: a listing beyond it scores 0, below the query's min_score.
        lines.append(distance_painless() + "if (d > params.radius_km) { return 0.0; }")
    lines.append("double v = " + " + ".join(f"params.w_{t.name} * {PAINLESS_TERMS[t.name]}" for t in terms) + ";")
    lines.append("v = v / params.total_weight;")
    lines.append("if (doc['last_seen'].value < params.stale_before) { v = v * params.stale_factor; }")
    lines.append("return SCORE_OFFSET + v;".replace("SCORE_OFFSET", repr(SCORE_OFFSET)))
    params: dict[str, Any] = {
        "today": today,
        "stale_before": today - query.stale_after_days,
        "stale_factor": STALE_FACTOR,
        "total_weight": sum(WEIGHTS[t.name] for t in terms),
        "proximity_half_km": PROXIMITY_HALF_KM,
        **{f"w_{t.name}": WEIGHTS[t.name] for t in terms},
        **{f"points_{name}": value for name, value in CREDENTIAL_POINTS.items()},
    }
    if query.near is not None:
        params |= _distance_params(query) | {"radius_km": query.radius_km}
    return {"source": " ".join(lines), "params": params}


# Filters ----------------------------------------------------------------------------------------


def filters(query: SearchQuery, vocab: Vocabulary) -> list[dict[str, Any]]:
    """The query's filters, the same ones `memory.matches_attributes` and the memory backend apply."""
    today = _days(query.today)
    out: list[dict[str, Any]] = [{"match_all": {}}]  # keeps the inner score the sum of the `should` bits
    if query.license_status == "active":
        out.append({"range": {"active_until": {"gte": today}}})
    if query.verified_only:
        out.append({"range": {"verified_until": {"gte": today}}})
    if query.conditions:
        cid = query.conditions[0].id
        out.append({"term": {"conditions": cid}} if cid in vocab.terms["condition"] else {"match_none": {}})
        if query.min_fit > 0 and cid in vocab.terms["condition"]:
            out.append({"range": {f"fit.{cid}": {"gte": query.min_fit}}})
    if query.modalities:
        out.append({"terms": {"modalities": query.modality_ids}})
    if query.certifications:
        out.append({"terms": {"certifications": query.certification_ids}})
    if query.min_years is not None:
        out.append({"range": {"years_or_zero": {"gte": query.min_years}}})
    if query.language:
        out.append({"term": {"languages": query.language.casefold()}})
    if query.gender:
        out.append({"term": {"gender": query.gender}})
    if query.accepting_new_clients is not None:
        out.append({"term": {"accepting_new_clients": query.accepting_new_clients}})
    if query.mobile is not None:
        out.append({"term": {"mobile": query.mobile}})
    if query.exclude_ids:  # hidden or removed by an admin since the index was built (backends/curated.py)
        out.append({"bool": {"must_not": [ids_query(sorted(query.exclude_ids))]}})
    # The name filter (`names.name_matches`: nicknames, initials, typos by rapidfuzz) has no
    # Elasticsearch form; the backend matches names in Python and adds the ids (`ids_query`).
    if query.near is not None:
        point = {"lat": query.near.lat, "lon": query.near.lon}
        out.append({"geo_distance": {"distance": f"{query.radius_km + PREFILTER_MARGIN_KM}km", "location": point}})
    return out


def ids_query(ids: list[str]) -> dict[str, Any]:
    """Listings by id (the names that matched; the ids an admin excluded)."""
    return {"ids": {"values": ids}}


def score_bits(query: SearchQuery, vocab: Vocabulary) -> list[dict[str, Any]]:
    """Constant-score clauses whose boosts add up to the bits the script decodes."""
    should: list[dict[str, Any]] = [{"constant_score": {"filter": {"term": {"certifications": BOARD_CERTIFICATION}}, "boost": BOARD_BIT}}]
    if query.wanted_modality_ids:
        should.append({"constant_score": {"filter": {"terms": {"modalities": query.wanted_modality_ids}}, "boost": TECHNIQUE_BIT}})
    if relevant := sorted(relevant_certifications(query, vocab)):
        should.append({"constant_score": {"filter": {"terms": {"certifications": relevant}}, "boost": RELEVANT_BIT}})
    return should


def search_query(query: SearchQuery, vocab: Vocabulary, named: list[str] | None = None) -> dict[str, Any]:
    """The whole search; `named`: the ids whose names match the query's name (None: no name asked)."""
    found = filters(query, vocab) + ([ids_query(named)] if named is not None else [])
    inner: dict[str, Any] = {"bool": {"filter": found, "should": score_bits(query, vocab)}}
    return {"script_score": {"query": inner, "script": score_script(query), "min_score": SCORE_OFFSET / 2}}


# Facets -----------------------------------------------------------------------------------------


def aggregations(query: SearchQuery, modalities: tuple[str, ...], certifications: tuple[str, ...]) -> dict[str, Any]:
    today = _days(query.today)
    aggs: dict[str, Any] = {
        "modality": {"terms": {"field": "modalities", "size": max(1, len(modalities)), "include": list(modalities)}},
        "certification": {"terms": {"field": "certifications", "size": max(1, len(certifications)), "include": list(certifications)}},
    }
    if query.license_status != "active":
        aggs["lapsed"] = {
            "filter": {"range": {"active_until": {"lt": today}}},
            "aggs": {"status": {"terms": {"field": "lapsed_status", "size": 20}}},
        }
    if query.near is not None:
        # A band holds distances that round (to metres) below its upper end. Elasticsearch measures
        # on stored points quantised to about a centimetre: see DISTANCE_BAND_CAVEAT.
        edges = [high - 0.0005 for _, high in DISTANCE_BANDS_KM if high is not None]
        ranges = [
            {"key": str(i), **({"from": edges[i - 1]} if i else {}), **({"to": edges[i]} if i < len(edges) else {})}
            for i in range(len(edges) + 1)
        ]
        point = {"lat": query.near.lat, "lon": query.near.lon}
        aggs["distance"] = {"geo_distance": {"field": "location", "origin": point, "unit": "km", "distance_type": "arc", "ranges": ranges}}
    return aggs


DISTANCE_BAND_CAVEAT = (
    "distance facet bands are counted by Elasticsearch's geo_distance aggregation (painless scripts in "
    "aggregations are not supported by osmem-server, and a script filter per band costs a script run per "
    "listing): a listing within about a centimetre of a band edge may be counted in the neighbouring band"
)
