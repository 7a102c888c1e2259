"""The title index cache: the store's bytes answer at once, the mapped copy follows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.adapters import index_cache
from bot.adapters.index_cache import IndexCache
from tests.fixtures.stores import count_index_reads
from tests.unit.usecases.conftest import fill
from tests.unit.usecases.fakes import MemoryStore


def test_a_cache_file_cut_short_is_fetched_again(tmp_path: Path) -> None:
    store = fill(MemoryStore(), "v1")
    first = IndexCache(store, tmp_path)
    first.get("v1")
    first.settle()
    (cached,) = tmp_path.glob("*.npz")
    cached.write_bytes(cached.read_bytes()[: cached.stat().st_size // 2])  # a disk that filled up
    again = IndexCache(store, tmp_path)
    assert again.get("v1").resolve("heat").status == "matched"
    again.settle()
    assert IndexCache(MemoryStore(), tmp_path).get("v1").resolve("heat").status == "matched"


# The background writer must clean up quietly too: a thread dying with a traceback is a failure.
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_cache_that_cannot_be_written_still_answers(tmp_path: Path) -> None:
    store = fill(MemoryStore(), "v1")
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    cache = IndexCache(store, blocked)
    assert cache.get("v1").resolve("heat").status == "matched"
    cache.settle()
    assert list(tmp_path.iterdir()) == [blocked]  # nothing half-written left behind


def test_the_rest_of_the_index_is_fetched_only_after_the_first_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold start's first answer reads the cluster's movies after its search: the background
    fetch of the rest of the index must not compete with that for the store."""
    from bot.usecases.movies import MovieService
    from tests.fixtures.artifacts import numbered_movies

    monkeypatch.setattr(index_cache, "FILL_AFTER_S", 0.0)
    catalogue = numbered_movies(6000)  # an index of many parts, of which a search reads some
    store = fill(MemoryStore(), movies=catalogue, akas=[], k=8)
    store.INDEX_PART = 2048
    asked = count_index_reads(monkeypatch, store)
    parts = store.title_index_parts("v1")
    assert parts is not None
    cache = IndexCache(store, tmp_path)
    title = catalogue[4321].title
    assert cache.get("v1").resolve(title).status == "matched"
    time.sleep(0.5)  # a fill on a timer alone would have started and finished by now
    assert len(set(asked)) < parts.count and not list(tmp_path.glob("*.npz"))
    assert MovieService(store, cache).ask(f"movies like {title}").status == "matched"
    deadline = time.monotonic() + 10
    while not list(tmp_path.glob("*.npz")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the answer let the fill go: the copy follows, without `settle`
    assert sorted(set(asked)) == list(range(parts.count))
    cache.settle()
