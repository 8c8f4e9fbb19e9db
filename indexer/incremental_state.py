"""What an incremental build keeps between builds, beside the raw files (`.index_state.*`).

A re-index reads and writes only what it touches:
- `.index_state.sqlite`: one row per raw line (its content hash and occurrence → what extracting
  it gave, and the record keys it gave after `extract.distinct_keys`), one per record (`RecordTable`:
  where it came from, what linkage reads of its names and licences, its edges, component and
  cluster, with indexes by extracted key, double surname, NPI, and side tables by full name and by
  licence), and per listing what the curation store reads of it. Rows are read as a re-index asks
  for them and written back, in one transaction, only where they changed;
- `.index_state.graph`, one pickle loaded whole, of what is small or needed whole: every line's
  record count, the clusters, the components with refused joins or review pairs, the surname
  counts, the blocking keys as sorted arrays, and what the last build decided (the listed clusters
  in id order, the ones not plainly listed, each id's cluster), so that a re-index decides again
  only the clusters that can differ.

The graph names the index file it describes (a token in the index's meta table), and the SQLite
file names the graph its records belong to (the same token, written in the transaction that
writes them): a state whose index was replaced by another build since, or whose two files are
from different builds, is not used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np

from directory.models import FactConflict, Listing
from indexer.extract import SourceRecord
from indexer.linkage import ReviewPair

log = logging.getLogger(__name__)
STATE_FILE = ".index_state.sqlite"
GRAPH_FILE = ".index_state.graph"

LineResult = tuple[list[SourceRecord], str | None]  # records as extracted (before distinct_keys), or the quarantine reason
Pair = tuple[str, str]
Row = TypeVar("Row")


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


def _select(conn: sqlite3.Connection, sql: str, args: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Run `sql`, which has one `IN ({marks})`, over `args` in batches."""
    values, out = list(args), []
    for start in range(0, len(values), 500):
        batch = values[start : start + 500]
        out += conn.execute(sql.format(marks=", ".join("?" * len(batch))), batch).fetchall()
    return out


