"""The SQLite store's conversation state (`ThreadStore`): the `threads` table, one row a
thread, its state as text and when it expires. Mixed into `SqliteStore`."""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from typing import Protocol


class _Connections(Protocol):
    def _conn(self) -> sqlite3.Connection: ...

    def _write(
        self, conn: sqlite3.Connection | None = None
    ) -> AbstractContextManager[sqlite3.Connection]: ...


class SqliteThreads:
    def load_thread(self: _Connections, key: str) -> str | None:
        row = (
            self._conn()
            .execute(
                "SELECT state FROM threads WHERE key = ? AND expires_at > ?", (key, time.time())
            )
            .fetchone()
        )
        return None if row is None else str(row[0])

    def save_thread(self: _Connections, key: str, state: str, ttl_seconds: int) -> None:
        now = time.time()
        with self._write() as conn:
            conn.execute("DELETE FROM threads WHERE expires_at <= ?", (now,))  # expired ones
            conn.execute(
                "INSERT INTO threads (key, state, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET state = excluded.state,"
                " expires_at = excluded.expires_at",
                (key, state, now + ttl_seconds),
            )
