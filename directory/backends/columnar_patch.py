"""The columnar search index of a patched SQLite file, from the live blob and the listings that changed.

An incremental re-index rewrites a few hundred listings of hundreds of thousands. The stored rows
are in listing-id order, so the kept rows keep their relative order and the fresh ones are merged
in by id: every array of the live blob is renumbered and spliced with NumPy (no Python value per
row), the fresh rows are computed afresh, and the blob is written through the same `blob_of` as a
full build's, so it holds exactly what a full build writing the same listings stores.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from directory.backends.columnar import ROW_FIELDS, ColumnarRow, ColumnarRows, ConditionEntries, blob_of


class RowPlan:
    """Where each row of the new index comes from: the live index's rows (by id, sorted) less
    those `gone`, and the `fresh` ids (sorted) merged in between them."""

    def __init__(self, old_ids: Sequence[str], gone: Collection[str], fresh: Sequence[str]) -> None:
        old = np.array(old_ids, dtype=str)
        keep = np.ones(len(old), dtype=bool)
        removed = np.array(sorted(gone), dtype=str)
        at = np.searchsorted(old, removed)
        hit = at < len(old)
        hit[hit] = old[at[hit]] == removed[hit]
        keep[at[hit]] = False
        kept = old[keep]
        added = np.array(fresh, dtype=str)
        self.keep = keep  # per old row: whether it stays
        self.kept_rows = np.arange(len(kept)) + np.searchsorted(added, kept)  # new row of each kept old row
        self.fresh_rows = np.arange(len(added)) + np.searchsorted(kept, added)  # new row of each fresh id
        self.count = len(kept) + len(added)
        self.renumber = np.full(len(old), -1, dtype=np.int64)  # old row → new row, -1 where gone
        self.renumber[keep] = self.kept_rows


def patched_blob(
    old_blob: bytes, old_ids: Sequence[str], gone: Collection[str], fresh: dict[str, ColumnarRow], columns: ColumnarRows
) -> bytes:
    """The blob of the live index `old_blob` (rows: `old_ids`, sorted) without the listings `gone`,
    with the `fresh` rows (as `columns` makes them; an id both gone and fresh is replaced)."""
    data = np.load(io.BytesIO(old_blob), allow_pickle=False)
    old = {name: data[name] for name in data.files}  # each access of an npz member reads it again
    header = json.loads(old["header"].tobytes().decode())
    fresh_ids = sorted(fresh)
    plan = RowPlan(old_ids, {*gone, *fresh_ids}, fresh_ids)
    rows = [fresh[lid] for lid in fresh_ids]
    out: dict[str, np.ndarray] = {}
    for k, (name, dtype) in enumerate(ROW_FIELDS.items()):
        column: np.ndarray = np.empty(plan.count, dtype=dtype)
        column[plan.kept_rows] = old[name][plan.keep]
        column[plan.fresh_rows] = np.array([row[k] for row in rows], dtype=dtype)
        out[name] = column
    return blob_of(out, _entries(old, header, plan, rows), _languages(header, plan, rows), columns.term_bits)


def _entries(old: dict[str, np.ndarray], header: dict[str, Any], plan: RowPlan, rows: list[ColumnarRow]) -> ConditionEntries:
    """The kept old condition entries renumbered, and the fresh rows' entries; a condition or via
    nobody has any longer is left out, as a full build leaves it out."""
    old_names: list[str] = header["conditions"]
    row = plan.renumber[old["cond_rows"]]
    keep = row >= 0
    condition = np.repeat(np.arange(len(old_names), dtype=np.int64), np.diff(old["cond_offsets"]))[keep]
    via = old["cond_via"][keep]
    fresh = [(cid, plan.fresh_rows[i], fit, basis, v) for i, values in enumerate(rows) for cid, fit, basis, v in values[-2]]
    names = sorted({old_names[c] for c in np.unique(condition).tolist()} | {e[0] for e in fresh})
    vias = sorted({header["vias"][v] for v in np.unique(via).tolist()} | {e[4] for e in fresh})
    name_at, via_at = {n: i for i, n in enumerate(names)}, {v: i for i, v in enumerate(vias)}
    # Old condition and via positions → new ones (-1 for those no kept entry has).
    renamed = np.array([name_at.get(n, -1) for n in old_names], dtype=np.int64)
    revia = np.array([via_at.get(v, -1) for v in header["vias"]], dtype=np.int32)
    return ConditionEntries(
        names,
        vias,
        np.concatenate([renamed[condition], np.array([name_at[e[0]] for e in fresh], dtype=np.int64)]),
        np.concatenate([row[keep], np.array([e[1] for e in fresh], dtype=np.int64)]),
        np.concatenate([old["cond_fit"][keep], np.array([e[2] for e in fresh], dtype=np.float64)]),
        np.concatenate([old["cond_basis"][keep], np.array([e[3] for e in fresh], dtype=np.int8)]),
        np.concatenate([revia[via], np.array([via_at[e[4]] for e in fresh], dtype=np.int32)]),
    )


def _languages(header: dict[str, Any], plan: RowPlan, rows: list[ColumnarRow]) -> dict[str, list[int]]:
    """Each language's rows in row order, the languages in order of their first row (a full build
    meets them in that order), a language nobody speaks any longer left out."""
    speakers: dict[str, list[np.ndarray]] = {}
    for language, old_rows in header["languages"].items():
        kept = plan.renumber[np.array(old_rows, dtype=np.int64)]
        speakers[language] = [kept[kept >= 0]]
    for i, values in enumerate(rows):
        for language in values[-1]:
            speakers.setdefault(language, []).append(plan.fresh_rows[i : i + 1])
    merged = {language: np.sort(np.concatenate(parts)) for language, parts in speakers.items()}
    first = sorted((int(r[0]), n) for n, (language, r) in enumerate(merged.items()) if len(r))
    names = list(merged)
    return {names[n]: merged[names[n]].tolist() for _, n in first}
