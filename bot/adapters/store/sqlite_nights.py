"""The SQLite store's movie nights (`NightStore`): the `nights` table, one row a night (its
state and closing time as columns, for `due_nights`; the rest as JSON), and `night_clicks`,
the vote clicks already counted. Every write reads and rewrites the row in one
BEGIN IMMEDIATE transaction, so parallel writers queue and none is lost. Mixed into
`SqliteStore`."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from bot.adapters.store.base import NightClosed, NightExists, NightMissing, StoreError
from bot.adapters.store.night_codec import dump_night, expiry_epoch, load_night
from bot.core.night import Night, NightFilm

NIGHTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS nights (
    night_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    closes_at TEXT,
    expires_at REAL NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nights_due ON nights (state, closes_at);
CREATE TABLE IF NOT EXISTS night_clicks (
    night_id TEXT NOT NULL,
    click_id TEXT NOT NULL,
    PRIMARY KEY (night_id, click_id)
) WITHOUT ROWID;
"""


class _Connections(Protocol):
    def _conn(self) -> sqlite3.Connection: ...

    def _write(
        self, conn: sqlite3.Connection | None = None
    ) -> AbstractContextManager[sqlite3.Connection]: ...


def _read(conn: sqlite3.Connection, night_id: str) -> Night | None:
    row = conn.execute(
        "SELECT body FROM nights WHERE night_id = ? AND expires_at > ?", (night_id, time.time())
    ).fetchone()
    return None if row is None else load_night(str(row[0]))


def _save(conn: sqlite3.Connection, night: Night) -> None:
    conn.execute(
        "UPDATE nights SET state = ?, closes_at = ?, body = ? WHERE night_id = ?",
        (night.state, night.closes_at, dump_night(night), night.night_id),
    )


def _change(
    store: _Connections,
    night_id: str,
    change: Callable[[Night], Night],
    *,
    open_only: bool = True,
    click: str | None = None,
) -> Night:
    """Apply `change` to the night in one write transaction; nothing changes when it raises.
    With `click`, a click id already recorded leaves the night as it is."""
    with store._write() as conn:
        night = _read(conn, night_id)
        if night is None:
            raise NightMissing(f"no movie night {night_id}")
        if open_only and not night.is_open:
            raise NightClosed(night)
        if click is not None:
            taken = conn.execute(
                "INSERT OR IGNORE INTO night_clicks (night_id, click_id) VALUES (?, ?)",
                (night_id, click),
            )
            if taken.rowcount == 0:
                return night  # a retried click: counted already
        changed = change(night)
        if changed != night:
            _save(conn, changed)
        return changed


def _append(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return items if item in items else (*items, item)


def _joined(night: Night, user: str) -> Night:
    return dataclasses.replace(night, members=_append(night.members, user))


class SqliteNights:
    def create_night(self: _Connections, night: Night) -> None:
        now = time.time()
        with self._write() as conn:
            expired = [
                row[0]
                for row in conn.execute("SELECT night_id FROM nights WHERE expires_at <= ?", (now,))
            ]
            for night_id in expired:  # what DynamoDB's TTL does, when a night is next created
                conn.execute("DELETE FROM nights WHERE night_id = ?", (night_id,))
                conn.execute("DELETE FROM night_clicks WHERE night_id = ?", (night_id,))
            try:
                conn.execute(
                    "INSERT INTO nights (night_id, state, closes_at, expires_at, body)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        night.night_id,
                        night.state,
                        night.closes_at,
                        expiry_epoch(night),
                        dump_night(night),
                    ),
                )
            except sqlite3.IntegrityError:
                raise NightExists(f"movie night {night.night_id} exists already") from None

    def night(self: _Connections, night_id: str) -> Night | None:
        return _read(self._conn(), night_id)

    def join_night(self: _Connections, night_id: str, user: str) -> Night:
        return _change(self, night_id, lambda n: _joined(n, user))

    def add_favourite(self: _Connections, night_id: str, user: str, tconst: str) -> Night:
        def add(night: Night) -> Night:
            mine = _append(night.favourites.get(user, ()), tconst)
            favourites = {**night.favourites, user: mine}
            return dataclasses.replace(_joined(night, user), favourites=favourites)

        return _change(self, night_id, add)

    def add_suggestion(self: _Connections, night_id: str, user: str, film: NightFilm) -> Night:
        def add(night: Night) -> Night:
            night = _joined(night, user)
            pair = (user, film.tconst)
            if pair not in night.suggestions:
                night = dataclasses.replace(night, suggestions=(*night.suggestions, pair))
            if night.film(film.tconst) is None:
                night = dataclasses.replace(night, shortlist=(*night.shortlist, film))
            return night

        return _change(self, night_id, add)

    def set_shortlist(self: _Connections, night_id: str, films: Sequence[NightFilm]) -> Night:
        return _change(self, night_id, lambda n: dataclasses.replace(n, shortlist=tuple(films)))

    def toggle_vote(
        self: _Connections, night_id: str, user: str, tconst: str, click_id: str
    ) -> Night:
        def toggle(night: Night) -> Night:
            users = night.votes.get(tconst, frozenset())
            users = users - {user} if user in users else users | {user}
            votes = {t: u for t, u in {**night.votes, tconst: users}.items() if u}
            return dataclasses.replace(night, votes=votes)

        return _change(self, night_id, toggle, click=click_id)

    def close_night(self: _Connections, night_id: str) -> Night:
        return _change(self, night_id, lambda n: dataclasses.replace(n, state="closed"))

    def set_winner(self: _Connections, night_id: str, tconst: str | None) -> Night:
        def win(night: Night) -> Night:
            if night.is_open:
                raise StoreError(f"movie night {night_id} is still open")
            return dataclasses.replace(night, winner=tconst)

        return _change(self, night_id, win, open_only=False)

    def set_message_ts(self: _Connections, night_id: str, message_ts: str) -> None:
        _change(
            self, night_id, lambda n: dataclasses.replace(n, message_ts=message_ts), open_only=False
        )

    def discard_night(self: _Connections, night_id: str) -> bool:
        with self._write() as conn:
            night = _read(conn, night_id)
            if night is None or night.message_ts is not None:
                return False
            conn.execute("DELETE FROM nights WHERE night_id = ?", (night_id,))
            conn.execute("DELETE FROM night_clicks WHERE night_id = ?", (night_id,))
            return True

    def due_nights(self: _Connections, now: str) -> list[str]:
        rows = self._conn().execute(
            "SELECT night_id FROM nights WHERE state = 'open' AND closes_at IS NOT NULL"
            " AND closes_at <= ? AND expires_at > ? ORDER BY closes_at, night_id",
            (now, time.time()),
        )
        return [str(row[0]) for row in rows]
