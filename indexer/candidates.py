"""Candidate pairs for linkage and their scores, with array operations instead of Python objects
per record or per pair: at national scale a million records propose tens of millions of pairs.

1. `LinkRows` holds what scoring reads of each linkage row (a record, or a record under a former
   name) as columns of small integer ids, plus the names as strings for rapidfuzz.
2. Blocking keys are stable 64-bit hashes of their parts (`blocking_key_hashes`): the same value in
   every process and run, so an incremental build can store them. Records meet when they share one;
   pairs come from sorting the (key, row) entries, block by block, in bounded chunks.
3. `LinkRows.scores` computes `linkage_score.score_features` for many pairs at once, exactly: the
   same branches in the same order, the same float operations, rounded by Python's `round`. Pairs
   whose records carry several licences or several states are scored by `score_features` itself.
   `tests/test_linkage.py` checks that the arrays and `score_features` agree on every pair of the
   labelled set and of the national fixture, and with retuned weights.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from itertools import repeat
from typing import TypeVar, cast

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from indexer import linkage_score
from indexer.link_record import LinkRecord
from indexer.linkage_score import CERTAIN, IMPOSSIBLE, features, score_features
from indexer.normalize import first_key, fold, given_names, last_key, suffix_key

_K = TypeVar("_K")
U64 = np.uint64
# Pairs scored at once: bounds the memory of a chunk (about 100 bytes a pair while it is scored).
CHUNK_PAIRS = 1 << 20


def _finalize(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    x = (x ^ (x >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> U64(27))) * U64(0x94D049BB133111EB)
    return x ^ (x >> U64(31))


def _mix(h: np.ndarray, *parts: np.ndarray) -> np.ndarray:
    for part in parts:
        h = _finalize(h ^ part)
    return h


def string_hashes(strings: Sequence[str]) -> np.ndarray:
    """A stable 64-bit hash of each string (of its UTF-8 bytes and length), for any process and run."""
    if not strings:
        return np.empty(0, dtype=U64)
    encoded = [s.encode() for s in strings]
    width = max(8, -(-max(len(e) for e in encoded) // 8) * 8)
    words = np.array(encoded, dtype=f"S{width}").view("<u8").reshape(len(encoded), width // 8).astype(U64)
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    h = _finalize(lengths.astype(U64) + U64(0x9E3779B97F4A7C15))
    for column in range(words.shape[1]):
        # Only a string's own words: its hash must not depend on the longest string beside it.
        h = np.where(lengths > column * 8, _finalize(h ^ words[:, column]), h)
    return h


TAGS = dict(
    zip(
        ("npi", "lic", "ph", "rare", "ln", "fc", "fn", "lx"),
        string_hashes(["npi", "lic", "ph", "rare", "ln", "fc", "fn", "lx"]),
        strict=True,
    )
)


class _Factor:
    """Values to dense ids; None and '' are -1."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: str | None) -> int:
        if not value:
            return -1
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found

    def ids_of(self, values: Sequence[str | None]) -> np.ndarray:
        """The ids of `values` (new ones numbered in order of first appearance)."""
        ids = self.ids
        for value in dict.fromkeys(values):
            if value and value not in ids:
                ids[value] = len(self.values)
                self.values.append(value)
        lookup = cast(Callable[[str | None, int], int], ids.get)  # None is never a key: -1
        return np.fromiter(map(lookup, values, repeat(-1)), dtype=np.int64, count=len(values))

    def hashes(self) -> np.ndarray:
        return string_hashes(self.values)


