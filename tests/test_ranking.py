"""The ranking is defined once (`directory/ranking.py`): it matches what docs/ranking.md says, and
every backend ranks through it, on random listings and random queries."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.backends.memory import MemoryBackend
from directory.backends.sqlite import SQLiteBackend
from directory.geo import Place
from directory.models import Certification, Evidence, License, LicenseStatus, Listing, Location, SourceRef
from directory.query import Cursor, SearchQuery
from directory.ranking import BOARD_CERTIFICATION, Candidate, Fit, distance_error_bound, score
from directory.search_service import SearchParams, build_query
from directory.vocabulary import get_vocabulary
from tests.conftest import TODAY
from tests.factories import FETCHED

VOCAB = get_vocabulary()
CONDITIONS = ["sciatica", "carpal_tunnel_syndrome", "piriformis_syndrome", "migraine", "fibromyalgia", "tension_headache"]
MODALITIES = ["deep_tissue_massage", "trigger_point_therapy", "myofascial_release", "neuromuscular_therapy", "craniosacral_therapy"]
CERTIFICATIONS = ["bctmb", *sorted(c for c in VOCAB.terms["certification"] if c != "bctmb")[:3]]
CENTRE = (30.2672, -97.7431)  # Austin


def documented_score(cand: Candidate, query: SearchQuery, relevant: frozenset[str]) -> float:
    """docs/ranking.md §3, written out by hand."""
    parts: list[tuple[float, float]] = []
    if query.conditions:
        parts.append((0.45, cand.fit.score if cand.fit else 0.0))
    if query.wanted_modality_ids:
        parts.append((0.10, 1.0 if set(query.wanted_modality_ids) & set(cand.modality_ids) else 0.0))
    credentials = (0.6 if cand.verified else 0) + (0.2 if "bctmb" in cand.certification_ids else 0)
    credentials += 0.2 if relevant & set(cand.certification_ids) else 0
    parts.append((0.20, min(1.0, credentials)))
    parts.append((0.15, 1 - math.exp(-max(cand.years_experience or 0.0, 0.0) / 10)))
    if query.near is not None:
        parts.append((0.15, 0.5 ** ((cand.distance_km or 0.0) / 10)))
    parts.append((0.05, min(1.0, cand.source_kinds / 3)))
    value = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
    return value * (0.6 if cand.stale else 1.0)


candidates = st.builds(
    Candidate,
    id=st.just("t_x"),
    verified=st.booleans(),
    status=st.just("active"),
    years_experience=st.none() | st.floats(-2, 60),
    certification_ids=st.lists(st.sampled_from(CERTIFICATIONS), unique=True, max_size=3).map(tuple),
    modality_ids=st.lists(st.sampled_from(MODALITIES), unique=True, max_size=3).map(tuple),
    source_kinds=st.integers(1, 4),
    fit=st.none() | st.builds(Fit, st.floats(0, 1), st.just("specialty"), st.just("sciatica")),
    distance_km=st.floats(0, 500),
    stale=st.booleans(),
)


@given(
    cand=candidates,
    condition=st.booleans(),
    techniques=st.lists(st.sampled_from(MODALITIES), unique=True, max_size=2),
    near=st.booleans(),
    relevant=st.sets(st.sampled_from(CERTIFICATIONS[1:])),
)
def test_score_is_the_documented_weighted_mean(
    cand: Candidate, condition: bool, techniques: list[str], near: bool, relevant: set[str]
) -> None:
    params = SearchParams(condition="sciatica" if condition else None, modality=techniques, near="78704" if near else None)
    query, _ = build_query(params, VOCAB, TODAY)
    value = score(cand, query, frozenset(relevant))
    assert abs(value - documented_score(cand, query, frozenset(relevant))) <= 1e-6
    assert value == round(value, 6) and 0.0 <= value <= 1.0


def test_the_approximate_distance_bound_covers_a_metre_anywhere_on_the_proximity_curve() -> None:
    query = SearchQuery(near=Place(label="x", lat=CENTRE[0], lon=CENTRE[1]), today=TODAY)
    bound = distance_error_bound(query, 0.001)
    base = Candidate("t_x", True, "active", 12.0, (BOARD_CERTIFICATION,), (), 2, None, 0.0)
    for km in np.linspace(0, 60, 6001):
        a = score(Candidate(**{**vars(base), "distance_km": float(km)}), query, frozenset())
        b = score(Candidate(**{**vars(base), "distance_km": float(km) + 0.001}), query, frozenset())
        assert abs(a - b) <= bound
    assert distance_error_bound(SearchQuery(today=TODAY), 0.001) == 0.0  # no place, nothing approximate


# Every backend ranks alike: random listings, random queries, pages through cursors.


@st.composite
def listings(draw: st.DrawFn) -> list[Listing]:
    out = []
    for i in range(draw(st.integers(1, 40))):
        status = draw(st.sampled_from([LicenseStatus.active] * 4 + [LicenseStatus.expired, LicenseStatus.suspended]))
        expires = TODAY + timedelta(days=draw(st.integers(-30, 700)))
        issued = draw(st.none() | st.dates(date(1990, 1, 1), date(2026, 1, 1)))
        conditions = draw(st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=3))
        modalities = draw(st.lists(st.sampled_from(MODALITIES), unique=True, max_size=3))
        certs = draw(st.lists(st.sampled_from(CERTIFICATIONS), unique=True, max_size=2))
        # A few shared spots: equal distances and equal scores, ties broken by id.
        lat = CENTRE[0] + draw(st.sampled_from([0.0, 0.01, 0.05, 0.2, 0.6]) | st.floats(-0.5, 0.5))
        lon = CENTRE[1] + draw(st.sampled_from([0.0, 0.01, 0.05, 0.2]) | st.floats(-0.5, 0.5))
        seen = FETCHED - timedelta(days=draw(st.sampled_from([0, 10, 400, 800])))
        evidence = [Evidence(term=c, kind="condition", text=c, source="s", source_kind="profile_site") for c in conditions]
        evidence += [Evidence(term=m, kind="modality", text=m, source="s", source_kind="profile_site") for m in modalities]
        kinds = draw(st.lists(st.sampled_from(["license_csv", "profile_site", "nppes", "cert_roster"]), unique=True, min_size=1))
        out.append(
            Listing(
                id=f"t_{draw(st.integers(0, 9)) * 1000 + i:05d}",  # ids not in insertion order
                name=f"Person {i}",
                licenses=[
                    License(
                        state="TX",
                        number=f"MT{i:06d}",
                        status=status,
                        verified=status == LicenseStatus.active and draw(st.booleans()),
                        issued_on=issued,
                        expires_on=expires,
                        source="board",
                    )
                ],
                certifications=[Certification(name=c, id=c) for c in certs],
                modalities=modalities,
                conditions=conditions,
                evidence=evidence,
                years_experience=round((TODAY - issued).days / 365.25, 1) if issued else None,
                experience_basis="license" if issued else None,
                location=Location(city="Austin", state="TX", postal_code="78701", lat=lat, lon=lon),
                sources=[SourceRef(source=k, kind=k, url=f"http://127.0.0.1/{k}/{i}", fetched_at=seen) for k in kinds],
                last_seen=seen.date(),
            )
        )
    return out


queries = st.builds(
    SearchParams,
    condition=st.none() | st.sampled_from(CONDITIONS),
    modality=st.lists(st.sampled_from(MODALITIES), max_size=1),
    q=st.none() | st.sampled_from(["deep tissue", "trigger point for sciatica", "myofascial release pregnancy"]),
    near=st.none() | st.sampled_from(["30.2672,-97.7431", "30.3,-97.7", "78704"]),
    radius_km=st.none() | st.sampled_from([5.0, 20.0, 80.0]),
    license_status=st.sampled_from(["active", "any"]),
    limit=st.integers(1, 4),
    certification=st.lists(st.sampled_from(CERTIFICATIONS), max_size=1),
)


def pages(backend: MemoryBackend | SQLiteBackend, params: SearchParams) -> list[tuple]:
    """Every page of the search, through its cursors: ids, scores, distances, why, total, facets, cursor."""
    out, cursor = [], None
    for _ in range(100):
        query, _ = build_query(SearchParams(**{**vars(params), "cursor": cursor}), VOCAB, TODAY)
        page = backend.search(query)
        out.append(([(h.listing.id, h.score, h.distance_km, tuple(h.why)) for h in page.hits], page.total, page.facets, page.next_cursor))
        cursor = page.next_cursor
        if cursor is None:
            break
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(population=listings(), searches=st.lists(queries, min_size=1, max_size=4))
def test_every_backend_ranks_random_listings_alike(tmp_path: Path, population: list[Listing], searches: list[SearchParams]) -> None:
    unique = list({listing.id: listing for listing in population}.values())
    memory, sqlite = MemoryBackend(VOCAB), SQLiteBackend(tmp_path / "index.db", VOCAB)
    for backend in (memory, sqlite):
        backend.replace_all(unique)
    for params in searches:
        reference = pages(memory, params)
        assert pages(sqlite, params) == reference, params
        seen = [hit[0] for page in reference for hit in page[0]]
        assert len(seen) == len(set(seen)) == reference[0][1]  # every match once, none twice
        scores = [(-hit[1], hit[0]) for page in reference for hit in page[0]]
        assert scores == sorted(scores)  # by score, ties by id
    sqlite.close()


def test_a_cursor_whose_listing_left_the_index_resumes_right_after_it(tmp_path: Path) -> None:
    """The cursor names (score, id); when that id is gone the next id in order must not be skipped."""
    from tests.factories import listing

    twins = [listing(f"t_000{i}", f"Twin {i}", "78705", ["sciatica"]) for i in range(1, 5)]
    for backend in (MemoryBackend(VOCAB), SQLiteBackend(tmp_path / "index.db", VOCAB)):
        backend.replace_all(twins)
        query, _ = build_query(SearchParams(condition="sciatica", limit=1), VOCAB, TODAY)
        first = backend.search(query).hits[0]
        query.cursor = Cursor(first.score, "t_00015")  # between t_0001 and t_0002, not a listing
        assert [h.listing.id for h in backend.search(query).hits] == ["t_0002"]


def test_pages_stay_exact_when_the_fast_distances_are_off_by_up_to_the_bound(tmp_path: Path, monkeypatch) -> None:
    """The columnar index ranks by chord distances, which may round to another metre than
    `geo.distance_km` (far away; never seen within 500 km, but allowed for): here every fast
    distance is pushed up to a metre off, and paging, scores and distances must stay exact."""
    from directory.backends import columnar
    from tests.factories import listing

    rng = np.random.default_rng(5)
    fast = columnar.chord_distances_km

    def off_by_a_metre(*args: object) -> np.ndarray:
        distances = fast(*args)  # type: ignore[arg-type]
        return np.maximum(0.0, distances + rng.integers(-1, 2, len(distances)) * 0.001)

    monkeypatch.setattr(columnar, "chord_distances_km", off_by_a_metre)
    spots = CENTRE[0] + rng.normal(0, 0.05, 12), CENTRE[1] + rng.normal(0, 0.05, 12)
    placed = []
    for n in range(240):
        spot = n % 12  # twenty listings on each spot: equal distances, near-equal scores
        base = listing(f"t_{n:04d}", f"Person {n}", "78704", ["sciatica"] if n % 3 else [], issued_on=date(2010 + n % 4, 1, 1))
        location = base.location.model_copy(update={"lat": float(spots[0][spot]), "lon": float(spots[1][spot])})
        placed.append(base.model_copy(update={"location": location}))
    memory, sqlite = MemoryBackend(VOCAB), SQLiteBackend(tmp_path / "index.db", VOCAB)
    for backend in (memory, sqlite):
        backend.replace_all(placed)
    for params in (SearchParams(near="30.2672,-97.7431", limit=7), SearchParams(condition="sciatica", near="78704", limit=5)):
        reference = pages(memory, params)
        assert len(reference) > 20
        assert pages(sqlite, params) == reference
