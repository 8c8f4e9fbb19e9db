"""Splink (Fellegi-Sunter on DuckDB) on the labelled linkage set in tests/data/linkage/.

A comparison benchmark for the project's own linker (`bench/linkage_eval.py`). Splink is not a
project dependency; run this from a separate venv:

    python3.11 -m venv /tmp/splinkvenv && /tmp/splinkvenv/bin/pip install splink
    /tmp/splinkvenv/bin/pip install -e /work/main
    /tmp/splinkvenv/bin/python bench/linkage_splink.py [--model baseline|em|priors|all] [--quiet] [--scale 500]

Written against splink 5.0.0 / duckdb 2.0.0 with the splink 4 API (`Linker`, `SettingsCreator`,
`DuckDBAPI`, `block_on`, `splink.comparison_library`). Splink 5 takes tables registered with
`db_api.register(...)`; the input here is plain lists of dicts, so pandas is not needed.

Input
-----
Every line of the five source files goes through the project's extractor (`indexer.extract.extract`,
today = 2026-11-23), which gives exactly one `SourceRecord` per line. Each record becomes one flat row:
first_key (nickname-folded), middle_key / middle initial, last_key (accents, spaces, hyphens and
apostrophes folded), suffix_key, npi, licence_key (the record's one licence, or the one in its own
state when it has two) plus the licence_keys / licence_states arrays, phone (E.164), zip5 (practice
ZIP only), city (folded, 'St'/'Ft' spelled out), state. Nothing comes from the raw JSON that the
extractor does not also give the project's linker. Each source is registered as its own table and the
link type is `link_and_dedupe`, which gives splink a `source_dataset` column (needed for single-best-links
clustering). The numbers depend on the extractor in the working tree at run time.

Models (all trained without the labels; the labels are used only to score)
------
`baseline` - the textbook setup: `cl.NameComparison` on first_key and on last_key (exact + Jaro-Winkler
0.92/0.88/0.7), exact npi, exact licence_key, exact phone, and a ZIP-then-city location comparison;
no term-frequency adjustments. Blocking: (state, last_key), npi, licence_key, phone.

`em` - the same information, modelled the way this data needs. Each choice is generic
record-linkage practice, not fitted record by record to the labels:
  * first name: exact (term-frequency adjusted); "one record's first name is the other's middle name"
    (people who go by their middle name); Jaro-Winkler >= 0.92 and >= 0.80; initial-only agreement
    ('M Guadalupe'); else.
  * last name: exact (TF adjusted); Jaro-Winkler >= 0.92; one key contains the other (second surname
    or particle dropped); Jaro-Winkler >= 0.80; else.
  * middle initial and suffix as separate comparisons (a missing one is neutral).
  * licence: shares a key / different licence in the same state; missing OR no state in common counts
    as "null", because a TX and an FL licence is a two-state licensee as often as two people.
  * NPI: exact / different / missing.
  * phone exact with a term-frequency adjustment: a clinic's main phone is shared by all its staff, so
    a shared *common* phone is worth less than a shared personal one.
  * location: ZIP, else folded city exact, else city Jaro-Winkler >= 0.9, else different.
  Blocking: (state, last_key), npi, licence key (exploding the licence array), phone, and
  (state, first_key, city), which catches surname changes.

`priors` - `em` with the m-probabilities of four "evidence against" levels fixed from domain knowledge
(PRIOR_M: different licence in one state 0.02, different NPI 0.01, different suffix 0.01, different
middle initial 0.05). Plain EM cannot learn these here. Trap pairs (twins, Sr./Jr., colleagues sharing a
surname) fill the EM training blocks and end up in the "match" class. EM then gives a different licence
in one state only -1.0 bits and a different middle initial -1.4, gives different suffixes a *positive*
weight (+2.8), and leaves different NPIs untrained (weight 0). With the priors these become -5.6, -4.2,
-0.7 (u is small: few records have a suffix) and -6.6. Fixing m for the levels that say "not the same
person" is standard splink practice when you know them.

Training, the same for every model: lambda from a deterministic rule (shared licence key, assumed
recall 0.65); u by random sampling (max_pairs 1e6, more than the 73,920 possible pairs, seed 42); m by
EM on block_on("state", "last_key"), block_on("licence_key") and block_on("phone"). DuckDB runs with one
thread so float sums, and with them the output, are the same run to run.

Clustering and scoring
----------------------
Each model's predictions (match probability >= 0.01) are clustered at thresholds 0.5, 0.8, 0.9, 0.95
and 0.99 in two ways:
  * cc: `cluster_pairwise_predictions_at_threshold` (connected components, splink's default);
  * sbl: `cluster_using_single_best_links` with nppes, tx_board, fl_board and roster declared
    duplicate-free. Those sources list a person at most once: one NPI, one board row per licence, one
    roster row. Practice sites are not declared, because an old team page can stay online.
    ties_method="drop": an exact tie is not a decision.
The score is pairwise, as in bench/linkage_eval.py. A predicted pair is two records in one cluster; a
true pair is two records with the same person_id in truth.jsonl (426 pairs). For each clustering and
threshold the table reports clusters, predicted pairs, precision, recall and F1; the precision and
recall of the raw scored edges before clustering (edgeP / edgeR); and how many predicted pairs are
labelled traps (manifest.json). The "best" row is chosen by F1 on this same labelled set, so it is an
optimistic (oracle) choice; the table shows how sensitive the result is to that choice. The one
ambiguous-by-content record (roster.jsonl:30) stays in the score, and a second line shows the score
without it. After each table (unless --quiet) come: the best row's false joins by trap kind, its missed
pairs by the person's variant tags, and how many true pairs blocking never generated.

Where splink struggles on this data
----------------------------------
  * Connected components chain errors. One strong false edge (twins or a Sr./Jr. pair sharing a clinic
    phone and address, colleagues with one surname) merges two people's whole clusters. So cluster
    precision stays at 0.67-0.90 even when edge precision is 0.84-0.95. Single-best-links clustering
    with duplicate-free sources removes almost all of these errors.
  * Records with only a name and a city (the certification roster) cannot reach high probabilities:
    name + city is worth about as much as the prior against a match. Those records are what the
    0.95/0.99 thresholds lose. At low thresholds they link to same-name people (same_name_same_state,
    parent_child traps).
  * Pure EM learns wrong signs for the evidence-against levels (see `priors`).
  * People who go by their middle name while another record gives a nickname (John Michael Sutton /
    'Michael Sutton'), maiden vs married names with no shared identifier, and a two-state licensee
    whose records share nothing but the name are missed by every model.

Time ("splink_seconds") is wall clock for building the linker, training, predict, and clustering at
the best threshold. Extraction by the project's code is timed separately. `--scale N` replicates the rows
N times with a per-copy suffix on every blocking and exact-match identifier (last_key, npi, licences,
phone, city), so blocks stay the same size. It then times register + predict + connected components
for the trained model on that table. Single best links is skipped above SBL_MAX_RECORDS, because its
per-iteration SQL plans a nested-loop nodes x nodes join in splink 5.0 / duckdb 2.0 (quadratic). The
per-copy surnames are rarer than the originals, so term-frequency weights, and with them the cluster
counts, differ from the 385-record run; the scale-up is for timing only.

The last stdout line is JSON: {"splink_best_threshold", "splink_precision", "splink_recall",
"splink_f1", "splink_seconds", "records", "splink_model", "splink_clustering", "splink_version"},
for the `priors` model, or for the one model named by --model.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import duckdb
import splink
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_level_library import CustomLevel

from directory.raw import RawRecord
from directory.vocabulary import get_vocabulary
from indexer.extract import extract
from indexer.normalize import NICKNAMES, fold

LINKAGE_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "linkage"
FILES = ["nppes.jsonl", "tx_board.jsonl", "fl_board.jsonl", "sites.jsonl", "roster.jsonl"]
TODAY = date(2026, 11, 23)
THRESHOLDS = [0.5, 0.8, 0.9, 0.95, 0.99]
# Sources that list a person at most once (one NPI, one board row per licence, one roster row);
# practice sites are not (an old team page can stay online next to the new one).
DUPLICATE_FREE = ["nppes", "tx_board", "fl_board", "roster"]
SBL_MAX_RECORDS = 8000  # --scale: single-best-links clustering is quadratic (see scale_up)
SEED = 42

Pair = tuple[str, str]


# Input -----------------------------------------------------------------------------------------


def _city(text: str | None) -> str | None:
    if not text:
        return None
    city = re.sub(r"[^a-z ]", " ", fold(text))
    city = re.sub(r"^(st|ste)\s", "saint ", re.sub(r"\s+", " ", city).strip())
    city = re.sub(r"^ft\s", "fort ", city)
    return city or None


def _blank(value: str | None) -> str | None:
    return value if value else None


def load_rows() -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One flat row per labelled source record, and unique_id → person_id."""
    vocab = get_vocabulary()
    rows: list[dict[str, Any]] = []
    for file in FILES:
        for number, line in enumerate((LINKAGE_DIR / file).read_text(encoding="utf-8").splitlines(), 1):
            (rec,) = extract(RawRecord.from_json(json.loads(line)), vocab, TODAY)
            keys = sorted(rec.license_keys)
            own = [k for k in keys if rec.state and k.startswith(rec.state.upper() + ":")]
            middle = fold(rec.name.middle) if rec.name.middle else ""
            rows.append(
                {
                    "unique_id": f"{file.removesuffix('.jsonl')}:{number}",
                    "first_key": _blank(rec.name.first_key),
                    "middle_key": _blank(NICKNAMES.get(middle, middle)),
                    "middle_initial": _blank(middle[:1]),
                    "last_key": _blank(rec.name.last_key),
                    "suffix": _blank(rec.name.suffix_key),
                    "npi": rec.npi,
                    "licence_key": (own or keys or [None])[0],
                    "licence_keys": keys or None,
                    "licence_states": sorted({k.split(":")[0] for k in keys}) or None,
                    "phone": rec.phone,
                    "zip5": rec.location.postal_code if rec.location else None,
                    "city": _city(rec.city or (rec.location.city if rec.location else None)),
                    "state": (rec.state or (rec.location.state if rec.location else None) or "").upper() or None,
                    "source_kind": rec.kind,
                }
            )
    truth = {}
    for line in (LINKAGE_DIR / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        truth[f"{row['file'].removesuffix('.jsonl')}:{row['line']}"] = row["person_id"]
    assert len(truth) == len(rows) and set(truth) == {r["unique_id"] for r in rows}
    return rows, truth


# Models ----------------------------------------------------------------------------------------


def _level(sql: str, label: str, **options: Any) -> CustomLevel:
    level = CustomLevel(sql, label)
    return level.configure(**options) if options else level


def _null(*cols: str) -> CustomLevel:
    sql = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in cols)
    return _level(sql, "null", is_null_level=True)


