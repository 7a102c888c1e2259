"""The embedded store: one SQLite file in WAL mode.

WAL lets the chat, the socket-mode server and the loader use the file at once: readers never
wait for the writer, and each reader statement sees one committed snapshot. Every thread gets
its own connection (sqlite3 connections must not be shared between threads mid-statement).

Tables: `versions` (status, manifest, counts, index size/hash), `active` (the one-row pointer),
`movies` (keyed by version+tconst, indexed by version+cluster+votes for cluster pages),
`index_chunks` (the title index in 350 KB pieces: a cold start reads those it needs),
`catalogue_top` (a version's most popular movies, one compressed blob), `cluster_blocks` (each
cluster's pool, `bot.core.pool_block`, one row: no item limit to split for), `marks` and `runs`
(kept across versions),
`events` (claimed Slack events) and `rates` (each user's question count in the current window);
`nights` and `night_clicks` (movie nights, sqlite_nights.py).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.adapters.store.base import ActivationConflict, IndexParts, StoreError
from bot.adapters.store.codec import (
    MOVIE_FIELDS,
    ActiveMemo,
    chunks,
    decode_cursor,
    encode_cursor,
    movie_from_record,
    movie_values,
    pack_movies,
    unpack_movies,
)
from bot.adapters.store.sqlite_nights import NIGHTS_SCHEMA, SqliteNights
from bot.adapters.store.sqlite_threads import SqliteThreads
from bot.core.clock import utc_now_iso
from bot.core.manifest import Manifest
from bot.core.models import (
    Mark,
    MarkKind,
    ModelVersion,
    Movie,
    Page,
    RunState,
    TrainingRun,
    VersionState,
    VersionStatus,
)

INDEX_CHUNK_BYTES = 350_000  # older stores hold 4 MB pieces: readers take the size stored

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    version TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    manifest TEXT NOT NULL,
    movies INTEGER NOT NULL DEFAULT 0,
    index_chunks INTEGER NOT NULL DEFAULT 0,
    index_bytes INTEGER NOT NULL DEFAULT 0,
    index_sha256 TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS active (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS movies (
    version TEXT NOT NULL,
    tconst TEXT NOT NULL,
    title TEXT NOT NULL,
    original_title TEXT NOT NULL,
    year INTEGER,
    runtime INTEGER,
    genres TEXT NOT NULL,
    rating REAL NOT NULL,
    votes INTEGER NOT NULL,
    cluster INTEGER NOT NULL,
    coords BLOB,
    countries TEXT,
    languages TEXT,
    PRIMARY KEY (version, tconst)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS movies_by_cluster ON movies (version, cluster, votes DESC, tconst);
CREATE TABLE IF NOT EXISTS index_chunks (
    version TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (version, seq)
);
CREATE TABLE IF NOT EXISTS catalogue_top (
    version TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS cluster_blocks (
    version TEXT NOT NULL,
    cluster INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (version, cluster)
);
CREATE TABLE IF NOT EXISTS report_files (
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (version, name)
);
CREATE TABLE IF NOT EXISTS marks (
    user_id TEXT NOT NULL,
    tconst TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (user_id, tconst)
);
CREATE TABLE IF NOT EXISTS events (
    key TEXT PRIMARY KEY,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS threads (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rates (
    user_id TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    detail TEXT NOT NULL,
    version TEXT
);
"""

# The movies table's columns are the Movie fields, named and converted as in codec.py.
_MOVIE_COLUMNS = ", ".join(MOVIE_FIELDS)
_PUT_MOVIE = (
    f"INSERT OR REPLACE INTO movies (version, {_MOVIE_COLUMNS})"
    f" VALUES (?{', ?' * len(MOVIE_FIELDS)})"
)
# Columns added to `movies` since its first release: a store file made before them gets them,
# empty (NULL: unknown), when it is opened (ALTER TABLE ... ADD COLUMN only changes the schema,
# whatever the table's size).
_ADDED_MOVIE_COLUMNS = ("countries TEXT", "languages TEXT")


def _movie(row: Sequence[Any]) -> Movie:
    return movie_from_record(dict(zip(MOVIE_FIELDS, row, strict=True)))


def _movie_row(version: str, m: Movie) -> tuple[Any, ...]:
    return (version, *movie_values(m))


