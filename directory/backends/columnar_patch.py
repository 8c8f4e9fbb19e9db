"""The columnar search index of a patched SQLite file, from the live blob and the listings that changed.

An incremental re-index rewrites a few hundred listings of hundreds of thousands: the rows of the
others are taken from the blob the last build stored (every row's values, its conditions and its
languages), the changed ones are computed afresh, and the blob is laid out exactly as a full build
lays it out (rows in listing-id order, each condition's and language's rows in row order), so the
index searches as a full build's would.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from directory.backends.columnar import ROW_FIELDS, ColumnarBuilder, ColumnarRow, ColumnarRows


def patched_blob(
    old_blob: bytes, old_ids: Sequence[str], new_ids: Sequence[str], fresh: dict[str, ColumnarRow], columns: ColumnarRows
) -> bytes:
    """The blob for listings `new_ids` (rowid order): those in `fresh` from their rows (as
    `columns` makes them), the rest copied from `old_blob`, whose rows are `old_ids`."""
    vocab, built_on = columns.vocab, columns.built_on
    data = np.load(io.BytesIO(old_blob), allow_pickle=False)
    header = json.loads(data["header"].tobytes().decode())
    added = ColumnarBuilder(vocab, built_on)
    fresh_ids = [lid for lid in new_ids if lid in fresh]
    for lid in fresh_ids:
        added.append(fresh[lid])
    position = {lid: row for row, lid in enumerate(new_ids)}
    old_row = {lid: row for row, lid in enumerate(old_ids)}
    is_fresh = np.fromiter((lid in fresh for lid in new_ids), dtype=bool, count=len(new_ids))
    sources = np.array([old_row[lid] for lid in new_ids if lid not in fresh], dtype=np.int64)
    # Old stored row → new row, -1 where the listing is gone or re-made.
    renumber = np.full(len(old_ids), -1, dtype=np.int64)
    renumber[sources] = np.flatnonzero(~is_fresh)
    fresh_rows = np.array([position[lid] for lid in fresh_ids], dtype=np.int64)

    out = ColumnarBuilder(vocab, built_on)
    for name, dtype in ROW_FIELDS.items():
        column: np.ndarray = np.empty(len(new_ids), dtype=dtype)
        column[~is_fresh] = data[name][sources]
        column[is_fresh] = np.array(added.rows[name], dtype=dtype)
        out.rows[name] = column.tolist()
    _patch_conditions(out, data, header, renumber, added, fresh_rows)
    for language, rows in header["languages"].items():
        kept = renumber[np.array(rows, dtype=np.int64)]
        out.languages[language] = kept[kept >= 0].tolist()
    for language, rows in added.languages.items():
        out.languages.setdefault(language, []).extend(fresh_rows[rows].tolist())
    out.languages = {lang: sorted(rows) for lang, rows in out.languages.items() if rows}
    return out.to_blob()


def _patch_conditions(
    out: ColumnarBuilder, data: Any, header: dict[str, Any], renumber: np.ndarray, added: ColumnarBuilder, fresh_rows: np.ndarray
) -> None:
    """Each condition's entries, the kept old ones renumbered and the fresh ones added, in row
    order (as a full build appends them); a condition nobody has any longer is left out."""
    old_names: list[str] = header["conditions"]
    names = sorted(set(old_names) | set(added.conditions))
    number = {name: i for i, name in enumerate(names)}
    offsets = data["cond_offsets"]
    old_condition = np.repeat(np.array([number[n] for n in old_names], dtype=np.int64), np.diff(offsets))
    rows = renumber[data["cond_rows"]]
    keep = rows >= 0
    parts = [(old_condition[keep], rows[keep], data["cond_fit"][keep], data["cond_basis"][keep],
              np.array(header["vias"], dtype=object)[data["cond_via"][keep]])]  # fmt: skip
    for name, (new_rows, fits, bases, vias) in added.conditions.items():
        parts.append((np.full(len(new_rows), number[name], dtype=np.int64), fresh_rows[np.array(new_rows, dtype=np.int64)],
                      np.array(fits, dtype=np.float64), np.array(bases, dtype=np.int8), np.array(vias, dtype=object)))  # fmt: skip
    condition, row, fit, basis, via = (np.concatenate([p[k] for p in parts]) for k in range(5))
    order = np.lexsort((row, condition))
    condition, row, fit, basis, via = condition[order], row[order], fit[order], basis[order], via[order]
    starts = np.flatnonzero(np.r_[True, condition[1:] != condition[:-1]]) if len(condition) else np.empty(0, dtype=np.int64)
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(condition)], strict=True):
        span = slice(start, end)
        out.conditions[names[int(condition[start])]] = (row[span].tolist(), fit[span].tolist(), basis[span].tolist(), via[span].tolist())
