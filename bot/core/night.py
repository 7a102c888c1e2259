"""A movie night: one channel picking one film together (issue 15). The values only: the store
keeps them (`NightStore`), `bot.usecases.night.MovieNights` acts on them, the Slack surface
draws them. No Slack, no store here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Literal

from bot.core.matching import Candidate
from bot.core.request import Constraint

NightState = Literal["open", "closed"]

SHORTLIST_SIZE = 5
# How long a night is kept after it closes (or after it starts, when it has no closing time):
# long enough for "We watched it" the next evening, short enough that the store stays small.
KEEP_AFTER_CLOSING = timedelta(days=7)
KEEP_WITHOUT_CLOSING = timedelta(days=14)
TIE_RULE = (
    "Most approvals wins; a tie goes to the film ranked higher for the whole group "
    "(its aggregate score), then to the earlier one on the shortlist."
)


@dataclass(frozen=True)
class NightFilm:
    """A film on a night's shortlist, with why it is there."""

    tconst: str
    title: str
    year: int | None
    score: float  # the group's aggregate score (higher: fits the group better)
    reason: str  # "close to Heat and Ronin · 1990s, rated 7.8", or "suggested by <@U1>"


@dataclass(frozen=True)
class Night:
    night_id: str
    channel: str
    started_by: str
    request_text: str
    constraints: tuple[Constraint, ...]
    created_at: str  # ISO UTC (bot.core.clock)
    closes_at: str | None = None  # ISO UTC; None: closed by hand only
    state: NightState = "open"
    members: tuple[str, ...] = ()  # in joining order, the starter first
    favourites: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # user -> tconsts
    suggestions: tuple[tuple[str, str], ...] = ()  # (user, tconst), in order
    shortlist: tuple[NightFilm, ...] = ()
    votes: Mapping[str, frozenset[str]] = field(default_factory=dict)  # tconst -> users
    winner: str | None = None  # a tconst, set when it closes with a winner
    message_ts: str | None = None  # the night's Slack message, for chat.update
    tie_rule: str = TIE_RULE

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def is_member(self, user: str) -> bool:
        return user in self.members

    def tally(self, tconst: str) -> int:
        return len(self.votes.get(tconst, ()))

    def voters(self) -> frozenset[str]:
        """Everyone who approved at least one film."""
        return frozenset(user for users in self.votes.values() for user in users)

    def film(self, tconst: str) -> NightFilm | None:
        return next((f for f in self.shortlist if f.tconst == tconst), None)

    def all_favourites(self) -> tuple[str, ...]:
        """Every member's favourites, each once, in members' order."""
        seen: dict[str, None] = {}
        for user in self.members:
            for tconst in self.favourites.get(user, ()):
                seen.setdefault(tconst, None)
        return tuple(seen)


def leader(night: Night) -> tuple[NightFilm | None, bool]:
    """The film that wins now, by TIE_RULE, and whether it won a tie; None without a
    shortlist."""
    if not night.shortlist:
        return None, False
    order = sorted(
        enumerate(night.shortlist), key=lambda f: (-night.tally(f[1].tconst), -f[1].score, f[0])
    )
    best = order[0][1]
    tied = len(order) > 1 and night.tally(order[1][1].tconst) == night.tally(best.tconst)
    return best, tied


def expires_at(created_at: datetime, closes_at: datetime | None) -> datetime:
    """When the store may drop a night (its TTL)."""
    if closes_at is None:
        return created_at + KEEP_WITHOUT_CLOSING
    return closes_at + KEEP_AFTER_CLOSING


class NightStatus(str, Enum):
    OK = "ok"
    NOT_FOUND = "not_found"  # no such night (never was, or expired)
    CLOSED = "closed"  # the night is closed: no more joining, favourites or votes
    ALREADY_CLOSED = "already_closed"  # closing a night someone already closed
    NOT_ALLOWED = "not_allowed"  # closing by someone who neither started it nor is an admin
    NOT_MEMBER = "not_member"
    NO_FAVOURITES = "no_favourites"  # a shortlist asked for before anyone added a favourite
    UNRESOLVED = "unresolved"  # a title nobody can find
    DID_YOU_MEAN = "did_you_mean"  # a title with close alternatives: pick one
    EMPTY_SHORTLIST = "empty_shortlist"  # the constraints left nothing


@dataclass(frozen=True)
class NightOutcome:
    status: NightStatus
    night: Night | None = None
    message: str = ""  # for the user, plain text (the Slack surface adds markup)
    candidates: tuple[Candidate, ...] = ()  # for did_you_mean

    @property
    def ok(self) -> bool:
        return self.status is NightStatus.OK
