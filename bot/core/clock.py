"""The one timestamp format, for people and the stores: ISO 8601 in UTC to the second, with "Z"
(2030-01-02T03:04:05Z). Compared as text, such stamps sort in time order, which the stores rely
on (marks newest first, versions oldest first, training runs by started_at)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# What code that needs "now" takes, so tests can fix the time.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_utc(moment: datetime) -> str:
    """`moment` in the one format; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(FORMAT)


def utc_now_iso() -> str:
    return format_utc(utc_now())


def parse_utc(text: str) -> datetime | None:
    """A stamp in the one format, or as older versions wrote it (fractions of a second,
    "+00:00" for "Z"), as an aware UTC datetime; None when `text` is no timestamp."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
