"""An event id is answered once within the time to live, and the table stays bounded."""

from __future__ import annotations

from bot.dedupe import MemoryDeduper, StoreDeduper, deduper_for


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


class ClaimingStore:
    def __init__(self) -> None:
        self.claimed: set[str] = set()

    def claim_event(self, key: str, ttl_seconds: int) -> bool:
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True


def test_a_store_that_can_claim_is_used_so_other_processes_see_the_claim() -> None:
    store = ClaimingStore()
    first, second = deduper_for(store), deduper_for(store)  # two Lambda containers
    assert isinstance(first, StoreDeduper)
    assert first.first_time("Ev1") is True
    assert second.first_time("Ev1") is False
    assert isinstance(deduper_for(object()), MemoryDeduper)
