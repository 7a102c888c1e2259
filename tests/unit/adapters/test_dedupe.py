"""An event id is answered once: a claim is held while in progress and once answered, a
failure releases it, and a claim whose holder died frees itself; the table stays bounded."""

from __future__ import annotations

from bot.adapters.dedupe import MemoryDeduper, StoreDeduper, event_key
from bot.adapters.store.sqlite import SqliteStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_held_claim_drops_later_deliveries_until_it_is_released() -> None:
    dedupe = MemoryDeduper(clock=Clock())
    assert dedupe.claim("Ev1") is True
    assert dedupe.claim("Ev1") is False  # in progress
    assert dedupe.claim("Ev2") is True
    dedupe.release("Ev1")  # answering failed
    assert dedupe.claim("Ev1") is True  # so the retry answers
    dedupe.done("Ev1")
    assert dedupe.claim("Ev1") is False  # answered


def test_an_in_progress_claim_frees_itself_sooner_than_an_answered_one() -> None:
    clock = Clock()
    dedupe = MemoryDeduper(in_progress_seconds=180, answered_seconds=3600, clock=clock)
    assert dedupe.claim("Ev-died")  # its answerer was killed: never done, never released
    assert dedupe.claim("Ev-answered")
    dedupe.done("Ev-answered")
    clock.now = 181
    assert dedupe.claim("Ev-died") is True
    assert dedupe.claim("Ev-answered") is False
    clock.now = 181 + 3600
    assert dedupe.claim("Ev-answered") is True


def test_the_table_is_bounded() -> None:
    dedupe = MemoryDeduper(max_keys=100, clock=Clock())
    for i in range(1000):
        assert dedupe.claim(f"Ev{i}")
    assert len(dedupe._until) <= 100


def test_two_processes_on_one_store_answer_an_event_once(tmp_path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    first, second = StoreDeduper(store), StoreDeduper(store)  # two Lambda containers
    assert first.claim("Ev1") is True
    assert second.claim("Ev1") is False
    assert first.claim("Ev1") is False
    assert second.claim("Ev2") is True


def test_a_release_in_another_container_lets_this_one_claim_again(tmp_path) -> None:
    # The ack runs in one container, the lazy listener that fails in another.
    store = SqliteStore(tmp_path / "s.sqlite")
    acking, answering = StoreDeduper(store), StoreDeduper(store)
    assert acking.claim("Ev1") is True
    answering.release("Ev1")
    assert acking.claim("Ev1") is True  # Slack's retry, back in the first container
    answering.done("Ev1")
    assert acking.claim("Ev1") is False


def test_only_events_api_deliveries_have_a_claim_key() -> None:
    assert event_key({"type": "event_callback", "event_id": "Ev9"}) == "event:Ev9"
    assert event_key({"type": "event_callback"}) is None
    assert event_key({"type": "block_actions", "event_id": "Ev9"}) is None
