"""What only the SQLite backend promises: one WAL file, parent folders made, many threads."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.adapters.store import open_store
from bot.adapters.store.base import StoreError
from bot.adapters.store.sqlite import SqliteStore
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import SAMPLE_MOVIES, write_artifact
from tests.fixtures.stores import fill_version


def test_the_file_and_its_folders_are_created_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "moviebot.sqlite"
    store = open_store(f"sqlite:///{path}")
    assert isinstance(store, SqliteStore)
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_many_threads_read_while_one_writes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    fill_version(store, "v1", SAMPLE_MOVIES)
    errors: list[BaseException] = []
    counts: list[int] = []

    def read() -> None:
        try:
            for _ in range(50):
                counts.append(len(store.cluster_page("v1", 0, 50).movies))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    fill_version(store, "v2", SAMPLE_MOVIES, activate=False)
    for thread in threads:
        thread.join()
    store.close()
    assert errors == []
    assert set(counts) == {sum(1 for m in SAMPLE_MOVIES if m.cluster == 0)}


def test_a_second_store_on_the_same_file_sees_committed_writes(tmp_path: Path) -> None:
    first, second = SqliteStore(tmp_path / "s.sqlite"), SqliteStore(tmp_path / "s.sqlite")
    fill_version(first, "v1", SAMPLE_MOVIES)
    assert second.movie("v1", "tt0133093") == SAMPLE_MOVIES[0]
    first.close()
    second.close()


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database, just some bytes" * 100)
    with pytest.raises(StoreError, match=r"junk\.sqlite"):
        SqliteStore(junk)
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match="cannot create"):
        SqliteStore(blocker / "moviebot.sqlite")


def test_the_manifest_is_stored_as_the_artifacts_json_and_an_older_copy_reads_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    store = SqliteStore(path)
    artifact = write_artifact(tmp_path / "model", version="v1", notes={"by": "hand"})
    load_artifact(artifact, store)
    with sqlite3.connect(path) as conn:
        [stored] = conn.execute("SELECT manifest FROM versions").fetchone()
    assert json.loads(stored) == json.loads((artifact / "manifest.json").read_text())
    # A copy an older loader stored, with values no check refused then: it still reads back.
    older = {"version": "v1", "created_at": 20261121, "counts": {"movies": 35}, "k": "4"}
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE versions SET manifest = ?", (json.dumps(older),))
    active = store.active()
    assert active is not None and active.manifest.counts == {"movies": 35}
    assert active.created_at is None and active.manifest.k is None  # kept aside, unread
    assert active.manifest.to_dict() == older
    store.close()


# The movies table as the first releases created it, before countries and languages.
OLD_MOVIES_TABLE = """
CREATE TABLE movies (
    version TEXT NOT NULL, tconst TEXT NOT NULL, title TEXT NOT NULL,
    original_title TEXT NOT NULL, year INTEGER, runtime INTEGER, genres TEXT NOT NULL,
    rating REAL NOT NULL, votes INTEGER NOT NULL, cluster INTEGER NOT NULL, coords BLOB,
    PRIMARY KEY (version, tconst)
) WITHOUT ROWID;
"""


def test_a_store_file_from_before_origins_is_migrated_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_MOVIES_TABLE)
        conn.execute(
            "INSERT INTO movies VALUES ('v0', 'tt0133093', 'The Matrix', 'The Matrix', 1999,"
            " 136, 'Action,Sci-Fi', 8.7, 2100000, 0, NULL)"
        )
    conn.close()
    # The first handle adds the columns; the second finds them there.
    first, second = SqliteStore(path), SqliteStore(path)
    old = first.movie("v0", "tt0133093")
    assert old is not None and old.countries == () and old.languages == ()
    movie = dataclasses.replace(SAMPLE_MOVIES[0], countries=("US",), languages=("en",))
    fill_version(second, "v1", [movie])
    assert first.movie("v1", movie.tconst) == movie
    first.close()
    second.close()
