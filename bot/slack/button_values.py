"""What a button or menu option carries in its `value`, and reading it back. A value comes
back from Slack as the user's client sent it, so decoding answers None for anything not ours."""

from __future__ import annotations

import json

from bot.core.models import MarkKind


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
