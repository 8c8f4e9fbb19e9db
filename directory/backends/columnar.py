"""A columnar (NumPy) index of every listing's ranking features, kept inside the SQLite file.

Why: a dense near-only query ("massage therapist near downtown Houston") matches thousands of
listings; scoring them one Python object at a time costs tens of milliseconds, and `total` must
be exact. Here filters, distances and scores are whole-array operations; the candidates go to
`results.rank_page` as arrays, which orders, pages, counts facets and re-scores only the page
window with exact distances.

The arrays are built while the SQLite index is written (`ColumnarBuilder`), stored as one blob in
the `columnar` table, and loaded once per index file by the backend.
"""

from __future__ import annotations

import io
import json
from array import array
from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from directory.backends.results import STATUSES, CandidateSet, FacetInputs, TermBits
from directory.gender import Gender
from directory.geo import EARTH_RADIUS_KM, bounding_box, distance_km
from directory.models import LicenseStatus, Listing
from directory.names import name_matches, name_words
from directory.query import SearchQuery
from directory.ranking import (
    BOARD_CERTIFICATION,
    Candidate,
    Fit,
    FitBasis,
    ScoreInputs,
    condition_fits,
    confidence_term,
    distance_error_bound,
    experience_term,
    relevant_certifications,
    score_inputs,
)
from directory.vocabulary import Vocabulary

EPOCH = date(1970, 1, 1)
NO_DATE = -1
FOREVER = np.iinfo(np.int32).max
GENDERS: dict[str | None, int] = {None: 0, **{gender: code for code, gender in enumerate(Gender, start=1)}}
BASES: tuple[FitBasis, ...] = ("specialty", "certification", "related", "modality")
# Chord distances agree with `geo.distance_km` but for a metre where a value sits on a rounding
# boundary (tests/test_backends.py checks it).
CHORD_ERROR_KM = 0.001


# One value per listing, in these arrays (name → dtype).
ROW_FIELDS: dict[str, type] = {
    "lat": np.float64,
    "lon": np.float64,
    "active_until": np.int32,
    "verified_until": np.int32,
    "lapsed": np.int8,
    "years": np.float64,
    "kinds": np.int8,
    "mod_bits": np.uint64,
    "cert_bits": np.uint64,
    "last_seen": np.int32,
    "gender": np.int8,
    "accepting": np.int8,
    "mobile": np.int8,
}


def _days(value: date | None, none: int = NO_DATE) -> int:
    if value is None:
        return none
    if value == date.max:
        return int(FOREVER)
    return (value - EPOCH).days


def _tristate(value: bool | None) -> int:
    return -1 if value is None else int(value)


@dataclass(frozen=True)
class ListingFacts:
    """What both the SQLite row and the columnar row need, computed once per listing."""

    active_until: date | None
    verified_until: date | None
    lapsed_status: LicenseStatus
    source_kinds: int

    @classmethod
    def of(cls, listing: Listing) -> ListingFacts:
        return cls(listing.active_until(), listing.verified_until(), listing.lapsed_status(), len({s.kind for s in listing.sources}))


# One listing's columnar values: those of ROW_FIELDS in order, then its condition fits
# ((condition id, fit, BASES position, via), ...), then its languages (case-folded, each once).
ColumnarRow = tuple[Any, ...]
_STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}
_BASIS_CODES = {basis: code for code, basis in enumerate(BASES)}


