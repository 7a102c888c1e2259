"""The NightStore contract: a movie night behaves the same on SQLite and on DynamoDB Local,
every write is conditional (nothing changes on a closed or missing night), and 50 parallel
voters end with the exact tally."""

from __future__ import annotations

import dataclasses
import functools
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.store.base import NightClosed, NightExists, NightMissing, Store, StoreError
from bot.core.clock import format_utc
from bot.core.night import Night, NightFilm
from bot.core.request import Constraint
from tests.fixtures.stores import StoreOpener

HEAT = NightFilm("tt0113277", "Heat", 1995, 0.9, "close to Ronin · 1990s, rated 8.3")
RONIN = NightFilm("tt0122690", "Ronin", 1998, 0.7, "close to Heat")
ALIEN = NightFilm("tt0078748", "Alien", 1979, 0.5, "suggested by <@U3>")


@functools.cache
def _now() -> datetime:
    """One time for every night of the session: two a_night() a second apart must be equal."""
    return datetime.now(UTC)


def a_night(night_id: str = "N1", **changes: object) -> Night:
    now = _now()
    night = Night(
        night_id=night_id,
        channel="C1",
        started_by="U1",
        request_text="something tense, 90s, under 2 hours",
        constraints=(
            Constraint("year", "between", (1990, 1999), "90s"),
            Constraint("genres", "in", ("Thriller", "Crime"), "tense"),
            Constraint("runtime", "<=", 120, "under 2 hours"),
        ),
        created_at=format_utc(now),
        closes_at=format_utc(now + timedelta(hours=2)),
        members=("U1",),
        favourites={"U1": ("tt0133093",)},
        shortlist=(HEAT, RONIN),
    )
    return dataclasses.replace(night, **changes)  # type: ignore[arg-type]


def test_a_night_round_trips_exactly(store: Store) -> None:
    night = a_night(
        suggestions=(("U1", "tt0113277"),),
        votes={"tt0113277": frozenset({"U1", "U2"})},
        message_ts="1700000000.000100",
    )
    store.create_night(night)
    assert store.night("N1") == night
    assert store.night("N2") is None


def test_a_night_id_is_created_once(store: Store) -> None:
    store.create_night(a_night())
    with pytest.raises(NightExists):
        store.create_night(a_night(started_by="U9"))
    assert store.night("N1") == a_night()


def test_writes_to_a_missing_night_say_so(store: Store) -> None:
    for write in (
        lambda: store.join_night("nope", "U1"),
        lambda: store.add_favourite("nope", "U1", "tt1"),
        lambda: store.add_suggestion("nope", "U1", HEAT),
        lambda: store.set_shortlist("nope", [HEAT]),
        lambda: store.toggle_vote("nope", "U1", HEAT.tconst, "c1"),
        lambda: store.close_night("nope"),
        lambda: store.set_winner("nope", HEAT.tconst),
        lambda: store.set_message_ts("nope", "1.2"),
    ):
        with pytest.raises(NightMissing):
            write()
    assert store.night("nope") is None


def test_joining_is_idempotent_and_keeps_the_order(store: Store) -> None:
    store.create_night(a_night())
    store.join_night("N1", "U2")
    store.join_night("N1", "U3")
    night = store.join_night("N1", "U2")
    assert night.members == ("U1", "U2", "U3")
    assert store.night("N1") == night


def test_a_favourite_joins_its_member_and_counts_once(store: Store) -> None:
    store.create_night(a_night())
    store.add_favourite("N1", "U2", "tt0113277")
    store.add_favourite("N1", "U2", "tt0122690")
    night = store.add_favourite("N1", "U2", "tt0113277")
    assert night.members == ("U1", "U2")
    assert night.favourites == {"U1": ("tt0133093",), "U2": ("tt0113277", "tt0122690")}
    assert store.night("N1") == night


def test_a_suggestion_goes_straight_onto_the_shortlist_once(store: Store) -> None:
    store.create_night(a_night())
    store.add_suggestion("N1", "U3", ALIEN)
    night = store.add_suggestion("N1", "U3", ALIEN)
    assert night.members == ("U1", "U3")
    assert night.suggestions == (("U3", ALIEN.tconst),)
    assert night.shortlist == (HEAT, RONIN, ALIEN)
    # suggesting a film already on the shortlist records the suggestion, not a second copy
    night = store.add_suggestion("N1", "U1", HEAT)
    assert night.shortlist == (HEAT, RONIN, ALIEN)
    assert store.night("N1") == night


def test_a_new_shortlist_keeps_the_votes(store: Store) -> None:
    store.create_night(a_night())
    store.toggle_vote("N1", "U1", HEAT.tconst, "c1")
    night = store.set_shortlist("N1", [RONIN, HEAT])
    assert night.shortlist == (RONIN, HEAT)
    assert night.tally(HEAT.tconst) == 1
    assert store.night("N1") == night


def test_a_vote_toggles_and_a_retried_click_counts_once(store: Store) -> None:
    store.create_night(a_night())
    assert store.toggle_vote("N1", "U2", HEAT.tconst, "c1").votes == {
        HEAT.tconst: frozenset({"U2"})
    }
    assert store.toggle_vote("N1", "U2", HEAT.tconst, "c1").tally(HEAT.tconst) == 1  # retried
    night = store.toggle_vote("N1", "U2", HEAT.tconst, "c2")  # pressed again: withdrawn
    assert night.tally(HEAT.tconst) == 0 and night.votes == {}
    assert store.toggle_vote("N1", "U2", HEAT.tconst, "c2").tally(HEAT.tconst) == 0  # retried
    store.toggle_vote("N1", "U3", RONIN.tconst, "c3")
    assert store.night("N1") == dataclasses.replace(
        a_night(), votes={RONIN.tconst: frozenset({"U3"})}
    )


