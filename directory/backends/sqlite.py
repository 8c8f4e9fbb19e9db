"""The embedded SQLite backend: one file holding the listings, the columnar search index
(`backends/columnar.py`: location, condition fits, filters), the review queue and the identity map.

A rebuild writes a new file beside the live one and swaps it in with `os.replace`, so a crashed
index run leaves the previous index serving; readers notice the swap and reopen. The identity map
is read from the live file before a build and written into the new one, so ids survive rebuilds.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import BinaryIO, NamedTuple, TypeVar

import numpy as np

from directory.backends.base import IndexStats, SearchPage, built_for
from directory.backends.columnar import ColumnarBuilder, ColumnarIndex, ColumnarRow, ColumnarRows, ListingFacts
from directory.backends.columnar_patch import patched_blob
from directory.backends.results import rank_page
from directory.errors import BackendError
from directory.identity import CarriedRecords, IdentityMap, Redirect, records_dict, resolve
from directory.models import Listing, ReviewItem
from directory.query import SearchQuery
from directory.vocabulary import Vocabulary, get_vocabulary, normalize_text

# Each entry upgrades the schema by one version (PRAGMA user_version). Never edit a shipped
# entry; append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE listings (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        npi TEXT,
        active_until TEXT,          -- last day an active licence is in force; NULL: none active
        verified_until TEXT,        -- the same for board-verified licences
        lapsed_status TEXT NOT NULL, -- status to show once active_until has passed
        years_experience REAL,
        lat REAL,
        lon REAL,
        source_kinds INTEGER NOT NULL,
        modality_ids TEXT NOT NULL,
        certification_ids TEXT NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX listings_npi ON listings(npi);
    CREATE VIRTUAL TABLE listing_geo USING rtree(rowid, min_lat, max_lat, min_lon, max_lon);
    CREATE TABLE listing_conditions (
        condition_id TEXT NOT NULL,
        listing_rowid INTEGER NOT NULL,
        fit REAL NOT NULL,
        basis TEXT NOT NULL,
        via TEXT NOT NULL,
        PRIMARY KEY (condition_id, listing_rowid)
    ) WITHOUT ROWID;
    CREATE TABLE listing_modalities (
        modality_id TEXT NOT NULL,
        listing_rowid INTEGER NOT NULL,
        PRIMARY KEY (modality_id, listing_rowid)
    ) WITHOUT ROWID;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    """
    ALTER TABLE listings ADD COLUMN last_seen TEXT;  -- newest fetch of any of its sources
    CREATE TABLE review_queue (
        record_a TEXT NOT NULL,
        record_b TEXT NOT NULL,
        listing_a TEXT NOT NULL,
        listing_b TEXT NOT NULL,
        score REAL NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (record_a, record_b)
    );
    """,
    """
    ALTER TABLE listings ADD COLUMN languages TEXT NOT NULL DEFAULT '';  -- '|english|spanish|'
    ALTER TABLE listings ADD COLUMN gender TEXT;
    ALTER TABLE listings ADD COLUMN accepting_new_clients INTEGER;
    ALTER TABLE listings ADD COLUMN mobile INTEGER;
    """,
    """
    -- Search runs on the columnar index (backends/columnar.py): measured, a dense near-only query
    -- at 500k listings spends its time scoring thousands of rows, which SQL joins did one by one.
    DROP TABLE listing_geo;
    DROP TABLE listing_conditions;
    DROP TABLE listing_modalities;
    CREATE TABLE columnar (name TEXT PRIMARY KEY, data BLOB NOT NULL);
    """,
    """
    -- Only id, name_key and doc are read (search: id and name_key in rowid order, the columnar
    -- index's row order; details: doc); the other columns were written and never read.
    CREATE TABLE listings_slim (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name_key TEXT NOT NULL,
        doc TEXT NOT NULL
    );
    INSERT INTO listings_slim(rowid, id, name_key, doc) SELECT rowid, id, name_key, doc FROM listings;
    DROP TABLE listings;
    ALTER TABLE listings_slim RENAME TO listings;
    -- The identity map (directory/identity.py), carried from build to build.
    CREATE TABLE identity (record_key TEXT PRIMARY KEY, listing_id TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE listing_ids (
        listing_id TEXT PRIMARY KEY,
        first_build INTEGER NOT NULL,  -- the build that minted it: older ids survive merges
        first_seen TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE redirects (
        old_id TEXT PRIMARY KEY,
        new_id TEXT NOT NULL,          -- the end of the chain, never another redirected id
        reason TEXT NOT NULL,
        since TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
]
K = TypeVar("K")
V = TypeVar("V")
IDENTITY_SINCE = 5  # the schema version that added the identity map
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION; returns the version it started from."""
    start = conn.execute("PRAGMA user_version").fetchone()[0]
    for version in range(start, SCHEMA_VERSION):
        conn.executescript(MIGRATIONS[version])
        conn.execute(f"PRAGMA user_version = {version + 1}")
    conn.commit()
    return start


def _copy_file(source: BinaryIO, target: Path) -> None:
    """A byte copy of the open file `source` at `target`, in the kernel."""
    size = os.fstat(source.fileno()).st_size
    with open(target, "wb") as out:
        done = 0
        while done < size:
            sent = os.sendfile(out.fileno(), source.fileno(), done, size - done)
            if sent == 0:
                raise BackendError(f"the index file shrank while it was copied ({done} of {size} bytes)")
            done += sent


def _write_changes(conn: sqlite3.Connection, table: str, key: str, gone: Iterable[str], rows: Iterable[tuple]) -> None:
    """Delete the rows of keys `gone` from `table` (primary key `key`), then write `rows` over it."""
    conn.executemany(f"DELETE FROM {table} WHERE {key} = ?", ((k,) for k in gone))
    rows = list(rows)
    if rows:
        conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({', '.join('?' for _ in rows[0])})", rows)


def _write_carried(conn: sqlite3.Connection, records: CarriedRecords) -> None:
    """Make the identity table, which holds `records.carried`, hold `records`: the stored ids a
    redirect starts from re-resolved (one pass in SQL), then the build's own records written."""
    moved = [(old, resolve(records.redirects, old)) for old in records.redirects]
    if moved:
        conn.execute("CREATE TEMP TABLE moved (old TEXT PRIMARY KEY, new TEXT NOT NULL) WITHOUT ROWID")
        conn.executemany("INSERT INTO temp.moved VALUES (?, ?)", moved)
        conn.execute(
            "UPDATE identity SET listing_id = (SELECT new FROM temp.moved WHERE old = identity.listing_id)"
            " WHERE listing_id IN (SELECT old FROM temp.moved)"
        )
        conn.execute("DROP TABLE temp.moved")
    conn.executemany("INSERT OR REPLACE INTO identity VALUES (?, ?)", records.own.items())


def _file_identity(stat: os.stat_result) -> tuple[int, int, int]:
    """Which file, as written: a swap changes the inode (reading one changes its access time)."""
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _differing(new: dict[K, V], old: dict[K, V]) -> Iterable[tuple[K, V]]:
    """The items of `new` that `old` lacks or holds another value for."""
    return new.items() - old.items() if old else new.items()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PreparedListing(NamedTuple):
    """Everything `SQLiteBackend.replace_all` writes of one listing, in plain values: small to
    pickle from a worker process that merged the listing to the parent that writes the file."""

    id: str
    name_key: str
    doc: str  # the listing's JSON
    columns: ColumnarRow


class Preparer:
    """Prepares listings for an index built for `built_on`, from each listing alone: the same
    in any process, given the same vocabulary (the writer's columnar header lists its terms)."""

    def __init__(self, vocab: Vocabulary, built_on: date) -> None:
        self.columns = ColumnarRows(vocab, built_on)

    def prepare(self, listing: Listing) -> PreparedListing:
        return PreparedListing(
            listing.id, normalize_text(listing.name), listing.model_dump_json(), self.columns.row(listing, ListingFacts.of(listing))
        )


class SQLiteBackend:
    name = "sqlite"

    def __init__(self, path: Path | str, vocab: Vocabulary | None = None) -> None:
        self.path = Path(path)
        self.vocab = vocab or get_vocabulary()
        self._local = threading.local()
        self._columnar: tuple[tuple[int, int], ColumnarIndex] | None = None
        self._columnar_lock = threading.Lock()
        self._preparer: Preparer | None = None
        self._identity_read: tuple[tuple[int, int, int], IdentityMap] | None = None  # (file, the map `identity()` read from it)

    # Writing ---------------------------------------------------------------------------------

    def replace_all(
        self,
        listings: Iterable[Listing | PreparedListing],
        metadata: dict[str, str] | None = None,
        review: list[ReviewItem] | None = None,
        identity: IdentityMap | None = None,
    ) -> IndexStats:
        """The protocol's `replace_all`; an item may also be a listing `preparer(metadata)` prepared
        (say in a worker process), written as it is."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in self.path.parent.glob(f".{self.path.name}.building-*"):
            if not _pid_alive(int(leftover.name.rsplit("-", 1)[1])):
                leftover.unlink(missing_ok=True)  # from a run that was killed half-way
        with self._building() as conn:
            # The file is private until the swap, so durability is bought once, at the end.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            migrate(conn)
            preparer = self.preparer(metadata)
            columns = ColumnarBuilder(self.vocab, preparer.columns.built_on)
            ids: list[str] = []
            for item in listings:
                prepared = item if isinstance(item, PreparedListing) else preparer.prepare(item)
                self._insert(conn, prepared)
                columns.append(prepared.columns)
                ids.append(prepared.id)
            # The columnar rows are in id order (a build writes its listings so; `patch` relies on it).
            in_order = all(a < b for a, b in zip(ids, ids[1:], strict=False))
            order = None if in_order else np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)
            self._finish(conn, columns.to_blob(order), metadata, review, identity)
        return IndexStats(columns.count, self.name, str(self.path))

    def _finish(
        self,
        conn: sqlite3.Connection,
        blob: bytes,
        metadata: dict[str, str] | None,
        review: list[ReviewItem] | None,
        identity: IdentityMap | None,
        stored: IdentityMap | None = None,
    ) -> None:
        """Everything of a new file but its listings: the columnar index, meta, review queue, identity
        map (`stored`: the map the file already holds, if it is a copy of a live one)."""
        conn.execute("INSERT OR REPLACE INTO columnar VALUES ('search', ?)", (blob,))
        conn.execute("DELETE FROM meta")
        conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", sorted((metadata or {}).items()))
        conn.execute("DELETE FROM review_queue")
        conn.executemany(
            "INSERT OR REPLACE INTO review_queue VALUES (?, ?, ?, ?, ?, ?)",
            [(r.record_a, r.record_b, r.listing_a, r.listing_b, r.score, r.reason) for r in review or []],
        )
        if identity is not None:
            self._write_identity(conn, identity, stored)
        conn.execute("ANALYZE")
        conn.commit()

    def _swap_in(self, building: Path) -> None:
        """The finished file, made durable, replaces the live one: readers see the old or the new."""
        with open(building, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(building, self.path)

    def patch(
        self,
        fresh: Iterable[Listing],
        drop: Collection[str],
        metadata: dict[str, str] | None = None,
        review: list[ReviewItem] | None = None,
        identity: IdentityMap | None = None,
    ) -> IndexStats:
        """Like `replace_all`, for an index that differs from the live one in a few listings: the
        listings `drop` names leave, `fresh` ones are written (replacing any of the same id), every
        other listing's row and columnar values are kept from the live file. The new file holds
        what a full build writing the same listings holds (rows in another rowid order: readers
        order them by id), and it is swapped in the same way, so a run that dies leaves the
        previous index serving."""
        with open(self.path, "rb") as live, self._building(copy_of=live) as conn:
            # A byte copy of the live file, then only the rows that change: copying every row in
            # SQL cost more than the rest of the write.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            migrate(conn)
            old_ids = [row[0] for row in conn.execute("SELECT id FROM listings ORDER BY id")]
            live_blob = conn.execute("SELECT data FROM columnar WHERE name = 'search'").fetchone()[0]
            conn.executemany("DELETE FROM listings WHERE id = ?", ((lid,) for lid in drop))
            preparer = self.preparer(metadata)
            fresh_rows: dict[str, ColumnarRow] = {}
            for listing in fresh:
                prepared = preparer.prepare(listing)
                conn.execute("DELETE FROM listings WHERE id = ?", (listing.id,))
                self._insert(conn, prepared)
                fresh_rows[listing.id] = prepared.columns
            blob = patched_blob(live_blob, old_ids, drop, fresh_rows, preparer.columns)
            self._finish(conn, blob, metadata, review, identity, self._stored_identity(os.fstat(live.fileno())))
            count = conn.execute("SELECT count(*) FROM listings").fetchone()[0]
        return IndexStats(count, self.name, str(self.path))

    @contextmanager
    def _building(self, copy_of: BinaryIO | None = None) -> Iterator[sqlite3.Connection]:
        """A new file beside the live one (a copy of `copy_of`, if given), swapped in if the block
        completes, removed if it fails."""
        building = self.path.with_name(f".{self.path.name}.building-{os.getpid()}")
        building.unlink(missing_ok=True)
        if copy_of is not None:
            _copy_file(copy_of, building)
        conn = sqlite3.connect(building)
        try:
            yield conn
        except BaseException:
            conn.close()
            building.unlink(missing_ok=True)
            raise
        conn.close()
        self._swap_in(building)

    def preparer(self, metadata: dict[str, str] | None = None) -> Preparer:
        """What prepares listings for a `replace_all` given this `metadata` (its build day)."""
        return Preparer(self.vocab, built_for(metadata))

    def prepare(self, listing: Listing, built_on: date) -> PreparedListing:
        """`listing` as `replace_all` writes it into an index built for `built_on` (`built_for(metadata)`)."""
        if self._preparer is None or self._preparer.columns.built_on != built_on:
            self._preparer = Preparer(self.vocab, built_on)
        return self._preparer.prepare(listing)

    def _insert(self, conn: sqlite3.Connection, listing: PreparedListing) -> None:
        conn.execute("INSERT INTO listings(id, name_key, doc) VALUES (?, ?, ?)", listing[:3])

    @staticmethod
    def _write_identity(conn: sqlite3.Connection, identity: IdentityMap, stored: IdentityMap | None) -> None:
        """Store `identity` in a file that holds the map `stored`: only what differs is written
        (`stored` None: the file's map is not known, it is replaced whole)."""
        if stored is None:
            for table in ("identity", "listing_ids", "redirects"):
                conn.execute(f"DELETE FROM {table}")
            stored = IdentityMap()
        records = identity.records
        if isinstance(records, CarriedRecords) and records.carried is stored.records:
            _write_carried(conn, records)
        else:
            new, old = records_dict(records), records_dict(stored.records)
            _write_changes(conn, "identity", "record_key", old.keys() - new.keys(), _differing(new, old))
        # Set operations on dict views run in C: a pass over the maps costs little next to writing them.
        first_build, first_seen, redirects = identity.first_build, identity.first_seen, identity.redirects
        changed = {lid for lid, _ in _differing(first_build, stored.first_build)}
        changed |= {lid for lid, _ in _differing(first_seen, stored.first_seen)} | (stored.first_seen.keys() - first_seen.keys())
        listing_ids = ((lid, first_build[lid], first_seen.get(lid, "")) for lid in changed if lid in first_build)
        _write_changes(conn, "listing_ids", "listing_id", stored.first_build.keys() - first_build.keys(), listing_ids)
        hops = ((old, *hop) for old, hop in _differing(redirects, stored.redirects))
        _write_changes(conn, "redirects", "old_id", stored.redirects.keys() - redirects.keys(), hops)

    def _stored_identity(self, live: os.stat_result) -> IdentityMap | None:
        """The identity map `identity()` read from the live file `live`, if it read one from that very file."""
        read = self._identity_read
        return read[1] if read is not None and read[0] == _file_identity(live) else None

    # Reading ---------------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        """This thread's read-only connection, reopened when the file was swapped by a rebuild."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise BackendError(f"no index at {self.path}; run `therapists index` first") from None
        identity = (stat.st_ino, stat.st_mtime_ns)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or self._local.identity != identity:
            if conn is not None:
                conn.close()
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                conn.close()
                raise BackendError(
                    f"index {self.path} has schema version {version}, this program needs {SCHEMA_VERSION}; re-run `therapists index`"
                )
            self._local.conn = conn
            self._local.identity = identity
        return conn

    def _columns(self) -> ColumnarIndex:
        """The columnar index of the current file, loaded once per file (a rebuild swaps the file)."""
        conn = self._conn()
        identity = self._local.identity
        with self._columnar_lock:
            if self._columnar is None or self._columnar[0] != identity:
                blob = conn.execute("SELECT data FROM columnar WHERE name = 'search'").fetchone()[0]
                # The columnar rows are in id order; a patched file's rowids are not (sorting the
                # rows here is cheaper than asking SQL for them by id).
                rows = sorted(conn.execute("SELECT id, name_key FROM listings"))
                index = ColumnarIndex(blob, [r[0] for r in rows], [r[1] for r in rows])
                self._columnar = (identity, index)
            return self._columnar[1]

    def search(self, query: SearchQuery) -> SearchPage:
        return rank_page(self._columns().search(query, self.vocab), query, self.vocab, self._load)

    def _load(self, ids: list[str]) -> dict[str, Listing]:
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self._conn().execute(f"SELECT id, doc FROM listings WHERE id IN ({marks})", ids)
        return {lid: Listing.model_validate_json(doc) for lid, doc in rows}

    def get(self, listing_id: str) -> Listing | None:
        return self._load([listing_id]).get(listing_id)

    def all_ids(self) -> list[str]:
        return [row[0] for row in self._conn().execute("SELECT id FROM listings ORDER BY id")]

    def redirect(self, listing_id: str) -> str | None:
        row = (
            self._conn()
            .execute("SELECT r.new_id FROM redirects r JOIN listings l ON l.id = r.new_id WHERE r.old_id = ?", (listing_id,))
            .fetchone()
        )
        return row[0] if row else None

    def identity(self) -> IdentityMap:
        """The identity map of the live file; empty when there is none yet, or the file predates it."""
        if not self.path.exists():
            return IdentityMap()
        before = _file_identity(self.path.stat())
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise BackendError(f"cannot read the identity map of {self.path}: {exc}") from None
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < IDENTITY_SINCE:
                return IdentityMap()
            first_build, first_seen = {}, {}
            for lid, build, seen in conn.execute("SELECT listing_id, first_build, first_seen FROM listing_ids"):
                first_build[lid], first_seen[lid] = build, seen
            identity = IdentityMap(
                build=max(first_build.values(), default=0),
                records=dict(conn.execute("SELECT record_key, listing_id FROM identity")),
                first_build=first_build,
                first_seen=first_seen,
                redirects={old: Redirect(new, reason, since) for old, new, reason, since in conn.execute("SELECT * FROM redirects")},
            )
        except sqlite3.Error as exc:
            raise BackendError(f"cannot read the identity map of {self.path}: {exc}") from None
        finally:
            conn.close()
        if _file_identity(self.path.stat()) == before:  # read from one file: `patch` writes only what changed since
            # The records themselves, not a copy: a build carries them over (`CarriedRecords`) and
            # `patch` then writes only the build's own; nothing writes into the previous map.
            kept = IdentityMap(identity.build, identity.records, dict(first_build), dict(first_seen), dict(identity.redirects))
            self._identity_read = (before, kept)
        return identity

    def metadata(self) -> dict[str, str]:
        return dict(self._conn().execute("SELECT key, value FROM meta"))

    def review_queue(self) -> list[ReviewItem]:
        rows = self._conn().execute(
            "SELECT record_a, record_b, listing_a, listing_b, score, reason FROM review_queue ORDER BY score DESC, record_a"
        )
        return [ReviewItem(record_a=a, record_b=b, listing_a=la, listing_b=lb, score=sc, reason=r) for a, b, la, lb, sc, r in rows]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