class ColumnarRows:
    """A listing's columnar values, from the listing alone (with the vocabulary and the build day):
    computable in another process than the one that collects them."""

    def __init__(self, vocab: Vocabulary, built_on: date) -> None:
        self.vocab = vocab
        # Certification bits and fits are written once per index: as of the day it is built for.
        self.built_on = built_on
        self.term_bits = TermBits.of(vocab)

    def row(self, listing: Listing, facts: ListingFacts) -> ColumnarRow:
        loc = listing.location
        years = listing.years_experience
        fits = condition_fits(listing, self.vocab, self.built_on)
        return (
            loc.lat if loc and loc.lat is not None else np.nan,
            loc.lon if loc and loc.lon is not None else np.nan,
            _days(facts.active_until),
            _days(facts.verified_until),
            _STATUS_CODES[facts.lapsed_status.value],
            years if years is not None else np.nan,
            facts.source_kinds,
            TermBits.bits(listing.modalities, self.term_bits.modality_bit),
            TermBits.bits((c.id for c in listing.current_certifications(self.built_on)), self.term_bits.cert_bit),
            _days(listing.last_seen),
            GENDERS.get(listing.gender, 0),
            _tristate(listing.accepting_new_clients),
            _tristate(listing.mobile),
            tuple((condition_id, fit.score, _BASIS_CODES[fit.basis], fit.via) for condition_id, fit in fits.items()),
            tuple(dict.fromkeys(lang.casefold() for lang in listing.languages)),
        )


class ColumnarBuilder(ColumnarRows):
    """Collects one row per listing while the SQLite index is written, rows numbered as appended."""

    def __init__(self, vocab: Vocabulary, built_on: date) -> None:
        super().__init__(vocab, built_on)
        # Machine values as rows come (a national index has hundreds of thousands): Python
        # floats and ints in lists cost four times as much in the writing process.
        self.rows: dict[str, MutableSequence[Any]] = {name: array(_TYPECODES[dtype]) for name, dtype in ROW_FIELDS.items()}
        self._columns = tuple(self.rows.values())
        self.conditions: dict[str, tuple[MutableSequence[int], MutableSequence[float], MutableSequence[int], list[str]]] = {}
        self.languages: dict[str, list[int]] = {}
        self.count = 0

    def append(self, values: ColumnarRow) -> None:
        """Add the row `row` made (here or in another process) as the next row."""
        row = self.count
        self.count += 1
        for column, value in zip(self._columns, values, strict=False):  # the fits and languages follow
            column.append(value)
        conditions = self.conditions
        for condition_id, fit, basis, via in values[-2]:  # a dozen a listing: the writer's inner loop
            found = conditions.get(condition_id)
            if found is None:
                found = conditions[condition_id] = (array("i"), array("d"), array("b"), [])
            found[0].append(row)
            found[1].append(fit)
            found[2].append(basis)
            found[3].append(via)
        for language in values[-1]:
            self.languages.setdefault(language, []).append(row)

    def to_blob(self, order: np.ndarray | None = None) -> bytes:
        """The stored index of the rows appended, or of them taken in `order` (row positions)."""
        columns: dict[str, np.ndarray] = {name: np.array(self.rows[name], dtype=dtype) for name, dtype in ROW_FIELDS.items()}
        names = sorted(self.conditions)
        vias = sorted({v for c in self.conditions.values() for v in c[3]})
        via_index = {v: i for i, v in enumerate(vias)}
        entries = ConditionEntries(
            names,
            vias,
            np.repeat(np.arange(len(names), dtype=np.int64), [len(self.conditions[n][0]) for n in names]),
            _joined([self.conditions[n][0] for n in names], np.int64),
            _joined([self.conditions[n][1] for n in names], np.float64),
            _joined([self.conditions[n][2] for n in names], np.int8),
            np.array([via_index[x] for n in names for x in self.conditions[n][3]], dtype=np.int32),
        )
        languages = self.languages
        if order is not None:
            position = np.empty(len(order), dtype=np.int64)
            position[order] = np.arange(len(order))
            columns = {name: column[order] for name, column in columns.items()}
            entries = replace(entries, row=position[entries.row])
            languages = {lang: np.sort(position[rows]).tolist() for lang, rows in languages.items()}
        return blob_of(columns, entries, languages, self.term_bits)