def _csr(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = np.fromiter((x for v in lists for x in v), dtype=np.int64, count=int(offsets[-1]))
    return offsets, values


def _expand(owner: np.ndarray, offsets: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each position of `owner` once per value of its set `offsets[owner]..`: (positions, values)."""
    starts, ends = offsets[owner], offsets[owner + 1]
    counts = ends - starts
    position = np.repeat(np.arange(len(owner)), counts)
    within = np.arange(len(position)) - np.repeat(np.cumsum(counts) - counts, counts)
    return position, values[np.repeat(starts, counts) + within]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy's hash-based unique is several times slower on these arrays."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def keyed_once(values: list[str], key: Callable[[str], _K]) -> list[_K]:
    """`key` of each value, worked out once per distinct value (a million records share a few
    thousand first names, suffixes and middle names)."""
    keys = {value: key(value) for value in dict.fromkeys(values)}
    return list(map(keys.__getitem__, values))


def _initials(first: str, middle_initial: str | None) -> list[str]:
    letters = {fold(first)[:1]} if first else set()
    letters |= {g[:1] for g in given_names(first)}
    if middle_initial is not None:
        letters.add(middle_initial)
    return sorted(letters)


def _single(values: Collection[str], factor: _Factor) -> int:
    """An id for a set's only element, -1 for none, -2 for several."""
    if not values:
        return -1
    if len(values) > 1:
        return -2
    return factor(next(iter(values)))


class LinkRows:
    """Linkage rows as columns: rows[i] is a LinkRecord under the name linkage compares it by."""

    def __init__(self, rows: Sequence[LinkRecord], name_licences: Mapping[tuple[str, str], int]) -> None:
        self.rows = rows
        npi, lic, state, given, last, phone, zipc, city, suffix, text = (_Factor() for _ in range(10))
        # Column by column, with C-level passes (map, dict.fromkeys) where a row loop in Python
        # cost a few microseconds a row: a national build links over a million rows.
        n = len(rows)
        names = [rec.name for rec in rows]
        firsts = [name.first for name in names]
        middles = [name.middle for name in names]
        first_keys = keyed_once(firsts, first_key)
        last_keys = keyed_once([name.last for name in names], last_key)
        middle_keys = keyed_once(middles, fold)
        self.npi = npi.ids_of([rec.npi for rec in rows])
        self.suffix = suffix.ids_of(keyed_once([name.suffix for name in names], suffix_key))
        self.first = given.ids_of(first_keys)
        self.middle = given.ids_of(middle_keys)
        self.last = last.ids_of(last_keys)
        self.phone = phone.ids_of([rec.phone for rec in rows])
        self.zip = zipc.ids_of([rec.zip for rec in rows])
        self.city = city.ids_of([rec.city for rec in rows])
        self.nl = np.fromiter(map(name_licences.get, zip(first_keys, last_keys, strict=True), repeat(0)), dtype=np.int64, count=n)
        self.lapsed = np.fromiter((rec.lapsed_only for rec in rows), dtype=bool, count=n)
        # Licences and the states a row is known in: one (its id), none (-1) or several (-2, listed).
        self.lic = np.full(n, -1, dtype=np.int64)
        self.lic_state = np.full(n, -1, dtype=np.int64)
        self.state = state.ids_of([rec.state for rec in rows])
        licences: list[Sequence[int]] = [()] * n
        states: list[Sequence[int]] = [()] * n
        for i, rec in enumerate(rows):
            keys = rec.license_keys
            if not keys:
                continue
            licence_states = {k.split(":")[0] for k in keys}
            where = {rec.state, *licence_states} - {""}
            self.lic[i] = _single(keys, lic)
            self.lic_state[i] = _single(licence_states, state)
            self.state[i] = _single(where, state)
            if len(keys) > 1:
                licences[i] = [lic(k) for k in keys]
            if len(where) > 1:
                states[i] = [state(s) for s in where]
        # Initials of the given names, and of the formal names a nickname stands for.
        initial_keys = [(first, key[:1] if middle else None) for first, middle, key in zip(firsts, middles, middle_keys, strict=True)]
        initial_sets = {pair: i for i, pair in enumerate(dict.fromkeys(initial_keys))}
        initial_lists = [[text(x) if x else -3 for x in _initials(first, middle_initial)] for first, middle_initial in initial_sets]
        self.initials = np.fromiter(map(initial_sets.__getitem__, initial_keys), dtype=np.int64, count=n)
        del names, firsts, middles, first_keys, last_keys, middle_keys, initial_keys
        # Names as text by id (the last entry, id -1, is ""), and what scoring reads of them.
        self._given_text = np.array([*given.values, ""], dtype=object)
        self._last_text = np.array([*last.values, ""], dtype=object)
        given_len = np.fromiter((len(k) for k in self._given_text), dtype=np.int64, count=len(self._given_text))
        self.first_len = given_len[self.first]
        self.last_len = np.fromiter((len(k) for k in self._last_text), dtype=np.int64, count=len(self._last_text))[self.last]
        first_1, first_2 = _Factor(), _Factor()
        self.first_1 = np.fromiter((first_1(k[:1]) for k in self._given_text), dtype=np.int64, count=len(self._given_text))[self.first]
        self.first_2 = np.fromiter((first_2(k[:2]) for k in self._given_text), dtype=np.int64, count=len(self._given_text))[self.first]
        # Rows with several licences or states are scored by `score_features` (set intersections).
        self.complex = (self.lic == -2) | (self.lic_state == -2) | (self.state == -2)
        # given_names as a relation between given-name ids: code name * G + member, sorted.
        count = len(given.values)
        members = [[given(m) for m in given_names(key)] for key in list(given.values)]
        self._given_count = len(given.values)
        g_off, g_val = _csr(members[:count] + [[] for _ in range(len(given.values) - count)])
        self._given_offsets, self._given_values = g_off, g_val
        owners = np.repeat(np.arange(len(g_off) - 1), np.diff(g_off))
        self._relation = np.unique(owners * self._given_count + g_val)
        self._hashes = {
            "npi": npi.hashes(),
            "lic": lic.hashes(),
            "state": state.hashes(),
            "given": given.hashes(),
            "last": last.hashes(),
            "phone": phone.hashes(),
            "zip": zipc.hashes(),
            "city": city.hashes(),
            "text": text.hashes(),
        }
        self._licences = _csr(licences)
        self._states = _csr(states)
        i_off, i_val = _csr(initial_lists)
        self._initial_offsets, self._initial_values = i_off, i_val
        self._last3 = string_hashes([k[:3] for k in last.values])
        self._empty_hash = string_hashes([""])[0]

    def __len__(self) -> int:
        return len(self.rows)

    # Blocking ---------------------------------------------------------------------------------

    def blocking_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Every row's blocking keys as (rows, key hashes), as `blocking_key_hashes` documents them."""
        n = len(self)
        h = self._hashes
        rows_out: list[np.ndarray] = []
        keys_out: list[np.ndarray] = []

        def emit(rows: np.ndarray, keys: np.ndarray) -> None:
            rows_out.append(rows)
            keys_out.append(keys)

        every = np.arange(n)
        has = self.npi >= 0
        emit(every[has], _mix(np.full(int(has.sum()), TAGS["npi"]), h["npi"][self.npi[has]]))
        # Licences: the row's only one, or each of several.
        has = self.lic >= 0
        emit(every[has], _mix(np.full(int(has.sum()), TAGS["lic"]), h["lic"][self.lic[has]]))
        several = every[self.lic == -2]
        pos, lic_ids = _expand(several, *self._licences)
        emit(several[pos], _mix(np.full(len(pos), TAGS["lic"]), h["lic"][lic_ids]))
        last_h = np.where(self.last >= 0, h["last"][np.maximum(self.last, 0)], self._empty_hash)
        last3_h = np.where(self.last >= 0, self._last3[np.maximum(self.last, 0)], self._empty_hash)
        has = self.phone >= 0
        emit(every[has], _mix(np.full(int(has.sum()), TAGS["ph"]), h["phone"][self.phone[has]], last_h[has]))
        has = (self.first >= 0) & (self.nl > 0) & (self.nl <= linkage_score.WEIGHTS.rare_name_licences)
        emit(every[has], _mix(np.full(int(has.sum()), TAGS["rare"]), h["given"][self.first[has]], last_h[has]))
        # Each state the row is known in: one, or each of several.
        one = every[self.state >= 0]
        several = every[self.state == -2]
        pos, state_ids = _expand(several, *self._states)
        s_row = np.concatenate([one, several[pos]])
        s_hash = h["state"][np.concatenate([self.state[one], state_ids])]
        # Surname + initial.
        pos, letters = _expand(self.initials[s_row], self._initial_offsets, self._initial_values)
        letter_h = np.where(letters >= 0, h["text"][np.maximum(letters, 0)], self._empty_hash)
        emit(s_row[pos], _mix(np.full(len(pos), TAGS["ln"]), s_hash[pos], last_h[s_row[pos]], letter_h))
        # Given name (each formal name a nickname stands for) + city / phone / ZIP.
        named = self.first[s_row] >= 0
        g_pos, g_ids = _expand(self.first[s_row[named]], self._given_offsets, self._given_values)
        g_row, g_state, g_hash = s_row[named][g_pos], s_hash[named][g_pos], h["given"][g_ids]
        has = self.city[g_row] >= 0
        emit(
            g_row[has],
            _mix(np.full(int(has.sum()), TAGS["fc"]), g_state[has], g_hash[has], h["city"][self.city[g_row[has]]], last3_h[g_row[has]]),
        )
        for column, kind in ((self.phone, "phone"), (self.zip, "zip")):
            has = column[g_row] >= 0
            emit(g_row[has], _mix(np.full(int(has.sum()), TAGS["fn"]), g_state[has], g_hash[has], h[kind][column[g_row[has]]]))
        for column, kind in ((self.phone, "phone"), (self.zip, "zip")):
            has = column[s_row] >= 0
            rows = s_row[has]
            emit(rows, _mix(np.full(len(rows), TAGS["lx"]), s_hash[has], last_h[rows], h[kind][column[rows]]))
        return np.concatenate(rows_out), np.concatenate(keys_out)

    def pair_chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Every pair of rows sharing a blocking key, as (smaller, larger) arrays, in chunks of about
        CHUNK_PAIRS; a pair met in several blocks may come in several chunks."""
        rows, keys = self.blocking_keys()
        n = max(len(self), 1)
        _, key_ids = np.unique(keys, return_inverse=True)
        entries = sorted_unique(key_ids.astype(np.int64) * n + rows)  # by key, then row; a key twice once
        del rows, keys, key_ids
        key_arr, rec_arr = entries // n, entries % n
        del entries
        starts = np.flatnonzero(np.r_[True, key_arr[1:] != key_arr[:-1]])
        ends = np.r_[starts[1:], len(key_arr)]
        big = ends - starts > 1  # a block of one pairs no one
        starts, ends = starts[big], ends[big]
        del key_arr
        # Each member pairs with every later member of its block.
        sizes = ends - starts
        # Positions fit in 32 bits; at a million records there are some 12 million entries.
        left = (np.repeat(starts, sizes) + (np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes))).astype(np.int32)
        counts = (np.repeat(ends, sizes) - left - 1).astype(np.int32)
        del starts, ends, sizes
        total = np.cumsum(counts, dtype=np.int64)
        begin = 0
        while begin < len(left):
            stop = int(np.searchsorted(total, (total[begin - 1] if begin else 0) + CHUNK_PAIRS, side="right"))
            stop = max(stop, begin + 1)
            lp, c = left[begin:stop].astype(np.int64), counts[begin:stop].astype(np.int64)
            left_pos = np.repeat(lp, c)
            right_pos = left_pos + 1 + np.arange(len(left_pos)) - np.repeat(np.cumsum(c) - c, c)
            code = sorted_unique(rec_arr[left_pos] * n + rec_arr[right_pos])
            yield code // n, code % n
            begin = stop

    # Scoring ----------------------------------------------------------------------------------

    def _in_relation(self, name: np.ndarray, member: np.ndarray) -> np.ndarray:
        """Row by row, whether given-name id `member` is in `given_names` of given-name id `name`."""
        code = name * self._given_count + member
        pos = np.searchsorted(self._relation, code)
        pos = np.minimum(pos, len(self._relation) - 1)
        return (name >= 0) & (member >= 0) & (len(self._relation) > 0) & (self._relation[pos] == code)

    def scores(self, a: np.ndarray, b: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
        """`score_features` of each pair of rows; returns the positions whose score is CERTAIN or at least
        `floor`, and those scores."""
        w = linkage_score.WEIGHTS
        score = np.full(len(a), IMPOSSIBLE)
        is_complex = self.complex[a] | self.complex[b]
        both_npi = (self.npi[a] >= 0) & (self.npi[b] >= 0)
        score[both_npi & (self.npi[a] == self.npi[b])] = CERTAIN
        simple = ~both_npi & ~is_complex
        same_licence = simple & (self.lic[a] >= 0) & (self.lic[a] == self.lic[b])
        score[same_licence] = CERTAIN
        state_clash = (self.lic_state[a] >= 0) & (self.lic_state[a] == self.lic_state[b])
        suffix_clash = (self.suffix[a] >= 0) & (self.suffix[b] >= 0) & (self.suffix[a] != self.suffix[b])
        named = np.flatnonzero(simple & ~same_licence & ~state_clash & ~suffix_clash)
        rounded = self._name_scores(a[named], b[named], floor, w)
        score[named] = rounded
        out = np.flatnonzero((score == CERTAIN) | (score >= floor))
        values = score[out]
        # Several licences or states: set intersections, left to `score_features` itself.
        hard = np.flatnonzero(~both_npi & is_complex)
        if len(hard):
            exact = np.array([self.exact(x, y)[0] for x, y in zip(a[hard].tolist(), b[hard].tolist(), strict=True)])
            keep = (exact == CERTAIN) | (exact >= floor)
            out = np.concatenate([out, hard[keep]])
            values = np.concatenate([values, exact[keep]])
            order = np.argsort(out, kind="stable")
            out, values = out[order], values[order]
        return out, values

    def exact(self, x: int, y: int) -> tuple[float, str]:
        """`score_features` of two rows, with its reason."""
        return score_features(self.features(x), self.features(y))

    def features(self, x: int) -> linkage_score.Features:
        return features(self.rows[x], int(self.nl[x]))

    def _name_scores(self, a: np.ndarray, b: np.ndarray, floor: float, w: linkage_score.ScoreWeights) -> np.ndarray:
        """`score_features` past its identifier checks, for pairs of rows with one licence and one state at most."""
        if len(a) == 0:
            return np.empty(0)
        # Given names, in `_first_name_score`'s order (a later `where` is an earlier `if`).
        fa, fb = self.first[a], self.first[b]
        first = np.zeros(len(a))
        typo_rows = np.flatnonzero((self.first_len[a] > 1) & (self.first_len[b] > 1) & (fa != fb))
        if len(typo_rows):
            keys_a, keys_b = self._given_text[fa[typo_rows]], self._given_text[fb[typo_rows]]
            ratio = cpdist(keys_a, keys_b, scorer=fuzz.ratio, workers=1, dtype=np.float64) / 100
            typo = ratio >= w.first_typo_ratio
            value = np.where(self.first_2[a[typo_rows]] == self.first_2[b[typo_rows]], w.first_prefix, 0.0)
            typo_at = np.flatnonzero(typo)
            value[typo_at] = [round((r - w.first_typo_zero) / w.first_typo_span, 4) for r in ratio[typo_at].tolist()]
            first[typo_rows] = value
        one_letter = (self.first_len[a] == 1) | (self.first_len[b] == 1)
        first = np.where(one_letter, np.where(self.first_1[a] == self.first_1[b], w.first_initial, 0.0), first)
        nickname = self._in_relation(fa, fb) | self._in_relation(fb, fa)
        first = np.where(nickname, w.first_nickname, first)
        ma, mb = self.middle[a], self.middle[b]
        middle = self._in_relation(ma, fb) | self._in_relation(fb, ma) | self._in_relation(mb, fa) | self._in_relation(fa, mb)
        first = np.where(middle, w.first_is_middle, first)
        first = np.where(fa == fb, 1.0, first)
        first = np.where((self.first_len[a] == 0) | (self.first_len[b] == 0), w.first_unknown, first)
        # Surnames, as `_last_name_score`.
        la, lb = self.last[a], self.last[b]
        last = np.zeros(len(a))
        same_phone = (self.phone[a] >= 0) & (self.phone[a] == self.phone[b])
        same_zip = (self.zip[a] >= 0) & (self.zip[a] == self.zip[b])
        both_city = (self.city[a] >= 0) & (self.city[b] >= 0)
        place = np.where(same_phone, w.phone, 0.0) + np.where(
            same_zip, w.zip, np.where(both_city, np.where(self.city[a] == self.city[b], w.city, w.other_city), 0.0)
        )
        differ = np.flatnonzero(la != lb)
        if len(differ):
            keys_a, keys_b = self._last_text[la[differ]], self._last_text[lb[differ]]
            ratio = cpdist(keys_a, keys_b, scorer=fuzz.ratio, workers=1, dtype=np.float64)
            value = np.where(ratio >= w.last_typo_ratio, ratio / 100, 0.0)
            long_enough = np.minimum(self.last_len[a[differ]], self.last_len[b[differ]]) >= w.last_contained_min_len
            # Containment only matters where its surname score could lift the pair to `floor`
            # (the rest of the score only rises with it, or is capped).
            could = w.first_name * first[differ] + w.last_name * np.maximum(value, w.last_contained) + place[differ]
            maybe = np.flatnonzero(long_enough & (could >= floor - 0.001))
            if len(maybe):
                # A substring has an exact partial match; `in` decides.
                partial = cpdist(keys_a[maybe], keys_b[maybe], scorer=fuzz.partial_ratio, workers=1)
                for i in maybe[partial >= 100].tolist():
                    if keys_a[i] in keys_b[i] or keys_b[i] in keys_a[i]:
                        value[i] = w.last_contained
            last[differ] = value
        last[la == lb] = 1.0
        score = w.first_name * first + w.last_name * last
        score = score + np.where(same_phone, w.phone, 0.0)
        score = score + np.where(same_zip, w.zip, np.where(both_city, np.where(self.city[a] == self.city[b], w.city, w.other_city), 0.0))
        married = (last == 0.0) & (first >= w.married_first) & same_phone & (self.zip[a] == self.zip[b])
        score = np.where(married, np.maximum(score, linkage_score.MATCH_THRESHOLD), score)
        # Across states only the name speaks (one state each at most here).
        place_agrees = same_phone | same_zip
        apart = ~((self.state[a] >= 0) & (self.state[a] == self.state[b]))
        rare = np.maximum(self.nl[a], self.nl[b]) <= w.rare_name_licences
        moved = (
            rare & (first == 1.0) & (last == 1.0) & (self.first_len[a] > 0) & (self.first_len[b] > 0) & (self.lapsed[a] != self.lapsed[b])
        )
        capped = ~place_agrees & (score > w.common_name_cap) & apart & ~moved
        score = np.where(capped, w.common_name_cap, score)
        # Python's rounding, where it can matter.
        near = np.flatnonzero(score >= floor - 0.001)
        score[near] = [round(s, 4) for s in score[near].tolist()]
        return score


def blocking_key_hashes(rec: LinkRecord, name_licences: int) -> list[int]:
    """The blocking keys of one record under its own name, as `LinkRows.blocking_keys` has them."""
    rows = LinkRows([rec], {(rec.name.first_key, rec.name.last_key): name_licences})
    _, keys = rows.blocking_keys()
    return sorted({int(k) for k in keys.view(np.int64)})
