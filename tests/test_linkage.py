"""Record linkage, judged on the labelled set written before tuning (tests/data/linkage)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import combinations

import numpy as np
import pytest

from bench.linkage_eval import evaluate, labelled_records
from bench.synthetic_raw import write_raw
from directory.models import License, Location
from directory.vocabulary import get_vocabulary
from indexer import candidates, linkage_score
from indexer.build import IndexReport, read_source_records
from indexer.candidates import LinkRows
from indexer.extract import SourceRecord
from indexer.link_record import LinkRecord
from indexer.linkage import (
    FLOOR,
    blocking_keys,
    compound_surnames,
    edges_of,
    link,
    link_records,
    listing_id,
    name_licence_counts,
    record_blocking_keys,
)
from indexer.linkage_score import (
    CERTAIN,
    IMPOSSIBLE,
    MATCH_THRESHOLD,
    REVIEW_THRESHOLD,
    features,
    pair_score,
    score_features,
)
from indexer.normalize import NICKNAMES, parse_person_name


def record(key: str, name: str, **fields) -> SourceRecord:
    parsed = parse_person_name(name)
    assert parsed is not None
    return SourceRecord(
        key=key, source="s", kind="cert_roster", url="u", fetched_at=datetime(2026, 11, 20, tzinfo=UTC), name=parsed, **fields
    )


def test_pairwise_precision_and_recall_on_the_labelled_set() -> None:
    quality = evaluate()
    assert quality.records >= 300
    assert quality.precision >= 0.98, quality.false_joins[:10]
    assert quality.recall >= 0.98, quality.missed[:10]


def test_records_that_fit_two_people_go_to_review_not_into_a_listing() -> None:
    records, person_of = labelled_records()
    report = link(records)
    reviewed = {key for pair in report.review for key in (pair.a, pair.b)}
    # The roster's David Nguyen (Houston, no middle name) could be either David Nguyen in Houston.
    nguyen = next(r.key for r in records if r.key.startswith("roster:") and r.name.last == "Nguyen" and r.name.first == "David")
    assert nguyen in reviewed
    cluster = next(c for c in report.clusters if any(r.key == nguyen for r in c))
    assert len(cluster) == 1
    assert all(pair.score < CERTAIN for pair in report.review)


def test_identifiers_decide_and_conflicts_forbid() -> None:
    a = record("a", "Maria Garcia", npi="1234567893", state="TX", city="Houston")
    b = record("b", "Maria Garcia", npi="1234567893", state="TX")
    c = record("c", "Maria Garcia", npi="1999999999", state="TX", city="Houston")
    assert pair_score(a, b)[0] == CERTAIN
    assert pair_score(a, c) == (IMPOSSIBLE, "different NPIs")
    lic_a = replace(a, npi=None, licenses=[License(state="TX", number="MT000111")])
    lic_c = replace(c, npi=None, licenses=[License(state="TX", number="MT000222")])
    assert pair_score(lic_a, lic_c) == (IMPOSSIBLE, "different licence numbers in one state")
    senior, junior = record("s", "Robert Thompson Sr.", state="TX"), record("j", "Robert Thompson Jr.", state="TX")
    assert pair_score(senior, junior) == (IMPOSSIBLE, "different generational suffixes")


def test_nicknames_typos_and_hyphens_still_match() -> None:
    place = Location(city="Austin", state="TX", postal_code="78704")
    board = record("b", "ALVARADO, JENNIFER MARIE", state="TX", city="Austin", location=place, phone="+15125550100")
    site = record("s", "Jenny Alvarado", state="TX", city="Austin", location=place, phone="+15125550100")
    typo = record("t", "Jenifer Alvarado", state="TX", city="Austin")
    hyphen = record("h", "Ana Peña-Ruiz", state="TX", city="Austin")
    spaced = record("p", "ANA PENA RUIZ", state="TX", city="Austin")
    assert pair_score(board, site)[0] >= MATCH_THRESHOLD
    assert pair_score(board, typo)[0] >= MATCH_THRESHOLD
    assert pair_score(hyphen, spaced)[0] >= MATCH_THRESHOLD
    assert pair_score(record("x", "Mario Bianchi", state="FL"), record("y", "Marco Bianchi", state="FL"))[0] < MATCH_THRESHOLD


ISSUE_NICKNAMES = [("Ben", "Benjamin"), ("Jimmy", "James"), ("Tony", "Anthony"), ("Steph", "Stephanie"), ("Becky", "Rebecca")]


@pytest.mark.parametrize(("nickname", "formal"), ISSUE_NICKNAMES)
def test_a_nickname_from_the_maintained_table_links_to_its_formal_name(nickname: str, formal: str) -> None:
    # The pairs come from the `nicknames` package, not the hand table that covers its gaps.
    assert nickname.lower() not in NICKNAMES
    board = record("b", f"OKAFOR, {formal.upper()}", state="TX", city="Austin")
    site = record("s", f"{nickname} Okafor", state="TX")  # a practice page naming neither city nor phone
    assert pair_score(board, site)[0] >= MATCH_THRESHOLD
    # Blocking puts the pair together although the initials may differ (Becky/Rebecca, Tony/Anthony),
    # and array scoring keeps it.
    rows = LinkRows([LinkRecord.of(board), LinkRecord.of(site)], {})
    ((first, second),) = list(rows.pair_chunks())
    assert (first.tolist(), second.tolist()) == ([0], [1])
    assert rows.scores(first, second, REVIEW_THRESHOLD)[0].tolist() == [0]
    assert [len(c) for c in link([board, site]).clusters] == [2]


def test_a_nickname_of_several_names_agrees_with_each_but_not_with_unrelated_ones() -> None:
    will = record("w", "Will Brennan", state="FL")
    for formal in ("William", "Wilfred", "Wilbur"):
        assert pair_score(will, record("f", f"{formal} Brennan", state="FL"))[0] >= MATCH_THRESHOLD
    # The package does not know "Will" for Guillermo; the name alone does not link them.
    assert pair_score(will, record("g", "Guillermo Brennan", state="FL"))[0] < MATCH_THRESHOLD
    # Two nicknames of one name do not (the package lists "bill" under Robert and William alike),
    # nor do names that are merely alike.
    assert pair_score(record("r", "Robert Brennan", state="FL"), record("i", "William Brennan", state="FL"))[0] < REVIEW_THRESHOLD
    assert pair_score(record("d", "Daniel Brennan", state="FL"), record("e", "Danielle Brennan", state="FL"))[0] < MATCH_THRESHOLD
    # Someone who goes by the nickname of their middle name.
    by_middle = pair_score(record("j", "J. Michael Sutton", state="FL"), record("m", "Mike Sutton", state="FL"))
    assert by_middle[0] == round(linkage_score.WEIGHTS.first_name * linkage_score.WEIGHTS.first_is_middle + 0.45, 4)


def test_a_record_a_nickname_and_the_exact_name_both_fit_goes_to_review() -> None:
    roster = record("r", "Elizabeth Perry", state="FL", city="Tampa")
    exact = record("e", "Elizabeth Ann Perry", state="FL", city="Tampa", licenses=[License(state="FL", number="MT1")])
    nickname = record("n", "Lisa Perry", state="FL", city="Tampa", licenses=[License(state="FL", number="MT2")])
    # Alone with either, the roster entry joins it (a nickname weighs a little less than the name).
    assert [len(c) for c in link([roster, exact]).clusters] == [2]
    assert [len(c) for c in link([roster, nickname]).clusters] == [2]
    # With both, it could be either person: an admin decides.
    report = link([roster, exact, nickname])
    assert [len(c) for c in report.clusters] == [1, 1, 1]
    assert {frozenset((p.a, p.b)) for p in report.review} >= {frozenset(("r", "e")), frozenset(("r", "n"))}


def test_listing_ids_are_stable_whatever_the_record_order() -> None:
    records, _ = labelled_records()
    forward = sorted(listing_id(c) for c in link(records).clusters)
    backward = sorted(listing_id(c) for c in link(list(reversed(records))).clusters)
    assert forward == backward


def _rows(records: list[SourceRecord]) -> LinkRows:
    links = [LinkRecord.of(rec) for rec in records]
    return LinkRows(links, name_licence_counts(links))


def _array_scores_are_exact(rows: LinkRows, first: np.ndarray, second: np.ndarray) -> int:
    """`LinkRows.scores` keeps exactly the pairs `score_features` scores CERTAIN or at least FLOOR, with
    the same score; returns how many pairs it dropped."""
    kept, scores = rows.scores(first, second, FLOOR)
    got = dict(zip(kept.tolist(), scores.tolist(), strict=True))
    feats = [rows.features(i) for i in range(len(rows))]
    for i, (a, b) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
        score, reason = score_features(feats[a], feats[b])
        if score == CERTAIN or score >= FLOOR:
            assert got.pop(i) == score, (rows.rows[a].key, rows.rows[b].key, score, reason)
    assert not got, "kept pairs exact scoring drops"
    return len(first) - len(kept)


def test_array_scores_equal_exact_scores_on_every_pair_of_the_labelled_set() -> None:
    records, _ = labelled_records()
    pairs = np.array(list(combinations(range(len(records)), 2)))
    dropped = _array_scores_are_exact(_rows(records), pairs[:, 0], pairs[:, 1])
    assert dropped > len(pairs) * 0.9  # and it does drop the hopeless pairs


def _string_blocking_keys(rec: LinkRecord, name_licences: int) -> set[str]:
    """The blocking keys as strings, as `LinkRows.blocking_keys` documents them (the test's oracle)."""
    f = features(rec, name_licences)
    keys = {f"npi:{f.npi}"} if f.npi else set()
    keys |= {f"lic:{k}" for k in f.licenses}
    if f.phone:
        keys.add(f"ph:{f.phone}:{f.last_key}")
    if f.first_key and 0 < f.name_licences <= linkage_score.WEIGHTS.rare_name_licences:
        keys.add(f"rare:{f.first_key}:{f.last_key}")
    for state in f.states:
        keys |= {f"ln:{state}:{f.last_key}:{initial}" for initial in rec.name.initials | {g[:1] for g in f.first_names}}
        for given in f.first_names:
            if f.city:
                keys.add(f"fc:{state}:{given}:{f.city}:{f.last_key[:3]}")
            keys |= {f"fn:{state}:{given}:{extra}" for extra in (f.phone, f.zip) if extra}
        keys |= {f"lx:{state}:{f.last_key}:{extra}" for extra in (f.phone, f.zip) if extra}
    return keys


def test_hashed_blocks_pair_exactly_the_records_that_share_a_key_at_national_shape(tmp_path, monkeypatch) -> None:
    write_raw(tmp_path / "raw", 4_000)
    records = read_source_records(tmp_path / "raw", get_vocabulary(), date(2026, 11, 23), IndexReport(), [], False)
    rows = _rows(records)
    monkeypatch.setattr(candidates, "CHUNK_PAIRS", 5_000)  # many chunks, blocks split between them
    chunks = list(rows.pair_chunks())
    assert len(chunks) > 3
    found = {(a, b) for first, second in chunks for a, b in zip(first.tolist(), second.tolist(), strict=True)}
    members: dict[str, list[int]] = {}
    for i, rec in enumerate(rows.rows):
        for key in _string_blocking_keys(rec, int(rows.nl[i])):
            members.setdefault(key, []).append(i)
    expected = {pair for block in members.values() for pair in combinations(block, 2)}
    assert found == expected
    # A record's own keys, as an incremental build would store them, pair it the same way.
    stored = {i: set(blocking_keys(rec, int(rows.nl[i]))) for i, rec in enumerate(rows.rows[:500])}
    assert {(a, b) for a, b in combinations(range(500), 2) if stored[a] & stored[b]} == {(a, b) for a, b in expected if b < 500}
    first = np.array([a for a, _ in sorted(found)])
    second = np.array([b for _, b in sorted(found)])
    assert _array_scores_are_exact(rows, first, second) > 0


def test_blocking_keys_are_the_same_in_every_process() -> None:
    rec = LinkRecord.of(record("a", "Rebecca Okafor", state="TX", city="Austin", phone="+15125550100", npi="1234567893"))
    script = (
        "from datetime import UTC, datetime; from indexer.extract import SourceRecord; from indexer.link_record import LinkRecord;"
        "from indexer.linkage import blocking_keys; from indexer.normalize import parse_person_name;"
        "r = SourceRecord(key='a', source='s', kind='cert_roster', url='u', fetched_at=datetime(2026, 11, 20, tzinfo=UTC),"
        " name=parse_person_name('Rebecca Okafor'), state='TX', city='Austin', phone='+15125550100', npi='1234567893');"
        "print(blocking_keys(LinkRecord.of(r), 1))"
    )
    import os
    import subprocess
    import sys

    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}
        )
        assert out.stdout.strip() == str(blocking_keys(rec, 1))
    keys = blocking_keys(rec, 1)
    assert len(keys) == len(_string_blocking_keys(rec, 1)) and all(-(2**63) <= k < 2**63 for k in keys)