class SqliteStore(SqliteThreads, SqliteNights):
    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.path.parent}: {exc.strerror}") from None
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._active_memo = ActiveMemo()
        # Each CREATE ... IF NOT EXISTS is atomic, so processes opening the file at once agree.
        try:
            self._conn().executescript(_SCHEMA + NIGHTS_SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"{self.path} is not a moviebot store: {exc}") from None

    def _migrate(self) -> None:
        """Add the columns a store file from an older release lacks; checked again in the write
        transaction, so two processes opening the file at once add each column once."""

        def missing(conn: sqlite3.Connection) -> list[str]:
            present = {row[1] for row in conn.execute("PRAGMA table_info(movies)")}
            return [c for c in _ADDED_MOVIE_COLUMNS if c.split()[0] not in present]

        if not missing(self._conn()):
            return  # the usual case: no write lock taken
        with self._write() as conn:
            for column in missing(conn):
                conn.execute(f"ALTER TABLE movies ADD COLUMN {column}")

    # --- connections ---
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(
                    self.path,
                    timeout=self._busy_timeout_s,
                    isolation_level=None,  # autocommit; writes use explicit BEGIN IMMEDIATE
                    check_same_thread=False,  # only so close() may run from another thread
                )
                conn.execute("PRAGMA journal_mode=WAL")
                # In WAL mode NORMAL is durable across application crashes and much faster.
                conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open {self.path}: {exc}") from None
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        conn = conn or self._conn()
        try:
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            yield conn
            if conn.in_transaction:
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

    # --- reading ---
    def active(self) -> ModelVersion | None:
        row = (
            self._conn()
            .execute("SELECT v.version, v.manifest FROM active a JOIN versions v USING (version)")
            .fetchone()
        )
        if not row:
            return None
        return self._active_memo.model(row[0], row[1])

    def movie(self, version: str, tconst: str) -> Movie | None:
        row = (
            self._conn()
            .execute(
                f"SELECT {_MOVIE_COLUMNS} FROM movies WHERE version = ? AND tconst = ?",
                (version, tconst),
            )
            .fetchone()
        )
        return _movie(row) if row else None

    def cluster_page(
        self, version: str, cluster: int, limit: int, cursor: str | None = None
    ) -> Page:
        if limit < 1:
            raise StoreError("page limit must be at least 1")
        sql = f"SELECT {_MOVIE_COLUMNS} FROM movies WHERE version = ? AND cluster = ?"
        params: list[Any] = [version, cluster]
        if cursor:
            pos = decode_cursor(cursor, ("votes", "tconst"))
            # Keyset paging: strictly after the last movie shown, in (votes desc, tconst) order.
            sql += " AND (votes < ? OR (votes = ? AND tconst > ?))"
            params += [pos["votes"], pos["votes"], pos["tconst"]]
        sql += " ORDER BY votes DESC, tconst LIMIT ?"
        params.append(limit + 1)
        movies = [_movie(row) for row in self._conn().execute(sql, params)]
        if len(movies) <= limit:
            return Page(movies, None)
        last = movies[limit - 1]
        return Page(movies[:limit], encode_cursor({"votes": last.votes, "tconst": last.tconst}))

    def title_index(self, version: str) -> bytes | None:
        conn = self._conn()
        # One read transaction, so the chunks and their count come from the same snapshot.
        conn.execute("BEGIN")
        try:
            meta = conn.execute(
                "SELECT index_chunks, index_bytes, index_sha256 FROM versions WHERE version = ?",
                (version,),
            ).fetchone()
            if not meta or not meta[0]:
                return None
            rows = conn.execute(
                "SELECT data FROM index_chunks WHERE version = ? AND seq < ? ORDER BY seq",
                (version, meta[0]),
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        blob = b"".join(row[0] for row in rows)
        if len(blob) != meta[1] or hashlib.sha256(blob).hexdigest() != meta[2]:
            raise StoreError(f"title index of {version} is damaged")
        return blob

    def title_index_parts(self, version: str) -> IndexParts | None:
        # length() reads a blob's size from its record header, not the blob itself.
        row = (
            self._conn()
            .execute(
                "SELECT v.index_chunks, v.index_bytes, v.index_sha256, length(c.data)"
                " FROM versions v JOIN index_chunks c ON c.version = v.version AND c.seq = 0"
                " WHERE v.version = ?",
                (version,),
            )
            .fetchone()
        )
        if not row or not row[0]:
            return None
        return IndexParts(count=row[0], size=row[1], part_bytes=row[3], sha256=row[2])

    def title_index_chunks(self, version: str, seqs: Sequence[int]) -> list[bytes]:
        wanted = list(seqs)
        found: dict[int, bytes] = {}
        for start in range(0, len(wanted), 500):  # under SQLite's limit on bound parameters
            batch = wanted[start : start + 500]
            marks = ",".join("?" * len(batch))
            found.update(
                self._conn().execute(
                    f"SELECT seq, data FROM index_chunks WHERE version = ? AND seq IN ({marks})",
                    (version, *batch),
                )
            )
        missing = [seq for seq in wanted if seq not in found]
        if missing:
            raise StoreError(f"title index of {version} is missing part {missing[0]}")
        return [bytes(found[seq]) for seq in wanted]

    def catalogue_top(self, version: str) -> list[Movie]:
        row = (
            self._conn()
            .execute("SELECT data FROM catalogue_top WHERE version = ?", (version,))
            .fetchone()
        )
        return unpack_movies(bytes(row[0])) if row else []

    def cluster_block(self, version: str, cluster: int) -> bytes | None:
        # One row: SQLite has no item size limit to split for.
        row = (
            self._conn()
            .execute(
                "SELECT data FROM cluster_blocks WHERE version = ? AND cluster = ?",
                (version, cluster),
            )
            .fetchone()
        )
        return bytes(row[0]) if row else None

    def cursor_after(self, version: str, movie: Movie) -> str:
        return encode_cursor({"votes": movie.votes, "tconst": movie.tconst})

    # --- marks ---
    def add_mark(self, user_id: str, mark: Mark) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO marks (user_id, tconst, kind, title, marked_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    user_id,
                    mark.tconst,
                    mark.kind.value,
                    mark.title,
                    mark.marked_at or utc_now_iso(),
                ),
            )

    def remove_mark(self, user_id: str, tconst: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM marks WHERE user_id = ? AND tconst = ?", (user_id, tconst))

    def marks(self, user_id: str) -> list[Mark]:
        rows = self._conn().execute(
            "SELECT tconst, kind, title, marked_at FROM marks WHERE user_id = ?"
            " ORDER BY marked_at DESC, tconst",
            (user_id,),
        )
        return [Mark(r[0], MarkKind(r[1]), r[2], r[3]) for r in rows]

    # --- Slack events ---
    def claim_event(self, key: str, ttl_seconds: int) -> bool:
        now = time.time()
        with self._write() as conn:
            # Claims are few and short-lived: dropping the expired ones here keeps the table small.
            conn.execute("DELETE FROM events WHERE expires_at <= ?", (now,))
            inserted = conn.execute(
                "INSERT OR IGNORE INTO events (key, expires_at) VALUES (?, ?)",
                (key, now + ttl_seconds),
            )
            return inserted.rowcount == 1

    def complete_event(self, key: str, ttl_seconds: int) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO events (key, expires_at) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at",
                (key, time.time() + ttl_seconds),
            )

    def release_event(self, key: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM events WHERE key = ?", (key,))

    # --- rate limit ---
    def take_quota(self, user_id: str, limit: int, window_seconds: int) -> bool:
        window = int(time.time() // window_seconds) * window_seconds
        with self._write() as conn:
            row = conn.execute(
                "SELECT window_start, count FROM rates WHERE user_id = ?", (user_id,)
            ).fetchone()
            # One row per user: a new window starts the count again.
            count = row[1] if row and row[0] == window else 0
            if count >= limit:
                return False
            conn.execute(
                "INSERT OR REPLACE INTO rates (user_id, window_start, count) VALUES (?, ?, ?)",
                (user_id, window, count + 1),
            )
            return True

    # --- training runs ---
    def record_run(self, run: TrainingRun) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO runs (run_id, state, started_at, ended_at, detail, version)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    run.run_id,
                    run.state.value,
                    run.started_at,
                    run.ended_at,
                    run.detail,
                    run.version,
                ),
            )

    def latest_run(self) -> TrainingRun | None:
        row = (
            self._conn()
            .execute(
                "SELECT run_id, state, started_at, ended_at, detail, version FROM runs"
                " ORDER BY started_at DESC, run_id DESC LIMIT 1"
            )
            .fetchone()
        )
        if not row:
            return None
        return TrainingRun(row[0], RunState(row[1]), row[2], row[3], row[4], row[5])

    # --- writing ---
    def versions(self) -> list[VersionState]:
        rows = self._conn().execute(
            "SELECT version, status, movies, created_at FROM versions ORDER BY created_at, version"
        )
        return [VersionState(r[0], VersionStatus(r[1]), r[2], r[3]) for r in rows]

    def _active_version(self, conn: sqlite3.Connection) -> str | None:
        row = conn.execute("SELECT version FROM active").fetchone()
        return row[0] if row else None

    def begin_version(self, version: str, manifest: Manifest) -> None:
        with self._write() as conn:
            if self._active_version(conn) == version:
                raise StoreError(f"version {version} is active; it cannot be rewritten")
            conn.execute(
                "INSERT INTO versions (version, status, manifest, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (version) DO UPDATE SET status = excluded.status,"
                # A rerun resuming a load is a fresh start: no other loader's clean-up takes it.
                " manifest = excluded.manifest, created_at = excluded.created_at",
                (
                    version,
                    VersionStatus.LOADING.value,
                    json.dumps(manifest.to_dict()),
                    utc_now_iso(),
                ),
            )

    def _require_loading(self, conn: sqlite3.Connection, version: str) -> None:
        row = conn.execute("SELECT status FROM versions WHERE version = ?", (version,)).fetchone()
        if not row:
            raise StoreError(f"version {version} was not begun")
        if row[0] != VersionStatus.LOADING.value:
            raise StoreError(f"version {version} is {row[0]}; only a loading version is written")

    def put_movies(self, version: str, movies: Iterable[Movie]) -> int:
        rows = [_movie_row(version, m) for m in movies]
        with self._write() as conn:
            self._require_loading(conn, version)
            conn.executemany(_PUT_MOVIE, rows)
        return len(rows)

    def put_report(self, version: str, files: Mapping[str, bytes]) -> None:
        with self._write() as conn:
            self._require_loading(conn, version)
            conn.execute("DELETE FROM report_files WHERE version = ?", (version,))
            conn.executemany(
                "INSERT INTO report_files (version, name, data) VALUES (?, ?, ?)",
                [(version, name, data) for name, data in files.items()],
            )

    def report(self, version: str) -> dict[str, bytes]:
        rows = self._conn().execute(
            "SELECT name, data FROM report_files WHERE version = ? ORDER BY name", (version,)
        )
        return {name: bytes(data) for name, data in rows}

    def put_title_index(self, version: str, blob: bytes) -> None:
        parts = list(chunks(blob, INDEX_CHUNK_BYTES))
        with self._write() as conn:
            self._require_loading(conn, version)
            conn.execute("DELETE FROM index_chunks WHERE version = ?", (version,))
            conn.executemany(
                "INSERT INTO index_chunks (version, seq, data) VALUES (?, ?, ?)",
                [(version, seq, part) for seq, part in enumerate(parts)],
            )
            conn.execute(
                "UPDATE versions SET index_chunks = ?, index_bytes = ?, index_sha256 = ?"
                " WHERE version = ?",
                (len(parts), len(blob), hashlib.sha256(blob).hexdigest(), version),
            )

    def put_catalogue_top(self, version: str, movies: Sequence[Movie]) -> None:
        blob = pack_movies(movies)
        with self._write() as conn:
            self._require_loading(conn, version)
            conn.execute(
                "INSERT OR REPLACE INTO catalogue_top (version, data) VALUES (?, ?)",
                (version, blob),
            )

    def put_cluster_block(self, version: str, cluster: int, data: bytes) -> None:
        with self._write() as conn:
            self._require_loading(conn, version)
            conn.execute(
                "INSERT OR REPLACE INTO cluster_blocks (version, cluster, data) VALUES (?, ?, ?)",
                (version, cluster, data),
            )

    @staticmethod
    def _count(conn: sqlite3.Connection, version: str) -> int:
        row = conn.execute("SELECT COUNT(*) FROM movies WHERE version = ?", (version,)).fetchone()
        return int(row[0])

    def count_movies(self, version: str) -> int:
        return self._count(self._conn(), version)

    def complete_version(self, version: str) -> None:
        with self._write() as conn:
            self._require_loading(conn, version)
            count = self._count(conn, version)
            conn.execute(
                "UPDATE versions SET status = ?, movies = ? WHERE version = ?",
                (VersionStatus.COMPLETE.value, count, version),
            )

    def activate(self, version: str, expected_previous: str | None) -> None:
        with self._write() as conn:
            row = conn.execute(
                "SELECT status FROM versions WHERE version = ?", (version,)
            ).fetchone()
            if not row or row[0] != VersionStatus.COMPLETE.value:
                raise StoreError(f"version {version} is not completely loaded")
            current = self._active_version(conn)
            if current != expected_previous:
                raise ActivationConflict(
                    f"active version is {current!r}, expected {expected_previous!r}"
                )
            conn.execute(
                "INSERT INTO active (id, version) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                (version,),
            )

    def delete_version(self, version: str) -> None:
        with self._write() as conn:
            if self._active_version(conn) == version:
                raise StoreError(f"version {version} is active; it cannot be deleted")
            conn.execute("DELETE FROM movies WHERE version = ?", (version,))
            conn.execute("DELETE FROM index_chunks WHERE version = ?", (version,))
            conn.execute("DELETE FROM report_files WHERE version = ?", (version,))
            conn.execute("DELETE FROM catalogue_top WHERE version = ?", (version,))
            conn.execute("DELETE FROM cluster_blocks WHERE version = ?", (version,))
            conn.execute("DELETE FROM versions WHERE version = ?", (version,))
