"""What "popular", "lesser known" and "hidden gem" mean in votes: shares of the active
catalogue, so they mean the same on a small extract and on the full catalogue (a fixed count,
100k votes, is the top 2% of one and the top 0.4% of the other).

- popular: among the catalogue's POPULAR_SHARE most voted;
- lesser known: not among its KNOWN_SHARE most voted.

The understanding says which (`POPULAR`, `LESSER_KNOWN` as a votes constraint's value); the
use cases make it a number of votes (`against_catalogue`) from the lines of the active version:
from the percentiles training stores in the manifest's metrics, else from the catalogue top the
store holds (exact while the line's rank is inside the top).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.catalogue import TOP_MOVIES
from bot.core.models import Movie
from bot.core.request import Constraint

POPULAR = "popular"
LESSER_KNOWN = "lesser known"
POPULAR_SHARE = 0.02
KNOWN_SHARE = 0.04
PERCENTILES_METRIC = "votes_percentiles"  # in the manifest's metrics, written by training


@dataclass(frozen=True)
class VoteLines:
    popular: int  # at least this many votes is popular
    lesser_known: int  # at most this many is lesser known

    @classmethod
    def from_percentiles(cls, percentiles: Sequence[int]) -> VoteLines:
        """From `votes_percentiles` (101 values)."""

        def at(share: float) -> int:
            return int(percentiles[round(100 * (1 - share))])

        return cls(popular=at(POPULAR_SHARE), lesser_known=at(KNOWN_SHARE))

    @classmethod
    def from_top(cls, top: Sequence[Movie], movies: int) -> VoteLines:
        """From the catalogue top (most voted first) of a catalogue of `movies` movies: its
        first TOP_MOVIES are the catalogue's most voted, so a line ranked inside them is exact;
        one beyond them is the last of them (popular then means a little more popular)."""
        ranked = [m.votes for m in top[:TOP_MOVIES]]
        total = max(movies, len(top))
        return cls(_line(ranked, total, POPULAR_SHARE), _line(ranked, total, KNOWN_SHARE))

    @classmethod
    def from_manifest(
        cls, metrics: Mapping[str, Any] | None, top: Sequence[Movie], movies: int
    ) -> VoteLines:
        """The percentiles training stored, else the catalogue top's lines."""
        stored = (metrics or {}).get(PERCENTILES_METRIC)
        if (
            isinstance(stored, list)
            and len(stored) == 101
            and all(isinstance(v, int) and not isinstance(v, bool) for v in stored)
        ):
            return cls.from_percentiles(stored)
        return cls.from_top(top, movies)


def _line(ranked: Sequence[int], total: int, share: float) -> int:
    """The votes of the movie ranked `share` of `total` from the most voted (`ranked`: the
    most voted votes, descending; a rank beyond them is their last)."""
    if not ranked:
        return 0
    rank = max(1, math.ceil(share * total))
    return ranked[min(rank, len(ranked)) - 1]


def votes_percentiles(votes: Iterable[int]) -> list[int]:
    """101 values: the q-th is the votes of the movie with (100 - q)% of the catalogue at or
    above it (q=100 the most voted, q=0 the least). What training stores in the metrics."""
    ranked = sorted(votes, reverse=True)
    return [_line(ranked, len(ranked), (100 - q) / 100) for q in range(101)]


def catalogue_relative(constraint: Constraint) -> bool:
    return constraint.field == "votes" and constraint.value in (POPULAR, LESSER_KNOWN)


def against_catalogue(constraints: Iterable[Constraint], lines: VoteLines) -> list[Constraint]:
    """The words "popular" and "lesser known" made numbers of votes by the catalogue's lines."""
    out: list[Constraint] = []
    for c in constraints:
        if catalogue_relative(c):
            value = lines.popular if c.value == POPULAR else lines.lesser_known
            c = Constraint(c.field, c.op, value, c.text)
        out.append(c)
    return out
