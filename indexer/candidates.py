"""Candidate pairs for linkage, found with array operations instead of one Python call per pair.

At national scale a common surname's block ("TX, Garcia, M") holds hundreds of records, and the
blocks together propose about 1.6 million pairs for 200k records; three quarters of them are plainly
two people. This module:

1. enumerates every pair of records that share a blocking key, once each, as (smaller, larger);
2. drops pairs whose identifiers already settle them as two people (two different NPIs, two licence
   numbers in one state, two generational suffixes), which `linkage_score.score_features` would call
   IMPOSSIBLE;
3. computes for each remaining pair an upper bound of `linkage_score.score_features`, from the same
   `linkage_score.WEIGHTS` and thresholds, and drops pairs whose bound is below the lowest score
   linkage ever looks at.

What survives is scored exactly by `linkage_score.score_features`, so the bound only has to be never
lower than that score; `tests/test_linkage.py` checks that on the labelled set and on the national
fixture, and with retuned weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from indexer import linkage_score
from indexer.linkage_score import Features

# `score_features` rounds to 4 decimals; a bound this far under the floor is certainly under it.
ROUNDING_SLACK = 1e-4


def _ids(values: Iterable[object]) -> np.ndarray:
    """Each value's small integer id; None and '' map to -1, equal values to equal ids."""
    seen: dict[object, int] = {}
    return np.fromiter(((seen.setdefault(v, len(seen)) if v else -1) for v in values), dtype=np.int64)