class LineKeys:
    """Each stored line's record keys (after `extract.distinct_keys`), by line ident: how many
    each line has is kept for every line (a crawl asks it of every line), the keys themselves in
    the state's `line_keys` table, read for the lines a re-index drops or changes."""

    def __init__(self, path: Path | None = None, counts: dict[bytes, int] | None = None) -> None:
        self.path = path  # None: a fresh graph
        self.counts: dict[bytes, int] = counts if counts is not None else {}
        self.cache: dict[bytes, tuple[str, ...] | None] = {}
        self.changed: set[bytes] = set()

    def fetch(self, idents: Iterable[bytes]) -> None:
        wanted = [i for i in dict.fromkeys(idents) if i not in self.cache and i in self.counts]
        if not wanted or self.path is None:
            return
        conn = sqlite3.connect(self.path)
        try:
            for ident, keys in _select(conn, "SELECT ident, keys FROM line_keys WHERE ident IN ({marks})", wanted):
                self.cache[ident] = tuple(json.loads(keys))
        finally:
            conn.close()

    def __contains__(self, ident: object) -> bool:
        return ident in self.counts

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)

    def __getitem__(self, ident: bytes) -> tuple[str, ...]:
        if ident not in self.counts:
            raise KeyError(ident)
        self.fetch((ident,))
        keys = self.cache[ident]
        assert keys is not None
        return keys

    def get(self, ident: bytes, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        return self[ident] if ident in self.counts else default

    def __setitem__(self, ident: bytes, keys: tuple[str, ...]) -> None:
        self.counts[ident] = len(keys)
        self.cache[ident] = keys
        self.changed.add(ident)

    def pop(self, ident: bytes) -> None:
        if self.counts.pop(ident, None) is not None:
            self.cache[ident] = None
            self.changed.add(ident)

    def write(self, conn: sqlite3.Connection, fresh: bool) -> None:
        changed = sorted(self.changed)
        if not fresh:
            conn.executemany("DELETE FROM line_keys WHERE ident = ?", ((i,) for i in changed))
        conn.executemany(
            "INSERT INTO line_keys VALUES (?, ?)", ((i, json.dumps(keys)) for i in changed if (keys := self.cache.get(i)) is not None)
        )
        self.changed.clear()


class _Rows(Generic[Row]):
    """One table of the state (`key` → a pickled row), read only as a re-index asks for rows and
    kept in memory with the changes, which `StateStore.save` writes back (only the changed rows)."""

    TABLE = ""

    def __init__(self, path: Path | None = None, count: int = 0) -> None:
        self.path = path  # None: a fresh graph, with nothing stored
        self.count = count
        self.cache: dict[str, Row | None] = {}  # None: not stored, or gone
        self.stored: dict[str, Row | None] = {}  # the rows read, as stored
        self.changed: set[str] = set()
        self._conn: sqlite3.Connection | None = None

    def _decode(self, blob: bytes) -> Row:
        raise NotImplementedError

    def _query(self, sql: str, args: Iterable[Any]) -> list[tuple[Any, ...]]:
        """Run `sql` (one `IN ({marks})`) over `args` in batches; nothing for a fresh graph."""
        if self.path is None:
            return []
        if self._conn is None:
            self._conn = sqlite3.connect(self.path)
        return _select(self._conn, sql, args)

    def fetch(self, keys: Iterable[str]) -> None:
        """Read the stored rows of `keys` not read yet."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self.cache]
        if not wanted:
            return
        self.stored.update(dict.fromkeys(wanted))
        for key, blob in self._query(f"SELECT key, state FROM {self.TABLE} WHERE key IN ({{marks}})", wanted):
            self.stored[key] = self._decode(blob)
        self.cache.update((k, self.stored[k]) for k in wanted)

    def __getitem__(self, key: str) -> Row:
        if key not in self.cache:
            self.fetch((key,))
        row = self.cache[key]
        if row is None:
            raise KeyError(key)
        return row

    def get(self, key: str) -> Row | None:
        if key not in self.cache:
            self.fetch((key,))
        return self.cache[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __setitem__(self, key: str, row: Row) -> None:
        if self.get(key) is None:
            self.count += 1
        self.cache[key] = row
        self.changed.add(key)

    def pop(self, key: str) -> Row | None:
        row = self.get(key)
        if row is not None:
            self.count -= 1
            self.cache[key] = None
            self.changed.add(key)
        return row

    def __len__(self) -> int:
        return self.count

    def rows_changed(self) -> Iterator[tuple[str, Row | None, Row | None]]:
        """(key, as stored, as now) of the rows that changed."""
        for key in sorted(self.changed):
            old, new = self.stored.get(key), self.cache.get(key)
            if old != new:
                yield key, old, new

    def written(self) -> None:
        self.stored.update((k, self.cache[k]) for k in self.changed)
        self.changed.clear()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class RecordTable(_Rows[RecordState]):
    """The graph's records, kept in the state's `records` table (with side tables by name and by
    licence) and read only as a re-index asks for them: by key, or through an index (extracted
    key, double surname, full name, NPI, licence). The index lookups see the stored rows, as the
    last build left them; the rows a build changed are looked up in memory."""

    TABLE = "records"

    def _decode(self, blob: bytes) -> RecordState:
        return RecordState(*pickle.loads(blob))

    def _stored(self, sql: str, values: Iterable[Any]) -> list[str]:
        return [key for (key,) in self._query(sql, values)]

    def by_raw_key(self, raw_keys: Iterable[str]) -> list[str]:
        return self._stored("SELECT key FROM records WHERE raw_key IN ({marks}) ORDER BY raw_key, key", sorted(set(raw_keys)))

    def by_compound(self, surnames: Iterable[str]) -> list[str]:
        return self._stored("SELECT key FROM records WHERE compound IN ({marks}) ORDER BY compound, key", sorted(set(surnames)))

    def by_names(self, names: Iterable[Pair]) -> dict[Pair, list[str]]:
        """The stored records compared under each of these full names (their linked name or another)."""
        wanted = {_name(n): n for n in names}
        out: dict[Pair, list[str]] = defaultdict(list)
        for name, key in self._query("SELECT name, key FROM names WHERE name IN ({marks}) ORDER BY name, key", sorted(wanted)):
            out[wanted[name]].append(key)
        return out

    def covered(self, npis: Collection[str], licences: AbstractSet[str], keys: Collection[str]) -> set[str]:
        """The records (as they are now) with one of these NPIs, licences or keys."""
        found = set(keys) | set(self._stored("SELECT key FROM records WHERE npi IN ({marks})", npis))
        found |= set(self._stored("SELECT key FROM licences_held WHERE licence IN ({marks})", licences))
        found |= {k for k, state in self.cache.items() if state is not None and k in self.changed}
        self.fetch(found)
        return {
            k
            for k in found
            if k in keys
            or ((state := self.cache.get(k)) is not None and ((state.npi and state.npi in npis) or not licences.isdisjoint(state.licences)))
        }


class ClusterTable(_Rows[ClusterState]):
    """The graph's clusters, by token (their smallest record key), in the state's `clusters` table.
    Which of them have fields kept as published or fact conflicts is kept for all (`unparsed`,
    `conflicted`): a build reports those of every listing."""

    TABLE = "clusters"

    def __init__(
        self, path: Path | None = None, count: int = 0, unparsed: set[str] | None = None, conflicted: set[str] | None = None
    ) -> None:
        super().__init__(path, count)
        self.unparsed: set[str] = unparsed if unparsed is not None else set()
        self.conflicted: set[str] = conflicted if conflicted is not None else set()

    def _decode(self, blob: bytes) -> ClusterState:
        keys, roster_only, listing_id, fate, decided_by, unparsed, conflicts = pickle.loads(blob)
        return ClusterState(keys, roster_only, listing_id, fate, decided_by, unparsed, conflicts)

    def __setitem__(self, key: str, row: ClusterState) -> None:
        super().__setitem__(key, row)
        for marks, has in ((self.unparsed, row.unparsed), (self.conflicted, row.conflicts)):
            if has:
                marks.add(key)
            else:
                marks.discard(key)

    def pop(self, key: str) -> ClusterState | None:
        self.unparsed.discard(key)
        self.conflicted.discard(key)
        return super().pop(key)


def _name(name: Pair) -> str:
    return f"{name[0]}\t{name[1]}"


@dataclass
class Graph:
    fingerprint: str
    token: str = ""
    line_keys: LineKeys = field(default_factory=LineKeys)  # not pickled but for its counts (`line_counts`)
    quarantined: dict[bytes, str] = field(default_factory=dict)
    records: RecordTable = field(default_factory=RecordTable)  # not pickled: rows of the state's `records` table
    surnames: Counter[str] = field(default_factory=Counter)  # the records' surnames (`last_key`), counted
    clusters: ClusterTable = field(default_factory=ClusterTable)  # not pickled: rows of the state's `clusters` table
    components: dict[int, tuple[int, list[ReviewPair]]] = field(default_factory=dict)  # refused joins, review pairs (if any)
    next_component: int = 0
    must_link: frozenset[Pair] = frozenset()
    cannot_link: frozenset[Pair] = frozenset()
    block_hash: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # sorted (`linkage.blocking_keys`)
    block_rec: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))  # → block_keys
    block_keys: list[str] = field(default_factory=list)
    records_count: int = 0  # how many rows `records` has (kept by it once loaded)
    line_counts: dict[bytes, int] = field(default_factory=dict)  # `line_keys.counts`, as stored
    # What the last build decided, kept so that a re-index decides only the clusters that can differ:
    listed: list[tuple[str, str]] = field(default_factory=list)  # (listing id, token) of the listed clusters, sorted
    special: set[str] = field(default_factory=set)  # clusters not listed, or listed with overrides
    lid_token: dict[str, str] = field(default_factory=dict)  # listing id → token, of every cluster with an id
    roster_only: int = 0  # clusters with too little for a listing
    clusters_count: int = 0  # how many rows `clusters` has, and which have unparsed fields or conflicts
    unparsed_tokens: set[str] = field(default_factory=set)
    conflicted_tokens: set[str] = field(default_factory=set)


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


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS lines (ident BLOB PRIMARY KEY, result BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS line_keys (ident BLOB PRIMARY KEY, keys TEXT NOT NULL) WITHOUT ROWID",
    # What the curation store reads of each listing (id, name, licences), by cluster token: read
    # only by builds that report to a curation store.
    "CREATE TABLE IF NOT EXISTS licences (token TEXT PRIMARY KEY, state BLOB NOT NULL) WITHOUT ROWID",
    # The graph's records (`RecordTable`), with what a re-index looks them up by.
    "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, raw_key TEXT NOT NULL, compound TEXT NOT NULL, npi TEXT,"
    " state BLOB NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS records_raw_key ON records (raw_key)",
    "CREATE INDEX IF NOT EXISTS records_compound ON records (compound) WHERE compound != ''",
    "CREATE INDEX IF NOT EXISTS records_npi ON records (npi) WHERE npi IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS names (name TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (name, key)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS names_key ON names (key)",
    "CREATE TABLE IF NOT EXISTS licences_held (licence TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (licence, key)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS licences_held_key ON licences_held (key)",
    # The token of the graph whose records these are, written in the transaction that writes them.
    "CREATE TABLE IF NOT EXISTS clusters (key TEXT PRIMARY KEY, state BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
)


class StateStore:
    def __init__(self, raw_dir: Path) -> None:
        self.path = raw_dir / STATE_FILE
        self.graph_path = raw_dir / GRAPH_FILE

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path)
        for statement in _SCHEMA:
            conn.execute(statement)
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
            parts = pickle.loads(body)
            graph = Graph(**parts) if isinstance(parts, dict) else None
            conn = self._connect()
            try:
                row = conn.execute("SELECT value FROM meta WHERE name = 'token'").fetchone()
            finally:
                conn.close()
        except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, sqlite3.Error) as exc:
            log.warning("incremental state %s unreadable (%s): a full build", self.path, exc)
            return None
        if graph is None:
            log.info("incremental state %s holds no graph: a full build", self.path)
            return None
        if graph.fingerprint != fingerprint:
            log.info("incremental state %s is for another date, vocabulary or indexer version: a full build", self.path)
            return None
        if token is None or graph.token != token or row is None or row[0] != token:
            log.info("incremental state %s describes another index than the live one: a full build", self.path)
            return None
        graph.records = RecordTable(self.path, graph.records_count)
        graph.line_keys = LineKeys(self.path, graph.line_counts)
        graph.clusters = ClusterTable(self.path, graph.clusters_count, graph.unparsed_tokens, graph.conflicted_tokens)
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
        """Store the lines, records and licence states that changed (None: gone) and the graph's
        token in one transaction (`fresh`: these are all of them, and any older rows go), then the
        rest of the graph, as a file renamed into place. Whatever a crash leaves is not used: a
        graph from before names the index from before, a half-written one fails its digest, and
        records written for a graph that was not renamed into place carry its token, not the
        graph file's; either way, a full build."""
        records, clusters = graph.records, graph.clusters
        records.close()
        clusters.close()
        try:
            if fresh:
                self.path.unlink(missing_ok=True)
            conn = self._connect()
            try:
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA cache_size = -65536")  # 64 MB: the rows a re-index writes are spread over the tables
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
                    _write_records(conn, records, fresh)
                    graph.line_keys.write(conn, fresh)
                    _write_clusters(conn, clusters)
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('token', ?)", (graph.token,))
            finally:
                conn.close()
            parts = {f.name: getattr(graph, f.name) for f in fields(graph) if f.name not in ("records", "line_keys", "clusters")}
            parts |= {"line_counts": graph.line_keys.counts, "clusters_count": len(clusters)}
            parts |= {"unparsed_tokens": clusters.unparsed, "conflicted_tokens": clusters.conflicted}
            parts["surnames"] = Counter({s: n for s, n in graph.surnames.items() if n > 0})
            body = pickle.dumps(parts | {"records_count": len(records)}, protocol=pickle.HIGHEST_PROTOCOL)
            tmp = self.graph_path.with_name(f"{self.graph_path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(hashlib.blake2b(body, digest_size=32).digest())
                fh.write(body)
            os.replace(tmp, self.graph_path)
        except (OSError, sqlite3.Error) as exc:
            log.warning("could not write incremental state %s (%s); the next incremental build is a full one", self.path, exc)


def _write_records(conn: sqlite3.Connection, records: RecordTable, fresh: bool) -> None:
    """The changed rows of `records` (every row of a fresh graph); their names and licences only
    where those changed (a re-linked record mostly changes only its edges, component and cluster)."""
    gone, rows, names, licences = [], [], [], []
    for key, old, new in records.rows_changed():
        if new is None:
            gone.append((key,))
            continue
        rows.append((key, new.raw_key, new.compound, new.npi, pickle.dumps(tuple(new), protocol=pickle.HIGHEST_PROTOCOL)))
        if old is None or old.names != new.names:
            names.append((key, new.names))
        if old is None or old.licences != new.licences:
            licences.append((key, new.licences))
    if not fresh:
        conn.executemany("DELETE FROM records WHERE key = ?", gone)
        conn.executemany("DELETE FROM names WHERE key = ?", [*gone, *((k,) for k, _ in names)])
        conn.executemany("DELETE FROM licences_held WHERE key = ?", [*gone, *((k,) for k, _ in licences)])
    conn.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)", ((_name(name), k) for k, held in names for name in held))
    conn.executemany("INSERT OR IGNORE INTO licences_held VALUES (?, ?)", ((licence, k) for k, held in licences for licence in held))
    records.written()


def _write_clusters(conn: sqlite3.Connection, clusters: ClusterTable) -> None:
    changed = list(clusters.rows_changed())
    conn.executemany("DELETE FROM clusters WHERE key = ?", ((k,) for k, _, new in changed if new is None))
    conn.executemany(
        "INSERT OR REPLACE INTO clusters VALUES (?, ?)",
        ((k, pickle.dumps(tuple(new), protocol=pickle.HIGHEST_PROTOCOL)) for k, _, new in changed if new is not None),
    )
    clusters.written()
