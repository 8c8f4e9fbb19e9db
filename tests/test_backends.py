"""One contract suite, run on every backend with the same fixture data.

The memory backend is the brute-force reference; the SQLite backend must agree with it exactly
(same ids, same order, same scores, same totals and facets).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from directory.backends.memory import MemoryBackend
from directory.backends.sqlite import SCHEMA_VERSION, SQLiteBackend
from directory.errors import BackendError
from directory.search_service import SearchParams, build_query
from tests.conftest import TODAY
from tests.factories import listing, population

QUERIES = [
    SearchParams(condition="sciatica", near="78704"),
    SearchParams(condition="sciatica", near="78704", license_status="any"),
    SearchParams(condition="sciatica"),
    SearchParams(near="Austin, TX", radius_km=15),
    SearchParams(q="deep tissue for sciatica near Austin, TX"),
    SearchParams(condition="M54.30", near="30.2672,-97.7431"),
    SearchParams(modality=["trigger point therapy"], near="78704"),
    SearchParams(condition="sciatica", near="77002", radius_km=10),
    SearchParams(condition="carpel tunnel", near="78704"),
    SearchParams(),
    SearchParams(q="deep tissue for sciatica near 78704"),
    SearchParams(near="78704", certification=["bctmb"], min_years=5),
]


@pytest.fixture(params=["memory", "sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def backend(request: pytest.FixtureRequest, tmp_path: Path, vocab):
    if request.param == "memory":
        be = MemoryBackend(vocab)
    elif request.param == "sqlite":
        be = SQLiteBackend(tmp_path / "index.db", vocab)
    else:
        be = request.getfixturevalue("make_es")()
    be.replace_all(population(), {"built_for_date": TODAY.isoformat()})
    yield be
    be.close()


def run(be, vocab, params: SearchParams):
    query, _ = build_query(params, vocab, TODAY)
    return be.search(query)


def test_default_results_never_show_lapsed_or_disciplined_licences(backend, vocab) -> None:
    page = run(backend, vocab, SearchParams(condition="sciatica", near="78704", limit=100))
    ids = {hit.listing.id for hit in page.hits}
    assert "t_0004" not in ids  # expired yesterday, though the board row said active
    assert "t_0005" not in ids  # suspended
    assert {"t_0001", "t_0008", "t_0009", "t_0010"} <= ids
    assert page.total == len(page.hits)


def test_verified_only_and_min_fit_keep_verified_stated_specialists(backend, vocab) -> None:
    """The referral filters: a board-verified licence in force, and a condition fit of at least `min_fit`."""
    query, _ = build_query(SearchParams(condition="sciatica", near="78704", limit=100), vocab, TODAY)
    query.verified_only, query.min_fit = True, 0.85
    ids = {hit.listing.id for hit in backend.search(query).hits}
    # Not Joy (t_0010, unverified), Dan (t_0004, expired), Ben (t_0002, piriformis: related only), Cara (t_0003, technique only).
    assert ids == {"t_0001", "t_0008", "t_0009"}


def test_license_status_any_includes_them_with_their_real_status(backend, vocab) -> None:
    page = run(backend, vocab, SearchParams(condition="sciatica", near="78704", license_status="any", limit=100))
    by_id = {hit.listing.id: hit for hit in page.hits}
    assert {"t_0004", "t_0005"} <= set(by_id)
    assert page.facets["license_status"]["expired"] == 1
    assert page.facets["license_status"]["suspended"] == 1
    assert any("is expired: not verified" in why for why in by_id["t_0004"].why)


def test_specialist_outranks_related_and_modality_matches(backend, vocab) -> None:
    page = run(backend, vocab, SearchParams(condition="sciatica", near="78704", limit=100))
    order = [hit.listing.id for hit in page.hits]
    assert order[0] == "t_0001"  # specialty + verified + board certified + nearest
    assert order.index("t_0001") < order.index("t_0002")  # related condition (piriformis)
    assert order.index("t_0008") < order.index("t_0003")  # specialty beats a modality that serves it
    top = page.hits[0]
    assert top.why[0] == 'Lists sciatica as a specialty (practice website: "sciatica")'
    assert any(w.startswith("TX licence MT000001 active until 2027-12-31 (verified") for w in top.why)
    assert any(w.endswith("km away") for w in top.why)


def test_unverified_licence_ranks_below_identical_verified_one(backend, vocab) -> None:
    page = run(backend, vocab, SearchParams(condition="sciatica", near="78704", limit=100))
    scores = {hit.listing.id: hit.score for hit in page.hits}
    assert scores["t_0010"] < scores["t_0008"] or scores["t_0010"] < scores["t_0001"]
    detail = next(h for h in page.hits if h.listing.id == "t_0010")
    assert any("not yet confirmed by a board source" in w for w in detail.why)


def test_radius_is_exact_and_total_counts_every_match(backend, vocab) -> None:
    page = run(backend, vocab, SearchParams(condition="sciatica", near="77002", radius_km=10, limit=1))
    assert page.total == 1 and page.hits[0].listing.id == "t_0006"
    assert page.hits[0].distance_km is not None and page.hits[0].distance_km <= 10
    wide = run(backend, vocab, SearchParams(near="Austin, TX", radius_km=15, limit=1))
    assert wide.total == 7 and wide.next_cursor is not None  # the Austin listings in force


def test_cursor_pages_through_ties_without_gaps_or_repeats(backend, vocab) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        query, _ = build_query(SearchParams(condition="sciatica", limit=2, cursor=cursor, license_status="any"), vocab, TODAY)
        page = backend.search(query)
        seen += [hit.listing.id for hit in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            break
    full = run(backend, vocab, SearchParams(condition="sciatica", limit=100, license_status="any"))
    assert seen == [hit.listing.id for hit in full.hits]
    assert len(seen) == len(set(seen)) == full.total
    twins = [hit.score for hit in full.hits if hit.listing.id in ("t_0008", "t_0009")]
    assert twins[0] == twins[1]  # a real tie, broken by id
    assert seen.index("t_0008") < seen.index("t_0009")


def test_facets_count_the_whole_result_set(backend, vocab) -> None:
    page = run(backend, vocab, SearchParams(near="78704", limit=1))
    assert sum(page.facets["distance_km"].values()) == page.total
    assert page.facets["modality"]["deep_tissue_massage"] == 2


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: repr(p)[:60])
def test_sqlite_agrees_with_the_reference_backend(tmp_path: Path, vocab, params: SearchParams) -> None:
    memory = MemoryBackend(vocab)
    sqlite = SQLiteBackend(tmp_path / "index.db", vocab)
    for be in (memory, sqlite):
        be.replace_all(population())
    a, b = run(memory, vocab, params), run(sqlite, vocab, params)
    assert [(h.listing.id, h.score, h.distance_km, h.why) for h in a.hits] == [
        (h.listing.id, h.score, h.distance_km, h.why) for h in b.hits
    ]
    assert (a.total, a.facets, a.next_cursor) == (b.total, b.facets, b.next_cursor)


def test_get_returns_the_stored_listing(backend) -> None:
    original = population()[0]
    assert backend.get("t_0001") == original
    assert backend.get("nope") is None
    assert backend.all_ids() == sorted(item.id for item in population())


def _certified(listing_id: str, name: str, expires_on: date | None):
    """A listing near 78704 holding BCTMB and CNMT (which qualifies for myofascial pain), both expiring on `expires_on`."""
    held = listing(listing_id, name, "78704", [], ["deep_tissue_massage"], certifications=["bctmb", "cnmt"])
    for cert in held.certifications:
        cert.issuer, cert.expires_on = "NCBTMB" if cert.id == "bctmb" else "NMT Center", expires_on
    return held


def test_an_expired_certification_earns_nothing_and_is_never_shown_as_held(backend, vocab) -> None:
    expired = _certified("t_0101", "Eve Expired Certs", date(2026, 8, 24))  # before TODAY (2026-11-23)
    current = _certified("t_0102", "Fay Current Certs", date(2027, 8, 24))
    lifelong = _certified("t_0103", "Gus No Expiry", None)
    plain = listing("t_0104", "Hal No Certs", "78704", [], ["deep_tissue_massage"])
    backend.replace_all([expired, current, lifelong, plain], {"built_for_date": TODAY.isoformat()})

    everyone = {h.listing.id: h for h in run(backend, vocab, SearchParams(near="78704", modality=["neuromuscular therapy"])).hits}
    everyone |= {h.listing.id: h for h in run(backend, vocab, SearchParams(near="78704", limit=100)).hits}
    assert everyone["t_0101"].score == everyone["t_0104"].score < everyone["t_0102"].score == everyone["t_0103"].score
    assert not [line for line in everyone["t_0101"].why if line.startswith("Certified:")]
    assert "Certified: BCTMB (NCBTMB)" in everyone["t_0102"].why and "Certified: BCTMB (NCBTMB)" in everyone["t_0103"].why

    by_cert = run(backend, vocab, SearchParams(near="78704", certification=["BCTMB"]))
    assert {h.listing.id for h in by_cert.hits} == {"t_0102", "t_0103"}
    assert by_cert.facets["certification"].get("bctmb") == 2
    fit = run(backend, vocab, SearchParams(condition="myofascial pain syndrome", near="78704", limit=100))
    fits = {h.listing.id: h for h in fit.hits}  # all offer deep tissue massage, a technique for it
    assert fits["t_0101"].score == fits["t_0104"].score < fits["t_0102"].score == fits["t_0103"].score
    assert fits["t_0101"].why[0].startswith("Offers deep tissue") and fits["t_0102"].why[0].startswith("Holds Certified Neuromuscular")

    stored = backend.get("t_0101")  # the page still lists it, with its expiry
    assert stored is not None and [c.expires_on for c in stored.certifications] == [date(2026, 8, 24)] * 2


# SQLite specifics ----------------------------------------------------------------------------


def test_a_failed_rebuild_leaves_the_previous_index_serving(tmp_path: Path, vocab) -> None:
    be = SQLiteBackend(tmp_path / "index.db", vocab)
    be.replace_all(population())

    def exploding():
        yield listing("t_9999", "New Person", "78704", ["sciatica"])
        raise RuntimeError("crawl file truncated")

    with pytest.raises(RuntimeError):
        be.replace_all(exploding())
    assert be.get("t_9999") is None and be.get("t_0001") is not None
    assert [p.name for p in tmp_path.iterdir()] == ["index.db"]  # no half-built file left behind


def test_readers_see_a_rebuild_once_it_is_swapped_in(tmp_path: Path, vocab) -> None:
    reader = SQLiteBackend(tmp_path / "index.db", vocab)
    SQLiteBackend(tmp_path / "index.db", vocab).replace_all(population())
    assert reader.get("t_9999") is None
    SQLiteBackend(tmp_path / "index.db", vocab).replace_all([*population(), listing("t_9999", "New Person", "78704")])
    assert reader.get("t_9999") is not None


def test_a_missing_or_foreign_index_is_a_clear_error(tmp_path: Path, vocab) -> None:
    with pytest.raises(BackendError, match="no index at .*run `therapists index` first"):
        SQLiteBackend(tmp_path / "missing.db", vocab).all_ids()
    import sqlite3

    sqlite3.connect(tmp_path / "old.db").execute("PRAGMA user_version = 0").close()
    with pytest.raises(BackendError, match=f"schema version 0, this program needs {SCHEMA_VERSION}"):
        SQLiteBackend(tmp_path / "old.db", vocab).all_ids()


def test_expiry_is_checked_when_serving_not_only_when_indexing(tmp_path: Path, vocab) -> None:
    be = SQLiteBackend(tmp_path / "index.db", vocab)
    be.replace_all([listing("t_0001", "Ana", "78704", ["sciatica"], expires_on=date(2027, 1, 31))])
    before, _ = build_query(SearchParams(condition="sciatica"), vocab, date(2027, 1, 31))
    after, _ = build_query(SearchParams(condition="sciatica"), vocab, date(2027, 2, 1))
    assert be.search(before).total == 1
    assert be.search(after).total == 0


def test_sqlite_agrees_with_the_reference_backend_on_a_dense_national_sample(tmp_path: Path, vocab) -> None:
    """Thousands of listings in a few metros: near-ties everywhere, pages reached through cursors."""
    from bench.search_bench import _params, query_mix, synthetic_listings

    listings = synthetic_listings(4_000, seed=3)
    memory, sqlite = MemoryBackend(vocab), SQLiteBackend(tmp_path / "index.db", vocab)
    for be in (memory, sqlite):
        be.replace_all(listings)
    for _, raw in query_mix(seed=8)[:40]:
        cursors: list[str | None] = [None, None]
        for _page in range(3):
            pages = []
            for i, be in enumerate((memory, sqlite)):
                params = _params(raw)
                params.cursor = cursors[i]
                pages.append(run(be, vocab, params))
            a, b = pages
            assert [(h.listing.id, h.score, h.distance_km) for h in a.hits] == [(h.listing.id, h.score, h.distance_km) for h in b.hits], raw
            assert (a.total, a.facets, a.next_cursor) == (b.total, b.facets, b.next_cursor), raw
            if a.next_cursor is None:
                break
            cursors = [a.next_cursor, b.next_cursor]


def test_chord_distances_agree_with_the_haversine_distances_to_the_metre() -> None:
    import numpy as np

    from directory.backends.columnar import chord_distances_km, unit_vectors
    from directory.geo import distance_km

    rng = np.random.default_rng(7)
    lat = np.concatenate([30.27 + rng.normal(0, 0.3, 20_000), rng.uniform(-60, 70, 5_000)])
    lon = np.concatenate([-97.74 + rng.normal(0, 0.3, 20_000), rng.uniform(-180, 180, 5_000)])
    lat[:3], lon[:3] = 30.27, -97.74  # the centre itself: zero distance
    vector = chord_distances_km(unit_vectors(lat, lon), np.arange(len(lat)), 30.27, -97.74)
    exact = np.array([distance_km(30.27, -97.74, float(a), float(b)) for a, b in zip(lat, lon, strict=True)])
    assert np.all(np.abs(vector - exact) <= 0.0010001)
    assert np.mean(vector == exact) > 0.999  # differing only where a value sits on a metre boundary
    assert vector[0] == 0.0


def test_a_search_box_crossing_the_antimeridian_finds_listings_on_both_sides(tmp_path: Path, vocab) -> None:
    adak = listing("t_0100", "Ada Kessler", "99546", conditions=["sciatica"], state="AK")  # 51.9 N, 176.6 W
    memory, sqlite = MemoryBackend(vocab), SQLiteBackend(tmp_path / "index.db", vocab)
    for be in (memory, sqlite):
        be.replace_all([*population(), adak])
    params = SearchParams(condition="sciatica", near="52.0,179.5", radius_km=400)  # west of the antimeridian
    a, b = run(memory, vocab, params), run(sqlite, vocab, params)
    assert [h.listing.id for h in a.hits] == [h.listing.id for h in b.hits] == ["t_0100"]
    assert a.total == b.total == 1


def test_name_search_is_nickname_and_typo_tolerant(backend, vocab) -> None:
    from tests.factories import listing

    people = [
        listing("t_000000000101", "Jennifer M. Alvarez", "78704"),
        listing("t_000000000102", "Jennifer Alvarado", "78704"),
        listing("t_000000000103", "José Peña", "78704"),
    ]
    be = backend
    be.replace_all(people)
    for params, expected in [
        (SearchParams(q="Jenny Alvarez"), ["t_000000000101"]),
        (SearchParams(name="jenifer alvares", near="Austin"), ["t_000000000101"]),
        (SearchParams(name="JOSE PENA"), ["t_000000000103"]),
        (SearchParams(name="Alvarado"), ["t_000000000102"]),
    ]:
        assert [h.listing.id for h in run(be, vocab, params).hits] == expected, params
