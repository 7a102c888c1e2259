"""An event id is answered once within the time to live, and the table stays bounded."""

from __future__ import annotations

from bot.adapters.dedupe import MemoryDeduper, StoreDeduper
from bot.adapters.store.sqlite import SqliteStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_first_claim_wins_until_the_ttl_passes() -> None:
    clock = Clock()
    dedupe = MemoryDeduper(ttl_seconds=60, clock=clock)
    assert dedupe.first_time("Ev1") is True
    assert dedupe.first_time("Ev1") is False
    assert dedupe.first_time("Ev2") is True
    clock.now = 61
    assert dedupe.first_time("Ev1") is True


def test_the_table_is_bounded() -> None:
    dedupe = MemoryDeduper(ttl_seconds=3600, max_keys=100, clock=Clock())
    for i in range(1000):
        assert dedupe.first_time(f"Ev{i}")
    assert len(dedupe._seen) <= 100


def test_two_processes_on_one_store_answer_an_event_once(tmp_path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    first, second = StoreDeduper(store), StoreDeduper(store)  # two Lambda containers
    assert first.first_time("Ev1") is True
    assert second.first_time("Ev1") is False
    assert first.first_time("Ev1") is False
    assert second.first_time("Ev2") is True