@pytest.mark.parametrize(
    "retuned",
    [
        {"phone": 0.45},
        {"zip": 0.35, "other_city": 0.0},
        {"first_initial": 0.95, "first_prefix": 0.6},
        {"last_contained": 1.0, "last_typo_ratio": 70},
    ],
    ids=["phone", "place", "given names", "surnames"],
)
def test_array_scores_follow_a_retuned_score(retuned: dict[str, float], monkeypatch: pytest.MonkeyPatch) -> None:
    """The arrays read the weights exact scoring reads: retune one and they still agree with it."""
    records, _ = labelled_records()
    pairs = np.array(list(combinations(range(len(records)), 2)))
    rows = _rows(records)
    kept_before = set(rows.scores(pairs[:, 0], pairs[:, 1], FLOOR)[0].tolist())
    monkeypatch.setattr(linkage_score, "WEIGHTS", replace(linkage_score.WEIGHTS, **retuned))
    _array_scores_are_exact(rows, pairs[:, 0], pairs[:, 1])
    assert set(rows.scores(pairs[:, 0], pairs[:, 1], FLOOR)[0].tolist()) != kept_before  # the retuning mattered


def test_link_records_on_link_records_gives_what_link_gives_on_source_records() -> None:
    records, _ = labelled_records()
    sample = records[::2] + records[1::4]
    report = link(sample, must_link=[(sample[0].key, sample[1].key)], cannot_link=[(sample[2].key, sample[3].key)])
    links = [LinkRecord.of(rec) for rec in sample]
    linkage = link_records(links, [(sample[0].key, sample[1].key)], [(sample[2].key, sample[3].key)])
    assert [[sample[i].key for i in c] for c in linkage.clusters] == [[r.key for r in c] for c in report.clusters]
    assert (linkage.ids, linkage.refused_joins, linkage.review) == (report.ids, report.refused_joins, report.review)
    assert all(c == sorted(c) for c in linkage.clusters)
    # Counts given for the whole build, here the sample itself, change nothing.
    same = link_records(
        links,
        [(sample[0].key, sample[1].key)],
        [(sample[2].key, sample[3].key)],
        name_licences=name_licence_counts(links),
        surnames={r.name.last_key for r in links},
    )
    assert (same.clusters, same.ids, same.review) == (linkage.clusters, linkage.ids, linkage.review)
    # Every join rests on an edge: each cluster's records are connected by edges (or the admin's merge).
    i, j, score = linkage.edges
    assert (i < j).all() and (score >= FLOOR).all()
    parent = list(range(len(links)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    joined = {(a, b) for c in linkage.clusters for a in c for b in c if a < b}
    for a, b in [*zip(i.tolist(), j.tolist(), strict=True), (0, 1)]:
        if (a, b) in joined:
            parent[find(a)] = find(b)
    assert all(len({find(x) for x in c}) == 1 for c in linkage.clusters)


def test_edges_of_some_records_are_link_records_edges_touching_them() -> None:
    """What an incremental re-index scores for its dirty records: only their pairs, the same edges."""
    records, _ = labelled_records()
    links = [LinkRecord.of(rec) for rec in records]
    surnames = {r.name.last_key for r in links}
    counts = name_licence_counts(compound_surnames(links, surnames))
    linkage = link_records(links, name_licences=counts, surnames=surnames)
    among = set(range(0, len(links), 7))
    everything = {(a, b): s for a, b, s in zip(*(part.tolist() for part in linkage.edges), strict=True)}
    touching = {pair: s for pair, s in everything.items() if pair[0] in among or pair[1] in among}
    got = {(a, b): s for a, b, s in zip(*(part.tolist() for part in edges_of(links, among, counts, surnames)), strict=True)}
    assert got == touching and len(touching) > 20
    # Refused joins are told by record, as many as counted.
    assert len(linkage.refused_at) == linkage.refused_joins
    # A record's blocking keys over all its names: its own name's are `blocking_keys`' after compound surnames.
    keys = record_blocking_keys(links, counts, surnames)
    for rec, linked, found in zip(links, compound_surnames(links, surnames), keys, strict=True):
        own = set(blocking_keys(linked, counts.get((linked.name.first_key, linked.name.last_key), 0)))
        assert own <= set(found)
        assert (own == set(found)) or rec.other_names


def test_linking_nothing_or_strangers_gives_one_listing_each() -> None:
    assert link([]).clusters == []
    strangers = [record("a", "Ana Ruiz", state="TX"), record("b", "Omar Haddad", state="FL")]
    report = link(strangers)
    assert [[r.key for r in c] for c in report.clusters] == sorted(
        [["a"], ["b"]], key=lambda c: listing_id([r for r in strangers if r.key == c[0]])
    )


def _licensed(key: str, name: str, state: str, number: str, status: str, city: str) -> SourceRecord:
    from directory.models import LicenseStatus

    lic = License(state=state, number=number, status=LicenseStatus(status), source="board")
    return record(key, name, licenses=[lic], state=state, city=city)


def test_a_rare_name_links_across_states_only_where_a_licence_was_left_to_lapse() -> None:
    left = _licensed("fl:1", "Amara Grace Okafor", "FL", "MA10001", "expired", "Miami")
    moved = _licensed("tx:1", "Amara Grace Okafor", "TX", "MT10001", "active", "Austin")
    assert len(link([left, moved]).clusters) == 1  # a person who moved

    namesake = _licensed("ca:1", "Amara Grace Okafor", "CA", "10001", "active", "Sacramento")
    report = link([moved, namesake])  # both practising: two people of one name, or one? people decide
    assert len(report.clusters) == 2 and len(report.review) == 1


def test_a_common_name_never_links_across_states_on_the_name_alone() -> None:
    records = [
        _licensed("fl:1", "Maria Garcia", "FL", "MA20001", "expired", "Miami"),
        _licensed("tx:1", "Maria Garcia", "TX", "MT20001", "active", "Austin"),
        _licensed("tx:2", "Maria Garcia", "TX", "MT20002", "active", "Houston"),
    ]
    report = link(records)
    # Three licences under one name: the name alone says little, so across states they are not
    # even compared (nationally such a block would pair every John Smith with every other).
    assert len(report.clusters) == 3
    assert not any({r.a, r.b} == {"fl:1", "tx:1"} for r in report.review)