def _else() -> CustomLevel:
    return _level("ELSE", "else")


# m-probabilities fixed from domain knowledge for the "evidence against" levels of the
# `priors` model (EM cannot learn these from this data: see the module docstring).
PRIOR_M = {
    "different licence, same state": 0.02,  # one licence per person per state; only typos differ
    "different npi": 0.01,  # one NPI per person
    "different suffix": 0.01,  # Sr. vs Jr., Jr. vs III
    "different middle initial": 0.05,  # a wrong or swapped middle name is rare
}


def _against(label: str, priors: bool) -> CustomLevel:
    """The ELSE level of a comparison whose disagreement is evidence against a match."""
    if not priors:
        return _level("ELSE", label)
    return _level("ELSE", label, m_probability=PRIOR_M[label], fix_m_probability=True)


def tuned_comparisons(priors: bool) -> list[Any]:
    first = cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            _null("first_key"),
            _level('"first_key_l" = "first_key_r"', "exact", tf_adjustment_column="first_key"),
            _level(
                '("first_key_l" = "middle_key_r" OR "middle_key_l" = "first_key_r") '
                'AND length("first_key_l") > 1 AND length("first_key_r") > 1',
                "first = other's middle",
            ),
            _level('jaro_winkler_similarity("first_key_l", "first_key_r") >= 0.92', "jw >= 0.92"),
            _level('jaro_winkler_similarity("first_key_l", "first_key_r") >= 0.80', "jw >= 0.80"),
            _level(
                '(length("first_key_l") = 1 OR length("first_key_r") = 1) '
                'AND (substr("first_key_l", 1, 1) = substr("first_key_r", 1, 1) '
                'OR substr("first_key_l", 1, 1) = "middle_initial_r" '
                'OR "middle_initial_l" = substr("first_key_r", 1, 1))',
                "initial agrees",
            ),
            _else(),
        ],
    )
    last = cl.CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            _null("last_key"),
            _level('"last_key_l" = "last_key_r"', "exact", tf_adjustment_column="last_key"),
            _level('jaro_winkler_similarity("last_key_l", "last_key_r") >= 0.92', "jw >= 0.92"),
            _level(
                'least(length("last_key_l"), length("last_key_r")) >= 4 AND '
                '(contains("last_key_l", "last_key_r") OR contains("last_key_r", "last_key_l"))',
                "one contains the other",
            ),
            _level('jaro_winkler_similarity("last_key_l", "last_key_r") >= 0.80', "jw >= 0.80"),
            _else(),
        ],
    )
    middle = cl.CustomComparison(
        output_column_name="middle_initial",
        comparison_levels=[
            _null("middle_initial"),
            _level('"middle_initial_l" = "middle_initial_r"', "exact"),
            _against("different middle initial", priors),
        ],
    )
    suffix = cl.CustomComparison(
        output_column_name="suffix",
        comparison_levels=[
            _level('"suffix_l" IS NULL AND "suffix_r" IS NULL', "neither has one", is_null_level=True),
            _level('"suffix_l" = "suffix_r"', "exact"),
            _level('"suffix_l" IS NULL OR "suffix_r" IS NULL', "one missing"),
            _against("different suffix", priors),
        ],
    )
    licence = cl.CustomComparison(
        output_column_name="licence",
        comparison_levels=[
            # Licences only say something within one state: a TX and an FL licence are a
            # two-state licensee as often as two people, so that case is treated as missing.
            _level(
                '"licence_keys_l" IS NULL OR "licence_keys_r" IS NULL OR NOT list_has_any("licence_states_l", "licence_states_r")',
                "missing / no common state",
                is_null_level=True,
            ),
            _level('list_has_any("licence_keys_l", "licence_keys_r")', "shared licence"),
            _against("different licence, same state", priors),
        ],
    )
    location = cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            _level('("zip5_l" IS NULL OR "zip5_r" IS NULL) AND ("city_l" IS NULL OR "city_r" IS NULL)', "null", is_null_level=True),
            _level('"zip5_l" = "zip5_r"', "zip"),
            _level('"city_l" = "city_r"', "city"),
            _level('jaro_winkler_similarity("city_l", "city_r") >= 0.9', "city jw >= 0.9"),
            _else(),
        ],
    )
    phone = cl.ExactMatch("phone").configure(term_frequency_adjustments=True)
    npi = cl.CustomComparison(
        output_column_name="npi",
        comparison_levels=[_null("npi"), _level('"npi_l" = "npi_r"', "exact"), _against("different npi", priors)],
    )
    return [first, last, middle, suffix, npi, licence, phone, location]