@dataclass(frozen=True)
class ConditionEntries:
    """Every listing's condition fits, one entry each, in any order: the condition's position in
    `names` (sorted), the row, the fit, the basis (position in BASES) and the via's position in
    `vias` (sorted)."""

    names: list[str]
    vias: list[str]
    condition: np.ndarray  # int64
    row: np.ndarray  # int64
    fit: np.ndarray  # float64
    basis: np.ndarray  # int8
    via: np.ndarray  # int32


def blob_of(columns: dict[str, np.ndarray], entries: ConditionEntries, languages: dict[str, list[int]], term_bits: TermBits) -> bytes:
    """The stored index: `columns` (ROW_FIELDS, one value per row), the condition entries, each
    language's rows (in row order) and the vocabulary's terms. A full build and an incremental
    patch both write through here, so the same rows give the same arrays."""
    arrays = dict(columns)
    cells, lons = grid_keys(columns["lat"], columns["lon"])
    # Within each condition, entries in grid order (ties in row order): a search near a place
    # reads only the cells around it, and within a cell only the longitudes of its box.
    row = entries.row
    order = np.lexsort((row, lons[row], cells[row], entries.condition))
    row = row[order]
    offsets = np.zeros(len(entries.names) + 1, dtype=np.int64)
    np.cumsum(np.bincount(entries.condition, minlength=len(entries.names)), out=offsets[1:])
    arrays["cond_offsets"] = offsets
    arrays["cond_rows"] = row.astype(np.int32)
    arrays["cond_cell"] = cells[row]
    arrays["cond_lon"] = lons[row]
    grid = np.lexsort((lons, cells))
    arrays["grid_rows"] = grid.astype(np.int32)
    arrays["grid_cell"] = cells[grid]
    arrays["grid_lon"] = lons[grid]
    arrays["cond_fit"] = entries.fit[order]
    arrays["cond_basis"] = entries.basis[order]
    arrays["cond_via"] = entries.via[order]
    header = {
        "conditions": entries.names,
        "vias": entries.vias,
        "modalities": list(term_bits.modalities),
        "certifications": list(term_bits.certifications),
        "languages": languages,
    }
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as the allow_pickle flag
    return buffer.getvalue()


_TYPECODES: dict[type, str] = {np.float64: "d", np.int32: "i", np.int8: "b", np.uint64: "Q"}


def _joined(parts: list[Sequence[Any]], dtype: type) -> np.ndarray:
    return np.concatenate([np.asarray(p, dtype=dtype) for p in parts]) if parts else np.empty(0, dtype=dtype)


CELL_DEGREES = 0.5
NO_CELL = np.iinfo(np.int32).max  # listings without a location sort after every cell


