"""A movie night's closing time, as typed with the command: `/movie night heist films closes in
2 hours` (also `closing in 90 min`, `close in 1h`). The words are taken out of the request, so
the understanding never reads them as a title or a runtime."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

MAX_OPEN = timedelta(days=7)  # a night is kept a week after it closes; longer is a typo
_CLOSING = re.compile(
    r"(?:^|[\s,;(])(?:voting\s+)?(?:closes?|closing|ends?)\s+in\s+(\d{1,4})\s*"
    r"(m|mins?|minutes?|h|hrs?|hours?|d|days?)\b[.)]?",
    re.IGNORECASE,
)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class ClosingTimeError(ValueError):
    """A closing time given but not usable (zero, or further off than MAX_OPEN)."""


def split_closing(text: str, now: datetime) -> tuple[str, datetime | None]:
    """The request without its closing-time words, and the closing time (None: none given)."""
    found = _CLOSING.search(text)
    if found is None:
        return text.strip(), None
    amount = int(found.group(1))
    delta = timedelta(**{_UNITS[found.group(2)[0].lower()]: amount})
    if amount == 0 or delta > MAX_OPEN:
        raise ClosingTimeError(
            f"a night can close between a minute and {MAX_OPEN.days} days from now"
        )
    rest = (text[: found.start()] + " " + text[found.end() :]).strip(" ,;")
    return " ".join(rest.split()), now + delta