def test_a_closed_night_refuses_every_change_and_closes_once(store: Store) -> None:
    store.create_night(a_night())
    store.toggle_vote("N1", "U1", HEAT.tconst, "c1")
    closed = store.close_night("N1")
    assert closed.state == "closed" and closed.tally(HEAT.tconst) == 1
    for write in (
        lambda: store.close_night("N1"),
        lambda: store.join_night("N1", "U2"),
        lambda: store.add_favourite("N1", "U2", "tt1"),
        lambda: store.add_suggestion("N1", "U2", ALIEN),
        lambda: store.set_shortlist("N1", [ALIEN]),
        lambda: store.toggle_vote("N1", "U2", HEAT.tconst, "c2"),
        lambda: store.toggle_vote("N1", "U1", HEAT.tconst, "c1"),  # even a retried click
    ):
        with pytest.raises(NightClosed) as refused:
            write()
        assert refused.value.night == closed
    assert store.night("N1") == closed


def test_the_winner_is_set_on_a_closed_night_only(store: Store) -> None:
    store.create_night(a_night())
    with pytest.raises(StoreError):
        store.set_winner("N1", HEAT.tconst)
    assert store.night("N1") == a_night()
    store.close_night("N1")
    store.set_message_ts("N1", "1700000000.000200")
    night = store.set_winner("N1", HEAT.tconst)
    assert (night.winner, night.message_ts) == (HEAT.tconst, "1700000000.000200")
    assert store.night("N1") == night


def test_due_nights_are_the_open_ones_past_their_closing_time(store: Store) -> None:
    now = datetime.now(UTC)
    at = format_utc(now)
    store.create_night(a_night("past", closes_at=format_utc(now - timedelta(minutes=5))))
    store.create_night(a_night("now", closes_at=at))
    store.create_night(a_night("later", closes_at=format_utc(now + timedelta(minutes=5))))
    store.create_night(a_night("never", closes_at=None))
    store.create_night(a_night("closed", closes_at=format_utc(now - timedelta(minutes=9))))
    store.close_night("closed")
    assert sorted(store.due_nights(at)) == ["now", "past"]
    store.close_night("past")
    assert store.due_nights(at) == ["now"]


def test_an_expired_night_is_gone_and_its_id_free_again(store: Store) -> None:
    # closed three weeks ago: past its closing time + 7 days
    long_ago = datetime.now(UTC) - timedelta(days=28)
    old = a_night(
        created_at=format_utc(long_ago), closes_at=format_utc(long_ago + timedelta(days=7))
    )
    store.create_night(old)
    assert store.night("N1") is None
    assert store.due_nights(format_utc(datetime.now(UTC))) == []
    with pytest.raises(NightMissing):
        store.toggle_vote("N1", "U1", HEAT.tconst, "c1")
    # without a closing time a night is kept 14 days
    store.create_night(a_night(created_at=format_utc(long_ago), closes_at=None))
    assert store.night("N1") is None
    store.create_night(a_night())
    assert store.night("N1") == a_night()


def test_fifty_parallel_voters_end_with_the_exact_tally(store_opener: StoreOpener) -> None:
    first = store_opener()
    first.create_night(a_night())
    handles = [store_opener() for _ in range(5)]  # five "processes" of the bot
    voters = [f"U{i:03d}" for i in range(50)]

    def clicks(i: int) -> None:
        store = handles[i % len(handles)]
        user = voters[i]
        store.join_night("N1", user)
        store.toggle_vote("N1", user, HEAT.tconst, f"{user}-heat")
        store.toggle_vote("N1", user, HEAT.tconst, f"{user}-heat")  # Slack retried it
        if i % 2 == 0:  # half approve Ronin too, a third of those withdraw it again
            store.toggle_vote("N1", user, RONIN.tconst, f"{user}-ronin")
            if i % 3 == 0:
                store.toggle_vote("N1", user, RONIN.tconst, f"{user}-ronin-off")

    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(clicks, range(50)))

    night = first.night("N1")
    assert night is not None
    assert night.votes[HEAT.tconst] == frozenset(voters)
    assert night.votes[RONIN.tconst] == frozenset(
        voters[i] for i in range(50) if i % 2 == 0 and i % 3 != 0
    )
    assert set(night.members) == {"U1", *voters} and len(night.members) == 51


def test_parallel_retries_of_one_click_count_once(store_opener: StoreOpener) -> None:
    first = store_opener()
    first.create_night(a_night())
    handles = [store_opener() for _ in range(5)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        list(
            pool.map(
                lambda i: handles[i % 5].toggle_vote("N1", "U2", HEAT.tconst, "the-click"),
                range(50),
            )
        )
    night = first.night("N1")
    assert night is not None and night.votes == {HEAT.tconst: frozenset({"U2"})}


def test_a_night_never_shown_can_be_discarded_a_shown_one_cannot(store: Store) -> None:
    store.create_night(a_night("unseen"))
    store.toggle_vote("unseen", "U1", HEAT.tconst, "c1")
    assert store.discard_night("unseen") is True
    assert store.night("unseen") is None
    assert store.discard_night("unseen") is False
    store.create_night(a_night("unseen"))  # the id is free again, with no old clicks
    assert store.toggle_vote("unseen", "U1", HEAT.tconst, "c1").tally(HEAT.tconst) == 1
    store.create_night(a_night("shown"))
    store.set_message_ts("shown", "1700000000.000300")
    assert store.discard_night("shown") is False
    assert store.night("shown") is not None
