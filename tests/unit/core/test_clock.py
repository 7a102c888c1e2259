"""The one timestamp format, and reading back what older versions of the bot stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core import clock

MOMENT = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_format_is_utc_to_the_second_with_z() -> None:
    assert clock.format_utc(MOMENT.replace(microsecond=999_999)) == "2030-01-02T03:04:05Z"
    two_hours_east = timezone(timedelta(hours=2))
    assert clock.format_utc(datetime(2030, 1, 2, 5, 4, 5, tzinfo=two_hours_east)) == (
        "2030-01-02T03:04:05Z"
    )
    assert clock.format_utc(datetime(2030, 1, 2, 3, 4, 5)) == "2030-01-02T03:04:05Z"  # naive: UTC


def test_now_is_in_the_format_and_sorts_as_text_in_time_order() -> None:
    before = clock.format_utc(datetime.now(UTC) - timedelta(seconds=1))
    now = clock.utc_now_iso()
    assert len(now) == len("2030-01-02T03:04:05Z") and now.endswith("Z")
    assert clock.parse_utc(now) is not None
    assert before < now


@pytest.mark.parametrize(
    "stored",
    [
        "2030-01-02T03:04:05Z",  # today's format
        "2030-01-02T03:04:05+00:00",  # training runs and SageMaker times, before
        "2030-01-02T03:04:05.000000Z",  # marks and versions, before
        "2030-01-02T03:04:05",
    ],
)
def test_parse_reads_every_format_the_bot_has_written(stored: str) -> None:
    assert clock.parse_utc(stored) == MOMENT


def test_parse_keeps_fractions_and_converts_offsets() -> None:
    assert clock.parse_utc("2030-01-02T05:04:05.5+02:00") == MOMENT.replace(microsecond=500_000)


@pytest.mark.parametrize("text", ["", "yesterday", "2030-13-02T03:04:05Z", "x" * 10_000])
def test_parse_says_none_for_what_is_no_timestamp(text: str) -> None:
    assert clock.parse_utc(text) is None
