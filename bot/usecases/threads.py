"""A conversation's state between turns (a Slack thread, a DM, a terminal session, `ask
--thread`): what the last answer was built from, so a follow-up can refine it. Kept in the
store as JSON with an expiry (`ThreadStore`), so any process can continue the thread.

Merging a follow-up's constraints into the last request's:
- a new constraint replaces the old ones on the same field and side: a new era replaces the
  old era, "shorter" replaces "under 2 hours", a new rating floor replaces the old one;
- exclusions ("no horror", "not Heat") add up, and a genre excluded leaves the genres wanted;
- a genre wanted ("funnier") replaces the genres wanted before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast, get_args

from bot.core.request import Constraint, Field, Op

THREAD_TTL_SECONDS = 24 * 3600  # a day: long enough for a conversation, short for the store


@dataclass(frozen=True)
class ThreadState:
    seeds: tuple[str, ...] = ()  # the seeds' tconsts
    constraints: tuple[Constraint, ...] = ()  # as understood (relative ones kept relative)
    shown: tuple[str, ...] = ()  # the last page's picks, in order
    offset: int = 0  # where the last page began
    excluded: tuple[str, ...] = field(default_factory=tuple)  # "not that one"s

    def to_text(self) -> str:
        return json.dumps(
            {
                "seeds": list(self.seeds),
                "constraints": [constraint_data(c) for c in self.constraints],
                "shown": list(self.shown),
                "offset": self.offset,
                "excluded": list(self.excluded),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_text(cls, text: str | None) -> ThreadState | None:
        """None when there is no state or it cannot be read (a new conversation, not an error)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                seeds=tuple(str(t) for t in data.get("seeds", [])),
                constraints=tuple(constraint_from_data(c) for c in data.get("constraints", [])),
                shown=tuple(str(t) for t in data.get("shown", [])),
                offset=max(0, int(data.get("offset", 0))),
                excluded=tuple(str(t) for t in data.get("excluded", [])),
            )
        except (ValueError, TypeError, AttributeError, KeyError):
            return None


def constraint_data(c: Constraint) -> dict[str, Any]:
    """A constraint as JSON data (the thread state, a button's value)."""
    value = list(c.value) if isinstance(c.value, tuple) else c.value
    return {"field": c.field, "op": c.op, "value": value, "text": c.text}


def constraint_from_data(data: dict[str, Any]) -> Constraint:
    """Read `constraint_data` back; ValueError for anything else (a button's value comes back
    from the user's client, so nothing in it is trusted)."""
    field_, op, value = data["field"], data["op"], data["value"]
    if field_ not in get_args(Field) or op not in get_args(Op):
        raise ValueError(f"not a constraint: {field_!r} {op!r}")
    if isinstance(value, list):  # JSON has no tuples
        value = tuple(value)
    items = value if isinstance(value, tuple) else (value,)
    if not all(v is None or isinstance(v, (str, int, float)) for v in items):
        raise ValueError("not a constraint value")
    return Constraint(cast(Field, field_), cast(Op, op), value, str(data["text"]))


def _side(c: Constraint) -> str:
    """Which constraints a new one replaces: the same field, the same direction."""
    if c.op in ("not in", "!="):
        return "exclude"
    if c.field in ("year", "runtime") and c.op in (
        "between", "==", "after_seed", "before_seed", "shorter_than_seed", "longer_than_seed",
    ):  # fmt: skip
        return "any"  # an era or a length replaces both bounds
    if c.op in (">=", ">", "after_seed", "longer_than_seed"):
        return "low"
    if c.op in ("<=", "<", "before_seed", "shorter_than_seed"):
        return "high"
    return "any"


def merge(old: Sequence[Constraint], new: Sequence[Constraint]) -> tuple[Constraint, ...]:
    """The last request's constraints refined by a follow-up's (module docstring)."""
    kept = list(old)
    for c in new:
        side = _side(c)
        if side == "exclude":
            if c.field == "genres":  # "no horror" after "scary": no longer wanting Horror
                kept = [w for w in (_without(k, c) for k in kept) if w is not None]
            kept = [k for k in kept if k != c]
        else:
            kept = [k for k in kept if not _replaces(c, side, k)]
        kept.append(c)
    return tuple(kept)


def _replaces(new: Constraint, side: str, old: Constraint) -> bool:
    if old.field != new.field or _side(old) == "exclude":
        return False
    return side == "any" or _side(old) in (side, "any")


def _without(kept: Constraint, excluded: Constraint) -> Constraint | None:
    if kept.field != "genres" or kept.op != "in" or not isinstance(kept.value, tuple):
        return kept
    gone = set(excluded.value) if isinstance(excluded.value, tuple) else {excluded.value}
    rest = tuple(str(g) for g in kept.value if g not in gone)
    if not rest:
        return None
    return Constraint(kept.field, kept.op, rest, kept.text) if rest != kept.value else kept
