"""What a button or menu option carries in its `value`, and reading it back. A value comes
back from Slack as the user's client sent it, so decoding answers None for anything not ours."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.models import MarkKind
from bot.core.request import Constraint
from bot.usecases.threads import constraint_data, constraint_from_data

VALUE_LIMIT = 2000  # Slack's limit on a button's value
_TCONST = re.compile(r"tt\d{1,12}")
_SHORT_TEXT = 24  # a constraint's words, cut to this when the value would not fit otherwise


def encode_page(tconst: str, offset: int) -> str:
    return json.dumps({"t": tconst, "o": offset}, separators=(",", ":"))


def decode_page(value: str | None) -> tuple[str, int] | None:
    """The (tconst, offset) a Show more / Share button carries, or None when it is not ours."""
    try:
        data = json.loads(value or "")
        tconst, offset = str(data["t"]), int(data["o"])
    except (ValueError, TypeError, KeyError):
        return None
    return (tconst, max(0, offset)) if tconst else None


def encode_mark(kind: MarkKind, tconst: str) -> str:
    return f"{kind.value}:{tconst}"


def decode_mark(value: str | None) -> tuple[MarkKind, str] | None:
    kind, _, tconst = (value or "").partition(":")
    try:
        return MarkKind(kind), tconst
    except ValueError:
        return None


@dataclass(frozen=True)
class RequestValue:
    """A request already understood, as a button carries it: its seeds, its constraints, and
    the page (a drop-constraint, a did-you-mean for one seed of several, a Show more)."""

    seeds: tuple[str, ...]
    constraints: tuple[Constraint, ...]
    offset: int = 0


def encode_request(
    seeds: Sequence[str], constraints: Sequence[Constraint], offset: int = 0
) -> str | None:
    """The value, or None when even with the constraints' words cut it is over Slack's limit
    (the caller leaves that button out)."""
    for cut in (None, _SHORT_TEXT, 0):
        data = [
            {**constraint_data(c), "text": c.text if cut is None else c.text[:cut]}
            for c in constraints
        ]
        value = json.dumps(
            {"s": list(seeds), "c": data, "o": offset}, separators=(",", ":"), ensure_ascii=False
        )
        if len(value) <= VALUE_LIMIT:
            return value
    return None


def decode_request(value: str | None) -> RequestValue | None:
    """What `encode_request` wrote, or None when it is not ours (a page value, garbage)."""
    try:
        data = json.loads(value or "")
        seeds = tuple(str(t) for t in data["s"])
        constraints = tuple(constraint_from_data(c) for c in data["c"])
        offset = max(0, int(data.get("o", 0)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not all(_TCONST.fullmatch(t) for t in seeds):
        return None
    return RequestValue(seeds, constraints, offset)
