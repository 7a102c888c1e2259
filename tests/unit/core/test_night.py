"""The night's values: who is winning by the tie rule, and when a night expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.night import Night, NightFilm, expires_at, leader

A = NightFilm("tt1", "A", 1990, 0.9, "")
B = NightFilm("tt2", "B", 1991, 0.5, "")
C = NightFilm("tt3", "C", 1992, 0.5, "")


def night(*films: NightFilm, **votes: set[str]) -> Night:
    return Night(
        night_id="N1",
        channel="C1",
        started_by="U1",
        request_text="",
        constraints=(),
        created_at="2030-01-01T00:00:00Z",
        shortlist=films,
        votes={tconst: frozenset(users) for tconst, users in votes.items()},
    )


def test_most_approvals_win_without_a_tie() -> None:
    assert leader(night(A, B, C, tt2={"U1", "U2"}, tt1={"U3"})) == (B, False)


def test_a_tie_goes_to_the_score_then_to_the_shortlist_order() -> None:
    assert leader(night(A, B, C, tt1={"U1"}, tt2={"U2"})) == (A, True)
    assert leader(night(A, B, C, tt2={"U1"}, tt3={"U2"})) == (B, True)
    assert leader(night(A, C, B, tt2={"U1"}, tt3={"U2"})) == (C, True)


def test_no_votes_is_a_tie_the_score_breaks_and_no_shortlist_no_winner() -> None:
    assert leader(night(B, A)) == (A, True)
    assert leader(night()) == (None, False)


def test_votes_for_films_off_the_shortlist_do_not_count() -> None:
    assert leader(night(A, B, tt9={"U1", "U2", "U3"}, tt2={"U1"})) == (B, False)


def test_a_night_is_kept_a_week_after_closing_or_two_weeks_without_a_closing_time() -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    closes = start + timedelta(hours=3)
    assert expires_at(start, closes) == closes + timedelta(days=7)
    assert expires_at(start, None) == start + timedelta(days=14)
