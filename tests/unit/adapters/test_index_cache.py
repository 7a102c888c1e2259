"""The title index cache: the store's bytes answer at once, the mapped copy follows."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.index_cache import IndexCache
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


def test_a_cache_that_cannot_be_written_still_answers(tmp_path: Path) -> None:
    store = fill(MemoryStore(), "v1")
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    cache = IndexCache(store, blocked)
    assert cache.get("v1").resolve("heat").status == "matched"
    cache.settle()
    assert list(tmp_path.iterdir()) == [blocked]  # nothing half-written left behind
