"""The closing time typed with `/movie night`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.closing_time import ClosingTimeError, split_closing

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "rest", "after"),
    [
        ("heist films closes in 2 hours", "heist films", timedelta(hours=2)),
        ("closing in 90 min, like heat", "like heat", timedelta(minutes=90)),
        ("something funny (voting closes in 1h)", "something funny", timedelta(hours=1)),
        ("Close in 3 days", "", timedelta(days=3)),
    ],
)
def test_closing_words_are_read_and_taken_out(typed: str, rest: str, after: timedelta) -> None:
    assert split_closing(typed, NOW) == (rest, NOW + after)


@pytest.mark.parametrize("typed", ["something funny under 2 hours", "heat", "", "in 2 hours"])
def test_without_closing_words_nothing_changes(typed: str) -> None:
    assert split_closing(typed, NOW) == (typed, None)


@pytest.mark.parametrize("typed", ["closes in 0 minutes", "closes in 30 days"])
def test_an_unusable_closing_time_is_refused_with_why(typed: str) -> None:
    with pytest.raises(ClosingTimeError, match="between a minute and 7 days"):
        split_closing(typed, NOW)