def baseline_comparisons() -> list[Any]:
    location = cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            _level('("zip5_l" IS NULL OR "zip5_r" IS NULL) AND ("city_l" IS NULL OR "city_r" IS NULL)', "null", is_null_level=True),
            _level('"zip5_l" = "zip5_r"', "zip"),
            _level('"city_l" = "city_r"', "city"),
            _else(),
        ],
    )
    return [
        cl.NameComparison("first_key"),
        cl.NameComparison("last_key"),
        cl.ExactMatch("npi"),
        cl.ExactMatch("licence_key"),
        cl.ExactMatch("phone"),
        location,
    ]


def settings(model: str) -> SettingsCreator:
    if model in ("em", "priors"):
        comparisons = tuned_comparisons(priors=model == "priors")
        blocking = [
            block_on("state", "last_key"),
            block_on("npi"),
            block_on("licence_keys", arrays_to_explode=["licence_keys"]),
            block_on("phone"),
            block_on("state", "first_key", "city"),
        ]
    else:
        comparisons = baseline_comparisons()
        blocking = [block_on("state", "last_key"), block_on("npi"), block_on("licence_key"), block_on("phone")]
    return SettingsCreator(
        link_type="link_and_dedupe",  # one input table per source; needed by single-best-links clustering
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _db_api() -> DuckDBAPI:
    con = duckdb.connect(":memory:")
    con.execute("SET threads TO 1")  # deterministic float sums
    return DuckDBAPI(connection=con)


def register(db_api: DuckDBAPI, rows: list[dict[str, Any]], suffix: str = "") -> list[Any]:
    """One splink table per source (splink adds the `source_dataset` column from its name)."""
    tables = []
    for file in FILES:
        source = file.removesuffix(".jsonl")
        part = [r for r in rows if r["unique_id"].split(":")[0] == source]
        tables.append(db_api.register(part, dataset_display_name=source + suffix))
    return tables


def train(model: str, rows: list[dict[str, Any]]) -> Linker:
    db_api = _db_api()
    linker = Linker(register(db_api, rows), settings(model), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("licence_key")], recall=0.65)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
    for rule in (block_on("state", "last_key"), block_on("licence_key"), block_on("phone")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return linker


# Scoring ---------------------------------------------------------------------------------------


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def pairs_of(groups: dict[Any, list[str]]) -> set[Pair]:
    return {_pair(a, b) for members in groups.values() for a, b in combinations(members, 2)}


def prf(predicted: set[Pair], true: set[Pair]) -> tuple[float, float, float]:
    hits = len(predicted & true)
    p = hits / len(predicted) if predicted else 1.0
    r = hits / len(true) if true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def trap_kinds(truth: dict[str, str]) -> dict[Pair, set[str]]:
    """Record pair → the trap kinds its two people are in."""
    manifest = json.loads((LINKAGE_DIR / "manifest.json").read_text(encoding="utf-8"))
    person_traps: dict[frozenset[str], set[str]] = defaultdict(set)
    for trap in manifest["traps"]:
        for a, b in combinations(trap["person_ids"], 2):
            person_traps[frozenset((a, b))].add(trap["kind"])
    out: dict[Pair, set[str]] = {}
    for a, b in combinations(sorted(truth), 2):
        kinds = person_traps.get(frozenset((truth[a], truth[b])))
        if kinds and truth[a] != truth[b]:
            out[(a, b)] = kinds
    return out


def ambiguous_records() -> set[str]:
    manifest = json.loads((LINKAGE_DIR / "manifest.json").read_text(encoding="utf-8"))
    return {f"{a['file'].removesuffix('.jsonl')}:{a['line']}" for a in manifest["ambiguous_by_content"]}


def person_tags() -> dict[str, list[str]]:
    manifest = json.loads((LINKAGE_DIR / "manifest.json").read_text(encoding="utf-8"))
    return {p["person_id"]: p["tags"] for p in manifest["people"]}


def run_model(model: str, rows: list[dict[str, Any]], truth: dict[str, str], verbose: bool) -> dict[str, Any]:
    by_person: dict[str, list[str]] = defaultdict(list)
    for uid, person in truth.items():
        by_person[person].append(uid)
    true = pairs_of(by_person)
    traps = trap_kinds(truth)

    started = time.perf_counter()
    linker = train(model, rows)
    trained = time.perf_counter()
    scored = linker.inference.predict(threshold_match_probability=0.01)
    predicted_at = time.perf_counter()
    edges = [(_pair(r["unique_id_l"], r["unique_id_r"]), r["match_probability"]) for r in scored.as_record_list()]
    blocked = {_pair(r["unique_id_l"], r["unique_id_r"]) for r in linker.inference.predict().as_record_list()}

    results = []
    for method in ("cc", "sbl"):
        for threshold in THRESHOLDS:
            t0 = time.perf_counter()
            if method == "cc":
                clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(scored, threshold_match_probability=threshold)
            else:
                clusters = linker.clustering.cluster_using_single_best_links(
                    scored,
                    duplicate_free_datasets=DUPLICATE_FREE,
                    threshold_match_probability=threshold,
                    ties_method="drop",  # an exact tie is not a decision ('lowest_id' would guess)
                )
            groups: dict[Any, list[str]] = defaultdict(list)
            for row in clusters.as_record_list():
                groups[row["cluster_id"]].append(row["unique_id"])
            cluster_seconds = time.perf_counter() - t0
            predicted = pairs_of(groups)
            edge_set = {pair for pair, prob in edges if prob >= threshold}
            p, r, f1 = prf(predicted, true)
            ep, er, _ = prf(edge_set, true)
            results.append(
                {
                    "method": method,
                    "threshold": threshold,
                    "clusters": len(groups),
                    "predicted_pairs": len(predicted),
                    "true_positives": len(predicted & true),
                    "precision": p,
                    "recall": r,
                    "f1": f1,
                    "edge_precision": ep,
                    "edge_recall": er,
                    "trap_pairs_joined": sum(1 for pair in predicted if pair in traps),
                    "cluster_seconds": cluster_seconds,
                    "predicted": predicted,
                    "groups": groups,
                }
            )
    best = max(results, key=lambda x: (round(x["f1"], 6), x["method"] == "cc", -x["threshold"]))
    seconds = (predicted_at - started) + best["cluster_seconds"]

    print(
        f"\n=== splink {splink.__version__} / duckdb {duckdb.__version__} - model '{model}' "
        f"({len(rows)} records, {len(true)} true pairs, {len(blocked)} blocked pairs, "
        f"blocking recall {len(blocked & true) / len(true):.3f})"
    )
    print(
        f"train {trained - started:.2f}s  predict {predicted_at - trained:.2f}s  (clustering time per row below; "
        "cc = connected components, sbl = single best links, no two records of one duplicate-free source)"
    )
    print(
        f"{'method':>6} {'thresh':>6} {'clusters':>8} {'pairs':>6} {'TP':>5} {'prec':>6} {'recall':>6} {'F1':>6} "
        f"{'edgeP':>6} {'edgeR':>6} {'traps':>5} {'clust_s':>7}"
    )
    for x in results:
        print(
            f"{x['method']:>6} {x['threshold']:>6} {x['clusters']:>8} {x['predicted_pairs']:>6} {x['true_positives']:>5} "
            f"{x['precision']:>6.3f} {x['recall']:>6.3f} {x['f1']:>6.3f} {x['edge_precision']:>6.3f} "
            f"{x['edge_recall']:>6.3f} {x['trap_pairs_joined']:>5} {x['cluster_seconds']:>7.2f}"
        )
    print(f"best: {best['method']} at {best['threshold']} (by F1 on this set); train+predict+cluster {seconds:.2f}s")
    ambiguous = ambiguous_records()

    def keep(pairs):
        return {pair for pair in pairs if not (set(pair) & ambiguous)}

    p, r, f1 = prf(keep(best["predicted"]), keep(true))
    print(f"  without the ambiguous-by-content record(s) {sorted(ambiguous)}: precision {p:.3f} recall {r:.3f} F1 {f1:.3f}")

    if verbose:
        _explain(best, true, blocked, traps, truth, rows)
    return {"model": model, "best": best, "seconds": seconds, "linker": linker, "results": results}


def _explain(
    best: dict[str, Any],
    true: set[Pair],
    blocked: set[Pair],
    traps: dict[Pair, set[str]],
    truth: dict[str, str],
    rows: list[dict[str, Any]],
) -> None:
    predicted = best["predicted"]
    by_id = {r["unique_id"]: r for r in rows}
    tags = person_tags()

    def show(uid: str) -> str:
        r = by_id[uid]
        return (
            f"{uid}[{truth[uid]}] {r['first_key']} {r['middle_initial'] or '-'} {r['last_key']} {r['suffix'] or ''} "
            f"lic={r['licence_key']} ph={r['phone']} zip={r['zip5']} {r['city']}"
        )

    false = sorted(predicted - true)
    kinds = Counter(k for pair in false for k in traps.get(pair, {"not a labelled trap"}))
    print(f"\nfalse joins ({best['method']} at {best['threshold']}): {len(false)} record pairs; by trap kind: {dict(kinds)}")
    people = Counter(tuple(sorted((truth[a], truth[b]))) for a, b in false)
    for (pa, pb), n in people.most_common(12):
        example = next(pair for pair in false if tuple(sorted((truth[pair[0]], truth[pair[1]]))) == (pa, pb))
        print(f"  {pa}+{pb} ({n} pairs) {sorted(traps.get(example, {'-'}))}: {show(example[0])}  <->  {show(example[1])}")

    missed = sorted(true - predicted)
    not_blocked = [pair for pair in missed if pair not in blocked]
    print(f"\nmissed true pairs ({best['method']} at {best['threshold']}): {len(missed)} ({len(not_blocked)} never blocked together)")
    tag_count = Counter(t for a, _ in missed for t in (tags.get(truth[a]) or ["(no tag)"]))
    print("  by person tag:", dict(tag_count.most_common()))
    people = Counter(truth[a] for a, _ in missed)
    for person, n in people.most_common(15):
        a, b = next(pair for pair in missed if truth[pair[0]] == person)
        print(f"  {person} ({n} pairs) {tags.get(person)}: {show(a)}  <->  {show(b)}")


# Scale-up --------------------------------------------------------------------------------------


def scale_up(linker: Linker, rows: list[dict[str, Any]], copies: int, threshold: float) -> None:
    """Predict + cluster `copies` perturbed replicas of the rows with the trained model.

    Every identifier that blocking or exact comparison uses (last_key, npi, licences, phone, city) gets
    a per-copy suffix, so copies never block together: blocked pairs grow linearly with the copies, as
    they would for more distinct people, and the result should be `copies` times the original clusters.
    First names are left alone, so their term frequencies are those of the original set."""
    big = []
    for k in range(copies):
        tag = f"~{k}"
        for r in rows:
            s = dict(r)
            s["unique_id"] = r["unique_id"] + tag
            for col in ("last_key", "npi", "licence_key", "phone", "city"):
                s[col] = r[col] + tag if r[col] else None
            s["licence_keys"] = [x + tag for x in r["licence_keys"]] if r["licence_keys"] else None
            big.append(s)
    model = linker.misc.save_model_to_json()
    con = duckdb.connect(":memory:")  # default threads: all cores, for the timing
    db_api = DuckDBAPI(connection=con)
    t0 = time.perf_counter()
    big_linker = Linker(register(db_api, big), model, log_level=logging.ERROR)
    scored = big_linker.inference.predict(threshold_match_probability=0.01)
    n_edges = scored.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0]
    t1 = time.perf_counter()
    cc = big_linker.clustering.cluster_pairwise_predictions_at_threshold(scored, threshold_match_probability=threshold)
    n_cc = cc.as_duckdbpyrelation().aggregate("count(DISTINCT cluster_id)").fetchall()[0][0]
    t2 = time.perf_counter()
    print(
        f"\nscale-up x{copies} ({linker._settings_obj._link_type}, model trained on the labelled set, {cpu_note()}): "
        f"{len(big)} records, {n_edges} scored pairs >= 0.01"
    )
    print(f"  register + predict {t1 - t0:.1f}s; connected components at {threshold} {t2 - t1:.1f}s ({n_cc} clusters)")
    if len(big) > SBL_MAX_RECORDS:
        # splink 5.0.0 + duckdb 2.0.0: each single-best-links iteration plans a nested-loop join of
        # nodes x nodes (12.4M rows at 3,850 records), so its time grows with the square of the input:
        # measured 0.2s (385 records), 1.7s (x5), 3.7-5.7s (x10), 20-25s (x20), 157s (x40).
        print(f"  single best links skipped above {SBL_MAX_RECORDS} records (quadratic in splink 5.0 / duckdb 2.0)")
        return
    sbl = big_linker.clustering.cluster_using_single_best_links(
        scored, duplicate_free_datasets=DUPLICATE_FREE, threshold_match_probability=threshold, ties_method="drop"
    )
    n_sbl = sbl.as_duckdbpyrelation().aggregate("count(DISTINCT cluster_id)").fetchall()[0][0]
    print(f"  single best links at {threshold} {time.perf_counter() - t2:.1f}s ({n_sbl} clusters)")


