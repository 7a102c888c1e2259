"""What a message asks for, typed: the movies it names, the constraints it sets and what the
user wants. Built by `bot.core.understand`; the use cases act on it (no Slack, no store here).

Constraint operators:
- absolute: ">=", "<=", ">", "<", "==", "!=", "between" (value: (low, high), both included),
  "in" / "not in" (value: a tuple; for genres, the film has one of them / none of them);
- relative to the seed (or, in a follow-up, to the last answer's seed): "after_seed" and
  "before_seed" (year), "shorter_than_seed" and "longer_than_seed" (runtime); value None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.core.matching import Candidate, Resolution

Intent = Literal["recommend", "help", "greeting", "thanks", "follow_up"]
Field = Literal["year", "genres", "runtime", "rating", "votes", "language", "country", "title"]
Op = Literal[
    ">=",
    "<=",
    ">",
    "<",
    "==",
    "!=",
    "between",
    "in",
    "not in",
    "after_seed",
    "before_seed",
    "shorter_than_seed",
    "longer_than_seed",
]
Value = int | float | str | tuple[int, int] | tuple[str, ...] | None
RELATIVE_OPS = frozenset({"after_seed", "before_seed", "shorter_than_seed", "longer_than_seed"})
FollowUpAction = Literal["more", "like_pick", "exclude_pick", "refine", "drop"]


@dataclass(frozen=True)
class Constraint:
    field: Field
    op: Op
    value: Value
    text: str  # the words it came from, as typed ("from the 90s")

    @property
    def relative(self) -> bool:
        return self.op in RELATIVE_OPS


@dataclass(frozen=True)
class SeedMention:
    """A movie the message names: the words, where they are, and what they resolved to."""

    text: str  # the span as typed ("the matirx")
    span: tuple[int, int]  # word positions [start, end) in `Request.words`
    resolution: Resolution  # matched (match set) or ambiguous (did-you-mean alternatives)
    year: int | None = None  # a year given with it ("heat (1995)")

    @property
    def match(self) -> Candidate | None:
        return self.resolution.match

    @property
    def score(self) -> float:
        best = self.resolution.match or next(iter(self.resolution.alternatives), None)
        return best.score if best is not None else 0.0

    @property
    def alternatives(self) -> list[Candidate]:
        return self.resolution.alternatives

    @property
    def found(self) -> bool:
        return self.resolution.status in ("matched", "ambiguous")


@dataclass(frozen=True)
class FollowUp:
    """How a follow-up refers to the thread's last answer."""

    action: FollowUpAction  # more picks / like one of them / not that one / new constraints
    pick: int | None = None  # 1-based position in the last answer ("the second one"), if named
    dropped: tuple[Field, ...] = ()  # "drop": the fields whose constraints go ("any year")


@dataclass(frozen=True)
class Request:
    intent: Intent
    text: str  # the message as received
    words: tuple[str, ...] = ()  # the message's words, markup gone; spans index into these
    seeds: tuple[SeedMention, ...] = ()
    excluded_titles: tuple[SeedMention, ...] = ()  # "not Heat": never recommend these
    constraints: tuple[Constraint, ...] = field(default_factory=tuple)
    follow_up: FollowUp | None = None  # set when intent is "follow_up"
    surprise: bool = False  # "surprise me", "anything": the whole catalogue, no seed needed

    @property
    def declined(self) -> bool:
        """A request that names nothing to go on: no movie found, no constraint, no "surprise
        me" (the use case declines with suggestions)."""
        return (
            self.intent == "recommend"
            and not any(seed.found for seed in self.seeds)
            and not self.constraints
            and not self.surprise
        )

    @property
    def resolution(self) -> Resolution | None:
        """The first seed's resolution (what a single-seed surface shows), if any."""
        return self.seeds[0].resolution if self.seeds else None
