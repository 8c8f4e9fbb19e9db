"""What an incremental build keeps between builds, beside the raw files (`.index_state.*`).

Two parts, read differently:
- `lines` (`.index_state.sqlite`, with the licence states), one row per raw line (its content hash and occurrence → what extracting it gave), read
  only for the lines whose records a re-index re-links or re-merges;
- `graph` (`.index_state.graph`), one pickle loaded whole: per record where it came from, what linkage reads of its names
  and licences, its edges and connected component; per component its refused joins and review
  pairs; per cluster its records, listing id, fate and what was written for it; the blocking keys
  as arrays. About 300 bytes a record pickled, loaded in a small fraction of a build.

The graph names the index file it describes (a token in the index's meta table): a state whose
index was replaced by another build since is not used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from directory.models import FactConflict, Listing
from indexer.extract import SourceRecord
from indexer.linkage import ReviewPair

log = logging.getLogger(__name__)
STATE_FILE = ".index_state.sqlite"
GRAPH_FILE = ".index_state.graph"

LineResult = tuple[list[SourceRecord], str | None]  # records as extracted (before distinct_keys), or the quarantine reason
Pair = tuple[str, str]


class RecordState(
    NamedTuple
):  # tuples: the state is pickled and unpickled whole, fastest as tuples (dataclasses with slots pickle through Python code)
    line: bytes  # the raw line's ident: content hash + occurrence
    pos: int  # its place among the line's records
    raw_key: str  # its key as extracted, before `extract.distinct_keys`
    last_key: str  # its surname as extracted: the surnames double surnames are read against
    compound: str  # the double surname its middle name and surname may spell, or ""
    names: tuple[Pair, ...]  # the full names linkage compares it under: the linked one first
    licences: tuple[str, ...]
    npi: str | None
    neighbours: tuple[str, ...]  # records it shares an edge with: a pair that can matter, or an admin's pair
    component: int
    cluster: str  # its cluster's token (the cluster's smallest record key)


class ClusterState(NamedTuple):
    keys: tuple[str, ...]  # in build order
    roster_only: bool  # not enough for a listing
    listing_id: str | None = None
    fate: str = ""  # "listed", "suppressed", "hidden" ("" for a roster-only cluster)
    decided_by: str = ""  # the overrides applied to its listing, fingerprinted
    unparsed: tuple[str, ...] = ()  # fields of its listing kept as published
    conflicts: tuple[FactConflict, ...] = ()


@dataclass
class Graph:
    fingerprint: str
    token: str = ""
    line_keys: dict[bytes, tuple[str, ...]] = field(default_factory=dict)  # each line's record keys, after distinct_keys
    quarantined: dict[bytes, str] = field(default_factory=dict)
    records: dict[str, RecordState] = field(default_factory=dict)
    clusters: dict[str, ClusterState] = field(default_factory=dict)
    components: dict[int, tuple[int, list[ReviewPair]]] = field(default_factory=dict)  # refused joins, review pairs
    next_component: int = 0
    must_link: frozenset[Pair] = frozenset()
    cannot_link: frozenset[Pair] = frozenset()
    block_hash: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # sorted (`linkage.blocking_keys`)
    block_rec: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))  # → block_keys
    block_keys: list[str] = field(default_factory=list)

    def indexes(self) -> Indexes:
        return Indexes.of(self)


@dataclass
class Indexes:
    """Lookups derived from the graph's records when it is loaded (cheaper than storing them)."""

    surnames: Counter[str]
    by_name: dict[Pair, list[str]]
    by_compound: dict[str, list[str]]
    by_raw_key: dict[str, list[str]]
    block_index: dict[str, int]

    @classmethod
    def of(cls, graph: Graph) -> Indexes:
        surnames: Counter[str] = Counter()
        by_name: dict[Pair, list[str]] = defaultdict(list)
        by_compound: dict[str, list[str]] = defaultdict(list)
        by_raw_key: dict[str, list[str]] = defaultdict(list)
        for key, rec in graph.records.items():
            surnames[rec.last_key] += 1
            for name in rec.names:
                by_name[name].append(key)
            if rec.compound:
                by_compound[rec.compound].append(key)
            by_raw_key[rec.raw_key].append(key)
        return cls(surnames, by_name, by_compound, by_raw_key, {key: i for i, key in enumerate(graph.block_keys)})