def _single_or_many(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """An id for a record's only element, -1 for none, -2 for several (left to exact scoring)."""
    seen: dict[str, int] = {}
    out = np.empty(len(sets), dtype=np.int64)
    for i, values in enumerate(sets):
        if not values:
            out[i] = -1
        elif len(values) == 1:
            (value,) = values
            out[i] = seen.setdefault(value, len(seen))
        else:
            out[i] = -2
    return out


def _name_sets(sets: Sequence[frozenset[str]], ids: dict[str, int]) -> np.ndarray:
    """Each record's set of names as a row of ids in `ids`' space, padded with -1."""
    width = max((len(names) for names in sets), default=0) or 1
    out = np.full((len(sets), width), -1, dtype=np.int64)
    for i, names in enumerate(sets):
        for j, name in enumerate(sorted(names)):
            out[i, j] = ids.setdefault(name, len(ids))
    return out


def _key_in(key: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Row by row, whether a key id is one of a padded set of ids."""
    out = np.zeros(len(key), dtype=bool)
    for j in range(names.shape[1]):
        out |= (key >= 0) & (key == names[:, j])
    return out


def block_pairs(record_keys: Sequence[Iterable[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of records sharing a key, each once, as arrays of (smaller, larger) indexes."""
    key_ids: dict[str, int] = {}
    members_key: list[int] = []
    members_rec: list[int] = []
    for rec, keys in enumerate(record_keys):
        for key in set(keys):  # a key twice would pair a record with itself
            members_key.append(key_ids.setdefault(key, len(key_ids)))
            members_rec.append(rec)
    key_arr = np.asarray(members_key, dtype=np.int64)
    rec_arr = np.asarray(members_rec, dtype=np.int64)
    order = np.argsort(key_arr, kind="stable")  # within a key, records stay ascending
    key_arr, rec_arr = key_arr[order], rec_arr[order]
    starts = np.flatnonzero(np.r_[True, key_arr[1:] != key_arr[:-1]])
    ends = np.r_[starts[1:], len(key_arr)]
    # Each member pairs with every later member of its block.
    counts = np.repeat(ends, ends - starts) - np.arange(len(key_arr)) - 1
    left_pos = np.repeat(np.arange(len(key_arr)), counts)
    run_start = np.repeat(np.cumsum(counts) - counts, counts)
    right_pos = left_pos + 1 + np.arange(len(left_pos)) - run_start
    n = max(len(record_keys), 1)
    code = np.sort(rec_arr[left_pos] * n + rec_arr[right_pos])
    if code.size:
        code = code[np.r_[True, code[1:] != code[:-1]]]  # a pair met in several blocks once
    return code // n, code % n


class PairBound:
    """Record features as arrays, to bound `linkage_score.score_features` for many pairs at once.

    The weights and thresholds are read from `linkage_score` when a bound is computed, as exact
    scoring reads them."""

    def __init__(self, feats: Sequence[Features]) -> None:
        self.npi = _ids(f.npi for f in feats)
        self.licence = _single_or_many([f.licenses for f in feats])
        self.licence_state = _single_or_many([f.license_states for f in feats])
        self.suffix = _ids(f.suffix for f in feats)
        self.first_key = np.array([f.first_key for f in feats], dtype=object)
        self.first_len = np.fromiter((len(f.first) for f in feats), dtype=np.int64, count=len(feats))
        self.first_1 = _ids(f.first[:1] for f in feats)
        self.first_key_2 = _ids(f.first_key[:2] for f in feats)
        # Given names as `normalize.given_names` sets (a nickname holds its formal names), first and
        # middle in one id space: "J. Michael Sutton" ~ "Mike Sutton".
        given: dict[str, int] = {}
        self.first_key_id = np.fromiter(((given.setdefault(f.first_key, len(given)) if f.first_key else -1) for f in feats), dtype=np.int64)
        self.middle_key_id = np.fromiter(
            ((given.setdefault(f.middle_key, len(given)) if f.middle_key else -1) for f in feats), dtype=np.int64
        )
        self.first_names = _name_sets([f.first_names for f in feats], given)
        self.middle_names = _name_sets([f.middle_names for f in feats], given)
        self.last_key = np.array([f.last_key for f in feats], dtype=object)
        self.last_key_id = _ids(f.last_key for f in feats)
        self.last_len = np.fromiter((len(f.last_key) for f in feats), dtype=np.int64, count=len(feats))
        self.phone = _ids(f.phone for f in feats)
        self.zip = _ids(f.zip for f in feats)
        self.city = _ids(f.city for f in feats)

    def may_matter(self, a: np.ndarray, b: np.ndarray, floor: float) -> np.ndarray:
        """False only for pairs `score_features` would call IMPOSSIBLE or score below `floor`."""
        both_npi = (self.npi[a] >= 0) & (self.npi[b] >= 0)
        same_npi = both_npi & (self.npi[a] == self.npi[b])
        la, lb = self.licence[a], self.licence[b]
        several = (la == -2) | (lb == -2) | (self.licence_state[a] == -2) | (self.licence_state[b] == -2)
        same_licence = (la >= 0) & (la == lb)
        state_clash = (self.licence_state[a] >= 0) & (self.licence_state[a] == self.licence_state[b]) & ~same_licence
        suffix_clash = (self.suffix[a] >= 0) & (self.suffix[b] >= 0) & (self.suffix[a] != self.suffix[b])
        settled_apart = both_npi & ~same_npi | ~both_npi & ~several & ~same_licence & (state_clash | suffix_clash)
        certain = same_npi | ~both_npi & same_licence
        undecided = ~certain & ~settled_apart
        bound = np.full(len(a), -np.inf)
        idx = np.flatnonzero(undecided)
        bound[idx] = self._name_bound(a[idx], b[idx])
        return certain | (~both_npi & several) | (undecided & (bound >= floor - ROUNDING_SLACK))

    def _name_bound(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if len(a) == 0:
            return np.empty(0)
        w = linkage_score.WEIGHTS
        # Given names, as `_first_name_score` has them (its rounding aside).
        ratio_first = cpdist(self.first_key[a], self.first_key[b], scorer=fuzz.ratio, workers=-1, dtype=np.float64) / 100
        typo = np.where(
            ratio_first >= w.first_typo_ratio,
            (ratio_first - w.first_typo_zero) / w.first_typo_span,
            np.where(self.first_key_2[a] == self.first_key_2[b], w.first_prefix, 0.0),
        )
        one_letter = (self.first_len[a] == 1) | (self.first_len[b] == 1)
        first = np.where(one_letter, np.where(self.first_1[a] == self.first_1[b], w.first_initial, 0.0), typo)
        key_a, key_b = self.first_key_id[a], self.first_key_id[b]
        nickname = _key_in(key_a, self.first_names[b]) | _key_in(key_b, self.first_names[a])
        first = np.where(nickname, w.first_nickname, first)
        middle_a, middle_b = self.middle_key_id[a], self.middle_key_id[b]
        middle_match = (
            _key_in(key_b, self.middle_names[a])
            | _key_in(middle_a, self.first_names[b])
            | _key_in(key_a, self.middle_names[b])
            | _key_in(middle_b, self.first_names[a])
        )
        first = np.where(middle_match, w.first_is_middle, first)
        first = np.where(key_a == key_b, 1.0, first)
        first = np.where((self.first_len[a] == 0) | (self.first_len[b] == 0), w.first_unknown, first)
        # Surnames: containment is bounded by an exact partial match (every substring has one).
        ratio_last = cpdist(self.last_key[a], self.last_key[b], scorer=fuzz.ratio, workers=-1, dtype=np.float64)
        partial = cpdist(self.last_key[a], self.last_key[b], scorer=fuzz.partial_ratio, workers=-1, dtype=np.float64)
        contained = (partial >= 100) & (np.minimum(self.last_len[a], self.last_len[b]) >= w.last_contained_min_len)
        last = np.where(ratio_last >= w.last_typo_ratio, ratio_last / 100, 0.0)
        last = np.where(contained, np.maximum(last, w.last_contained), last)
        last = np.where(self.last_key_id[a] == self.last_key_id[b], 1.0, last)
        score = w.first_name * first + w.last_name * last
        same_phone = (self.phone[a] >= 0) & (self.phone[a] == self.phone[b])
        same_zip = (self.zip[a] >= 0) & (self.zip[a] == self.zip[b])
        both_city = (self.city[a] >= 0) & (self.city[b] >= 0)
        score += np.where(same_phone, w.phone, 0.0)
        score += np.where(same_zip, w.zip, np.where(both_city, np.where(self.city[a] == self.city[b], w.city, w.other_city), 0.0))
        # The married-name rule lifts a pair to the match threshold; bounded without its surname test.
        married = (first >= w.married_first - ROUNDING_SLACK) & same_phone & (self.zip[a] == self.zip[b])
        return np.where(married, np.maximum(score, linkage_score.MATCH_THRESHOLD), score)