def cpu_note() -> str:
    threads = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    return f"duckdb threads {threads}, {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["baseline", "em", "priors", "all"], default="all")
    parser.add_argument("--scale", type=int, default=0, help="also time predict+cluster on N perturbed copies (e.g. 500)")
    parser.add_argument("--quiet", action="store_true", help="no error analysis")
    args = parser.parse_args(argv)
    logging.getLogger("splink").setLevel(logging.ERROR)

    t0 = time.perf_counter()
    rows, truth = load_rows()
    print(f"extracted {len(rows)} records with the project's extractor in {time.perf_counter() - t0:.2f}s")

    models = ["baseline", "em", "priors"] if args.model == "all" else [args.model]
    runs = {m: run_model(m, rows, truth, verbose=not args.quiet) for m in models}
    final = runs["priors"] if "priors" in runs else runs[models[-1]]
    if args.scale:
        scale_up(final["linker"], rows, args.scale, final["best"]["threshold"])
    best = final["best"]
    print(
        json.dumps(
            {
                "splink_best_threshold": best["threshold"],
                "splink_precision": round(best["precision"], 4),
                "splink_recall": round(best["recall"], 4),
                "splink_f1": round(best["f1"], 4),
                "splink_seconds": round(final["seconds"], 3),
                "records": len(rows),
                "splink_model": final["model"],
                "splink_clustering": best["method"],
                "splink_version": splink.__version__,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