class LicenceCounts(Mapping[Pair, int]):
    """`linkage.link`'s `name_licences`: each full name's count, worked out when it is first asked
    for (from the records under that name), not for every name of the build."""

    def __init__(self, held: Callable[[Pair], Counter[str]]) -> None:
        self.held = held

    def __getitem__(self, name: Pair) -> int:
        return len(self.held(name))

    def __iter__(self) -> Iterator[Pair]:
        return iter(())

    def __len__(self) -> int:
        return 0


class StateStore:
    def __init__(self, raw_dir: Path) -> None:
        self.path = raw_dir / STATE_FILE
        self.graph_path = raw_dir / GRAPH_FILE

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path)
        conn.execute("CREATE TABLE IF NOT EXISTS lines (ident BLOB PRIMARY KEY, result BLOB NOT NULL) WITHOUT ROWID")
        # What the curation store reads of each listing (id, name, licences), by cluster token: read
        # only by builds that report to a curation store.
        conn.execute("CREATE TABLE IF NOT EXISTS licences (token TEXT PRIMARY KEY, state BLOB NOT NULL) WITHOUT ROWID")
        return conn

    def load(self, fingerprint: str, token: str | None) -> Graph | None:
        """The stored graph if it was made for this fingerprint and the live index; else None, logged."""
        if not (self.path.is_file() and self.graph_path.is_file()):
            log.info("no incremental state in %s: a full build", self.path.parent)
            return None
        try:
            blob = self.graph_path.read_bytes()
            digest, body = blob[:32], blob[32:]
            if hashlib.blake2b(body, digest_size=32).digest() != digest:
                raise ValueError("its digest does not match: written half-way")
            graph = pickle.loads(body)
        except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as exc:
            log.warning("incremental state %s unreadable (%s): a full build", self.path, exc)
            return None
        if not isinstance(graph, Graph):
            log.info("incremental state %s holds no graph: a full build", self.path)
            return None
        if graph.fingerprint != fingerprint:
            log.info("incremental state %s is for another date, vocabulary or indexer version: a full build", self.path)
            return None
        if token is None or graph.token != token:
            log.info("incremental state %s describes another index than the live one: a full build", self.path)
            return None
        return graph

    def results(self, idents: Iterable[bytes]) -> dict[bytes, LineResult]:
        wanted = list(set(idents))
        out: dict[bytes, LineResult] = {}
        conn = self._connect()
        try:
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                marks = ", ".join("?" for _ in batch)
                for ident, blob in conn.execute(f"SELECT ident, result FROM lines WHERE ident IN ({marks})", batch):
                    out[ident] = pickle.loads(blob)
        finally:
            conn.close()
        return out

    def licence_states(self) -> dict[str, Listing]:
        conn = self._connect()
        try:
            return {token: pickle.loads(blob) for token, blob in conn.execute("SELECT token, state FROM licences")}
        finally:
            conn.close()

    def save(
        self,
        graph: Graph,
        added: dict[bytes, LineResult],
        removed: Iterable[bytes],
        licences: dict[str, Listing | None],
        fresh: bool,
    ) -> None:
        """Store the lines that changed and the licence states that did (None: gone) in one
        transaction (`fresh`: these are all of them, and any older rows go), then the graph, as a
        file renamed into place. Whatever a crash leaves is not used: a graph from before names the
        index from before, and a half-written one fails its digest; either way, a full build."""
        try:
            if fresh:
                self.path.unlink(missing_ok=True)
            conn = self._connect()
            try:
                conn.execute("PRAGMA synchronous = NORMAL")
                with conn:
                    conn.executemany("DELETE FROM lines WHERE ident = ?", ((ident,) for ident in removed))
                    conn.executemany(
                        "INSERT OR REPLACE INTO lines VALUES (?, ?)",
                        ((ident, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)) for ident, result in added.items()),
                    )
                    conn.executemany("DELETE FROM licences WHERE token = ?", ((t,) for t, state in licences.items() if state is None))
                    conn.executemany(
                        "INSERT OR REPLACE INTO licences VALUES (?, ?)",
                        ((t, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)) for t, state in licences.items() if state is not None),
                    )
            finally:
                conn.close()
            body = pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL)
            tmp = self.graph_path.with_name(f"{self.graph_path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(hashlib.blake2b(body, digest_size=32).digest())
                fh.write(body)
            os.replace(tmp, self.graph_path)
        except (OSError, sqlite3.Error) as exc:
            log.warning("could not write incremental state %s (%s); the next incremental build is a full one", self.path, exc)