def grid_keys(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's latitude cell and longitude, the sort keys of the grid order."""
    located = ~np.isnan(lat)
    cells = np.full(len(lat), NO_CELL, dtype=np.int32)
    cells[located] = np.floor(lat[located] / CELL_DEGREES).astype(np.int32)
    return cells, np.nan_to_num(lon, nan=np.inf)


def _lon_ranges(min_lon: float, max_lon: float) -> list[tuple[float, float]]:
    """The box's longitudes within [-180, 180]: two ranges when it crosses the antimeridian
    (a search near the western Aleutians reaches listings on both sides of it)."""
    if max_lon - min_lon >= 360:
        return [(-180.0, 180.0)]
    ranges = [(max(min_lon, -180.0), min(max_lon, 180.0))]
    if min_lon < -180:
        ranges.append((min_lon + 360, 180.0))
    if max_lon > 180:
        ranges.append((-180.0, max_lon - 360))
    return ranges


def box_positions(cells: np.ndarray, lons: np.ndarray, min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> np.ndarray:
    """Positions, in arrays in grid order, of the entries inside the box (to cell precision in latitude)."""
    parts = []
    as_cell, as_lon = cells.dtype.type, lons.dtype.type  # a key of another dtype would copy the array
    ranges = _lon_ranges(min_lon, max_lon)
    for cell in range(int(np.floor(min_lat / CELL_DEGREES)), int(np.floor(max_lat / CELL_DEGREES)) + 1):
        start, end = np.searchsorted(cells, as_cell(cell), side="left"), np.searchsorted(cells, as_cell(cell), side="right")
        if start == end:
            continue
        for low, high in ranges:
            lo = start + np.searchsorted(lons[start:end], as_lon(low), side="left")
            hi = start + np.searchsorted(lons[start:end], as_lon(high), side="right")
            if hi > lo:
                parts.append(np.arange(lo, hi))
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each point as a unit vector from the Earth's centre (NaN where the location is unknown)."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)


def chord_distances_km(unit: tuple[np.ndarray, np.ndarray, np.ndarray], rows: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """Great-circle distances from (lat, lon) to `rows`, rounded to metres like `geo.distance_km`.

    The haversine term sin²(θ/2) is a quarter of the squared chord between the two unit vectors,
    so no sine is taken per row (float64 sines were a third of a dense search). It agrees with
    `geo.haversine_km` to ~1e-12 km, which the metre rounding hides but at a rounding boundary."""
    x0, y0, z0 = (float(v[0]) for v in unit_vectors(np.array([lat]), np.array([lon])))
    dx, dy, dz = unit[0].take(rows) - x0, unit[1].take(rows) - y0, unit[2].take(rows) - z0
    h = (dx * dx + dy * dy + dz * dz) * 0.25
    return np.round(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), 3)


class ColumnarIndex:
    def __init__(self, blob: bytes, ids: list[str], name_keys: list[str]) -> None:
        data = np.load(io.BytesIO(blob), allow_pickle=False)
        self.a = {name: data[name] for name in data.files if name != "header"}
        header = json.loads(data["header"].tobytes().decode())
        # Rows are renumbered in grid order: the listings near a place are then neighbours in
        # every array, and a search reads short runs of memory instead of scattered values.
        order = self.a.pop("grid_rows").astype(np.int64)  # grid position → stored row
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        for name in ROW_FIELDS:
            self.a[name] = self.a[name][order]
        self.a["cond_rows"] = position[self.a["cond_rows"]].astype(np.int32)
        stored_rows = order.tolist()
        self.ids = [ids[row] for row in stored_rows]
        self.name_keys = [name_keys[row] for row in stored_rows]
        id_array = np.array(self.ids, dtype=object)
        by_id = np.argsort(id_array, kind="stable")
        self.id_rank = np.empty(len(self.ids), dtype=np.int64)
        self.id_rank[by_id] = np.arange(len(self.ids))
        self.sorted_ids = id_array[by_id]  # to rank a cursor's id, also one no longer in the index
        self.conditions = {name: i for i, name in enumerate(header["conditions"])}
        self.vias = header["vias"]
        self.term_bits = TermBits(tuple(header["modalities"]), tuple(header["certifications"]))
        self.languages = {lang: np.sort(position[np.array(rows, dtype=np.int64)]) for lang, rows in header["languages"].items()}
        self.unit = unit_vectors(self.a["lat"], self.a["lon"])
        # Score terms that depend on the listing alone.
        self.experience = experience_term(self.a["years"])
        self.confidence = confidence_term(self.a["kinds"])

    def rows_of(self, ids: frozenset[str]) -> np.ndarray:
        """The row positions of these listing ids (ids not in the index are skipped)."""
        found = np.searchsorted(self.sorted_ids, np.array(sorted(ids), dtype=object))
        found = found[found < len(self.sorted_ids)]
        wanted = found[np.isin(self.sorted_ids[found], list(ids))]
        return np.flatnonzero(np.isin(self.id_rank, wanted))

    def _bits(self, ids: list[str], table: dict[str, int]) -> np.uint64:
        return np.uint64(TermBits.bits(ids, table))

    def search(self, query: SearchQuery, vocab: Vocabulary) -> ColumnarFound:
        """The listings that pass the query's filters, scored as vectors."""
        a = self.a
        today = _days(query.today)
        fit = basis = via = None
        if query.conditions:
            c = self.conditions.get(query.conditions[0].id)
            if c is None:
                rows = np.empty(0, dtype=np.int64)
                fit = np.empty(0)
                basis = via = np.empty(0, dtype=np.int32)
            else:
                lo, hi = int(a["cond_offsets"][c]), int(a["cond_offsets"][c + 1])
                where = np.arange(lo, hi)
                if query.near is not None:
                    where = lo + box_positions(
                        a["cond_cell"][lo:hi], a["cond_lon"][lo:hi], *bounding_box(query.near.lat, query.near.lon, query.radius_km)
                    )
                rows = a["cond_rows"][where].astype(np.int64)
                fit, basis, via = a["cond_fit"][where], a["cond_basis"][where], a["cond_via"][where]
        elif query.near is not None:
            # The grid cells around the point, longitudes of the box within each; the radius is exact below.
            where = box_positions(a["grid_cell"], a["grid_lon"], *bounding_box(query.near.lat, query.near.lon, query.radius_km))
            rows = where  # grid positions are row numbers
        else:
            rows = np.arange(len(self.ids), dtype=np.int64)

        keep = np.ones(len(rows), dtype=bool)
        if query.exclude_ids:
            keep &= ~np.isin(rows, self.rows_of(query.exclude_ids))
        if query.license_status == "active":
            keep &= a["active_until"].take(rows) >= today
        if query.verified_only:
            keep &= a["verified_until"].take(rows) >= today
        if query.min_fit > 0 and fit is not None:
            keep &= fit >= query.min_fit
        if query.modalities:
            keep &= (a["mod_bits"].take(rows) & self._bits(query.modality_ids, self.term_bits.modality_bit)) != 0
        if query.certifications:
            keep &= (a["cert_bits"].take(rows) & self._bits(query.certification_ids, self.term_bits.cert_bit)) != 0
        if query.min_years is not None:
            keep &= np.nan_to_num(a["years"].take(rows), nan=0.0) >= query.min_years
        if query.language:
            speakers = self.languages.get(query.language.casefold(), np.empty(0, dtype=np.int64))
            keep &= np.isin(rows, speakers)
        if query.gender:
            keep &= a["gender"].take(rows) == GENDERS[query.gender]
        if query.accepting_new_clients is not None:
            keep &= a["accepting"].take(rows) == int(query.accepting_new_clients)
        if query.mobile is not None:
            keep &= a["mobile"].take(rows) == int(query.mobile)
        if query.name_text:
            wanted = name_words(query.name_text)
            keep &= np.fromiter((name_matches(wanted, self.name_keys[r]) for r in rows), dtype=bool, count=len(rows))

        distances = None
        if query.near is not None:
            distances = chord_distances_km(self.unit, rows, query.near.lat, query.near.lon)
            keep &= ~np.isnan(distances) & (distances <= query.radius_km)

        kept = np.flatnonzero(keep)  # one pass over the mask, then cheap takes
        rows = rows.take(kept)
        if fit is not None and basis is not None and via is not None:
            fit, basis, via = fit.take(kept), basis.take(kept), via.take(kept)
        if distances is not None:
            distances = distances.take(kept)

        cert_bits, mod_bits = a["cert_bits"].take(rows), a["mod_bits"].take(rows)
        relevant = self._bits(sorted(relevant_certifications(query, vocab)), self.term_bits.cert_bit)
        board = self._bits([BOARD_CERTIFICATION], self.term_bits.cert_bit)
        wanted_modalities = self._bits(query.wanted_modality_ids, self.term_bits.modality_bit)
        inputs = ScoreInputs(
            fit=fit if fit is not None else np.zeros(len(rows)),
            technique=(mod_bits & wanted_modalities) != 0,
            verified=a["verified_until"].take(rows) >= today,
            board_certified=(cert_bits & board) != 0,
            relevant_certified=(cert_bits & relevant) != 0,
            experience=self.experience.take(rows),
            confidence=self.confidence.take(rows),
            distance_km=distances,
            stale=a["last_seen"].take(rows) < today - query.stale_after_days,  # NO_DATE (-1) is stale too
        )
        if query.license_status == "active":
            status = np.full(len(rows), STATUSES.index("active"), dtype=np.int8)  # the filter kept only these
        else:
            status = np.where(a["active_until"].take(rows) >= today, STATUSES.index("active"), a["lapsed"].take(rows))
        facets = FacetInputs(mod_bits, cert_bits, status, distances, self.term_bits)
        return ColumnarFound(self, query, rows, inputs, basis, via, facets)

    @lru_cache(maxsize=4096)  # noqa: B019 - one index per file, few distinct combinations
    def names(self, bits: int, names: tuple[str, ...]) -> tuple[str, ...]:
        return self.term_bits.names(bits, names)

    def rank_after(self, listing_id: str) -> int:
        """The first id rank after `listing_id`, also for an id no longer in the index."""
        return int(np.searchsorted(self.sorted_ids, listing_id, side="right"))


class ColumnarFound(CandidateSet):
    """A columnar search's candidates. Vector scores read chord distances, which may differ from
    `geo.distance_km` by a metre at a rounding boundary: the bound covers it, and the page window
    is re-scored with exact distances."""

    def __init__(
        self,
        index: ColumnarIndex,
        query: SearchQuery,
        rows: np.ndarray,
        inputs: ScoreInputs,
        basis: np.ndarray | None,
        via: np.ndarray | None,
        facets: FacetInputs,
    ) -> None:
        self.index, self.query, self.rows, self.inputs, self.basis, self.via = index, query, rows, inputs, basis, via
        self._exact: dict[int, float] = {}  # position → exact distance: the window's are needed twice
        bound = distance_error_bound(query, CHORD_ERROR_KM)
        super().__init__(score_inputs(query, inputs), index.id_rank.take(rows), facets, bound)

    def rank_after(self, listing_id: str) -> int:
        return self.index.rank_after(listing_id)

    def _exact_distances(self, positions: np.ndarray) -> list[float]:
        near, lat, lon, known = self.query.near, self.index.a["lat"], self.index.a["lon"], self._exact
        assert near is not None
        for i in positions.tolist():
            if i not in known:
                row = int(self.rows[i])
                known[i] = distance_km(near.lat, near.lon, float(lat[row]), float(lon[row]))
        return [known[i] for i in positions.tolist()]

    def exact_scores(self, positions: np.ndarray) -> np.ndarray:
        if self.query.near is None:
            return self.scores.take(positions)
        exact = self.inputs.take(positions)
        exact = replace(exact, distance_km=np.array(self._exact_distances(positions), dtype=np.float64))
        return score_inputs(self.query, exact)

    def candidates(self, positions: np.ndarray) -> list[Candidate]:
        index, a, inputs, facets = self.index, self.index.a, self.inputs, self.facets
        assert facets is not None
        distances = self._exact_distances(positions) if self.query.near is not None else [None] * len(positions)
        out = []
        for i, distance in zip(positions.tolist(), distances, strict=True):
            row = int(self.rows[i])
            years = float(a["years"][row])
            out.append(
                Candidate(
                    id=index.ids[row],
                    verified=bool(inputs.verified[i]),
                    status=STATUSES[int(facets.status[i])],
                    years_experience=None if np.isnan(years) else years,
                    certification_ids=index.names(int(facets.cert_bits[i]), index.term_bits.certifications),
                    modality_ids=index.names(int(facets.mod_bits[i]), index.term_bits.modalities),
                    source_kinds=int(a["kinds"][row]),
                    fit=Fit(float(inputs.fit[i]), BASES[int(self.basis[i])], index.vias[int(self.via[i])])
                    if self.basis is not None and self.via is not None
                    else None,
                    distance_km=distance,
                    stale=bool(inputs.stale[i]),
                )
            )
        return out
