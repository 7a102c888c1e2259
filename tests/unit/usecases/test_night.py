"""MovieNights on a small real store (SQLite, the sample catalogue): each step of a movie night
and every bad input of issue 15 answered with a clear outcome, nothing half-written."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.index_cache import IndexCache
from bot.adapters.store.sqlite import SqliteStore
from bot.core.matching import TitleIndex
from bot.core.models import Mark, MarkKind
from bot.core.night import TIE_RULE, Night, NightStatus
from bot.usecases.movies import MovieService
from bot.usecases.night import MovieNights
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.fixtures.stores import fill_version

NOW = datetime(2030, 1, 2, 20, 0, tzinfo=UTC)
HEAT, MATRIX, GODFATHER, LEBOWSKI = "tt0113277", "tt0133093", "tt0068646", "tt0118715"
TITLES = {m.tconst: m for m in SAMPLE_MOVIES}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "moviebot.sqlite")
    index = TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS).to_bytes()
    fill_version(store, "v1", SAMPLE_MOVIES, index)
    yield store
    store.close()


@pytest.fixture
def nights(store: SqliteStore, tmp_path: Path) -> MovieNights:
    service = MovieService(store, IndexCache(store, tmp_path / "cache"))
    ids = (f"N{i}" for i in itertools.count(1))
    return MovieNights(store, service, clock=lambda: NOW, new_id=lambda: next(ids))


def started(nights: MovieNights, text: str = "Heat", **kw: object) -> Night:
    outcome = nights.start("C1", "U1", text, **kw)  # type: ignore[arg-type]
    assert outcome.status is NightStatus.OK, outcome.message
    assert outcome.night is not None
    return outcome.night


def shortlisted(night: Night) -> list[str]:
    return [f.tconst for f in night.shortlist]


# --- starting ------------------------------------------------------------------------------------
def test_a_night_starts_with_the_starters_favourites_and_the_nights_constraints(
    nights: MovieNights, store: SqliteStore
) -> None:
    night = started(nights, "Heat and The Matrix, something under 2 hours")
    assert (night.night_id, night.channel, night.started_by, night.members) == (
        "N1",
        "C1",
        "U1",
        ("U1",),
    )
    assert night.favourites == {"U1": (HEAT, MATRIX)}
    assert [(c.field, c.op, c.value) for c in night.constraints] == [("runtime", "<=", 120)]
    assert night.created_at == "2030-01-02T20:00:00Z" and night.closes_at is None
    films = shortlisted(night)
    assert 0 < len(films) <= 5
    assert not {HEAT, MATRIX} & set(films)  # never a favourite
    assert all((TITLES[t].runtime or 0) <= 120 for t in films)
    assert all(f.reason for f in night.shortlist)
    assert store.night("N1") == night


def test_a_closing_time_in_the_past_starts_nothing(nights: MovieNights, store: SqliteStore) -> None:
    outcome = nights.start("C1", "U1", "Heat", closes_at=NOW - timedelta(minutes=1))
    assert outcome.status is NightStatus.NOT_ALLOWED and outcome.night is None
    assert "already passed" in outcome.message
    assert store.night("N1") is None


def test_an_unsure_title_starts_the_night_and_asks_which_film(nights: MovieNights) -> None:
    outcome = nights.start("C1", "U1", "It")
    assert outcome.status is NightStatus.DID_YOU_MEAN
    assert outcome.night is not None and outcome.night.favourites == {}
    assert {c.tconst for c in outcome.candidates} == {"tt1396484", "tt0099864"}
    assert "“It”" in outcome.message


def test_words_that_name_nothing_still_start_an_empty_night(nights: MovieNights) -> None:
    outcome = nights.start("C1", "U1", "zzqx blorf")
    assert outcome.status is NightStatus.OK and outcome.night is not None
    assert outcome.night.favourites == {} and outcome.night.shortlist == ()
    assert "didn't recognise" in outcome.message


# --- joining, favourites, suggestions ------------------------------------------------------------
def test_joining_is_idempotent_and_a_missing_night_says_so(nights: MovieNights) -> None:
    started(nights)
    nights.join("N1", "U2")
    outcome = nights.join("N1", "U2")
    assert outcome.status is NightStatus.OK and outcome.night is not None
    assert outcome.night.members == ("U1", "U2")
    missing = nights.join("nope", "U2")
    assert missing.status is NightStatus.NOT_FOUND and "expired" in missing.message


def test_a_favourite_joins_its_member_and_rebuilds_the_shortlist(nights: MovieNights) -> None:
    before = started(nights, "Heat")
    outcome = nights.add_favourite("N1", "U2", "The Big Lebowski")
    assert outcome.status is NightStatus.OK and outcome.night is not None
    night = outcome.night
    assert night.members == ("U1", "U2")
    assert night.favourites == {"U1": (HEAT,), "U2": (LEBOWSKI,)}
    assert shortlisted(night) != shortlisted(before)
    assert "The Big Lebowski" in outcome.message


@pytest.mark.parametrize(
    ("text", "status", "words"),
    [
        ("zzqx blorf", NightStatus.UNRESOLVED, "couldn't find"),
        ("   ", NightStatus.UNRESOLVED, "Type a film"),
        ("It", NightStatus.DID_YOU_MEAN, "Which film"),
    ],
)
def test_a_favourite_nobody_can_resolve_changes_nothing(
    nights: MovieNights, store: SqliteStore, text: str, status: NightStatus, words: str
) -> None:
    before = started(nights)
    outcome = nights.add_favourite("N1", "U2", text)
    assert outcome.status is status and words in outcome.message
    assert store.night("N1") == before  # U2 not even joined


def test_a_favourite_given_as_the_pickers_tconst(nights: MovieNights) -> None:
    started(nights)
    outcome = nights.add_favourite("N1", "U2", GODFATHER)
    assert outcome.night is not None and outcome.night.favourites["U2"] == (GODFATHER,)


def test_a_suggestion_goes_onto_the_shortlist_and_stays_there(nights: MovieNights) -> None:
    started(nights, "Heat")
    outcome = nights.suggest("N1", "U3", "Groundhog Day")
    assert outcome.status is NightStatus.OK and outcome.night is not None
    assert "tt0107048" in shortlisted(outcome.night) and "U3" in outcome.night.members
    rebuilt = nights.add_favourite("N1", "U2", "The Matrix").night
    assert rebuilt is not None and "tt0107048" in shortlisted(rebuilt)


# --- the shortlist ------------------------------------------------------------------------------
def test_a_shortlist_without_favourites_says_what_to_do(nights: MovieNights) -> None:
    started(nights, "")
    outcome = nights.shortlist("N1")
    assert outcome.status is NightStatus.NO_FAVOURITES and "add one" in outcome.message


def test_a_shortlist_the_constraints_empty_says_so(nights: MovieNights) -> None:
    outcome = nights.start("C1", "U1", "Heat, a film from the 1930s")
    assert outcome.status is NightStatus.EMPTY_SHORTLIST
    assert outcome.night is not None and outcome.night.shortlist == ()
    assert "from the 1930s" in outcome.message


def test_the_shortlist_skips_what_any_member_has_seen_or_not_interested(
    nights: MovieNights, store: SqliteStore
) -> None:
    first = shortlisted(started(nights, "Heat"))
    store.add_mark("U2", Mark(first[0], MarkKind.SEEN))
    store.add_mark("U2", Mark(first[1], MarkKind.NOT_INTERESTED))
    nights.join("N1", "U2")
    outcome = nights.shortlist("N1")
    assert outcome.night is not None
    assert not {first[0], first[1]} & set(shortlisted(outcome.night))


# --- voting --------------------------------------------------------------------------------------
def test_votes_toggle_join_the_voter_and_a_retried_click_counts_once(nights: MovieNights) -> None:
    film = shortlisted(started(nights))[0]
    outcome = nights.vote("N1", "U2", film, "click-1")
    assert outcome.status is NightStatus.OK and outcome.night is not None
    assert outcome.night.tally(film) == 1 and "U2" in outcome.night.members
    again = nights.vote("N1", "U2", film, "click-1")  # Slack retried the same click
    assert again.night is not None and again.night.tally(film) == 1
    withdrawn = nights.vote("N1", "U2", film, "click-2")
    assert withdrawn.night is not None and withdrawn.night.tally(film) == 0
    assert "withdrew" in withdrawn.message


def test_a_vote_for_a_film_not_on_the_shortlist_is_refused(
    nights: MovieNights, store: SqliteStore
) -> None:
    night = started(nights)
    outcome = nights.vote("N1", "U2", "tt9999999", "c1")
    assert outcome.status is NightStatus.UNRESOLVED and "no longer on the shortlist" in (
        outcome.message
    )
    assert store.night("N1") == night


def test_voting_on_a_closed_night_changes_nothing(nights: MovieNights, store: SqliteStore) -> None:
    film = shortlisted(started(nights))[0]
    nights.close("N1", "U1")
    closed = store.night("N1")
    outcome = nights.vote("N1", "U2", film, "c1")
    assert outcome.status is NightStatus.CLOSED and "closed" in outcome.message
    assert store.night("N1") == closed
    for late in (
        nights.join("N1", "U2"),
        nights.add_favourite("N1", "U2", "The Matrix"),
        nights.suggest("N1", "U2", "Alien"),
        nights.shortlist("N1"),
    ):
        assert late.status is NightStatus.CLOSED
    assert store.night("N1") == closed


# --- closing -------------------------------------------------------------------------------------
def test_the_most_approved_film_wins(nights: MovieNights) -> None:
    films = shortlisted(started(nights))
    nights.vote("N1", "U2", films[2], "a")
    nights.vote("N1", "U3", films[2], "b")
    nights.vote("N1", "U1", films[0], "c")
    outcome = nights.close("N1", "U1")
    assert outcome.status is NightStatus.OK and outcome.night is not None
    assert outcome.night.state == "closed" and outcome.night.winner == films[2]
    assert f"{TITLES[films[2]].title} wins with 2 approvals." == outcome.message


def test_a_tie_goes_to_the_aggregate_score_and_the_rule_is_shown(nights: MovieNights) -> None:
    night = started(nights)
    films = shortlisted(night)
    nights.vote("N1", "U2", films[1], "a")
    nights.vote("N1", "U3", films[0], "b")
    outcome = nights.close("N1", "U1")
    assert outcome.night is not None and outcome.night.winner == films[0]  # the higher score
    assert night.shortlist[0].score >= night.shortlist[1].score
    assert TIE_RULE in outcome.message and "tie" in outcome.message


def test_closing_twice_says_it_is_closed_already(nights: MovieNights) -> None:
    started(nights)
    first = nights.close("N1", "U1")
    second = nights.close("N1", "U1")
    assert second.status is NightStatus.ALREADY_CLOSED and "already closed" in second.message
    assert second.night == first.night


def test_only_the_starter_or_an_admin_may_close(nights: MovieNights, store: SqliteStore) -> None:
    night = started(nights)
    nights.join("N1", "U2")
    outsider = nights.close("N1", "U9")
    assert outsider.status is NightStatus.NOT_MEMBER and "not in this movie night" in (
        outsider.message
    )
    member = nights.close("N1", "U2")
    assert member.status is NightStatus.NOT_ALLOWED and "Only whoever started" in member.message
    stored = store.night("N1")
    assert stored is not None and stored.is_open and stored.members == (*night.members, "U2")
    assert nights.close("N1", "U9", is_admin=True).status is NightStatus.OK


def test_once_its_closing_time_passed_anyone_may_close_it(nights: MovieNights) -> None:
    started(nights, closes_at=NOW + timedelta(hours=2))
    assert nights.close("N1", "U9", now=NOW).status is NightStatus.NOT_MEMBER
    later = NOW + timedelta(hours=2)
    assert nights.due(later) == ["N1"]
    assert nights.close("N1", "timer", now=later).status is NightStatus.OK
    assert nights.due(later) == []


def test_a_close_interrupted_before_its_winner_is_finished_by_the_next(
    nights: MovieNights, store: SqliteStore
) -> None:
    film = shortlisted(started(nights))[3]
    nights.vote("N1", "U2", film, "a")
    store.close_night("N1")  # closed, but the process died before saving the winner
    outcome = nights.close("N1", "U1")
    assert outcome.status is NightStatus.ALREADY_CLOSED
    assert outcome.night is not None and outcome.night.winner == film
    stored = store.night("N1")
    assert stored is not None and stored.winner == film


def test_a_missing_night_cannot_be_closed(nights: MovieNights) -> None:
    assert nights.close("nope", "U1").status is NightStatus.NOT_FOUND


# --- after the night -----------------------------------------------------------------------------
def test_we_watched_it_marks_the_winner_seen_for_every_voter(
    nights: MovieNights, store: SqliteStore
) -> None:
    films = shortlisted(started(nights))
    nights.vote("N1", "U2", films[0], "a")
    nights.vote("N1", "U3", films[1], "b")
    early = nights.watched("N1", "U2")
    assert early.status is NightStatus.NOT_ALLOWED and "still open" in early.message
    assert store.marks("U2") == []
    nights.close("N1", "U1")
    outcome = nights.watched("N1", "U1")
    assert outcome.status is NightStatus.OK
    for user in ("U1", "U2", "U3"):
        assert [(m.tconst, m.kind) for m in store.marks(user)] == [(films[0], MarkKind.SEEN)]
    # the next night with the same favourite skips it
    nights.start("C1", "U2", "Heat")
    later = store.night("N2")
    assert later is not None and films[0] not in shortlisted(later)


def test_a_night_whose_message_could_not_be_posted_is_abandoned(
    nights: MovieNights, store: SqliteStore
) -> None:
    started(nights)  # then posting fails: the bot is not in the channel
    assert nights.abandon("N1") is True
    assert store.night("N1") is None
    started(nights)
    store.set_message_ts("N2", "1700000000.000400")
    assert nights.abandon("N2") is False and store.night("N2") is not None


def test_without_a_model_a_night_starts_but_films_cannot_be_looked_up(tmp_path: Path) -> None:
    empty = SqliteStore(tmp_path / "empty.sqlite")
    service = MovieService(empty, IndexCache(empty, tmp_path / "cache"))
    nights = MovieNights(empty, service, clock=lambda: NOW, new_id=lambda: "N1")
    outcome = nights.start("C1", "U1", "Heat")
    assert outcome.status is NightStatus.OK and outcome.night is not None
    assert "No movie model" in outcome.message
    for answer in (nights.add_favourite("N1", "U2", "Heat"), nights.shortlist("N1")):
        assert answer.status is NightStatus.UNRESOLVED and "No movie model" in answer.message
    assert empty.night("N1") == outcome.night
    empty.close()
