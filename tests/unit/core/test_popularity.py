"""The words "popular" and "lesser known" are shares of the catalogue's votes, the same from
training's percentiles as from the store's catalogue top, on a small catalogue as a large one."""

from __future__ import annotations

from bot.core.catalogue import catalogue_top
from bot.core.models import Movie
from bot.core.popularity import (
    LESSER_KNOWN,
    PERCENTILES_METRIC,
    POPULAR,
    VoteLines,
    against_catalogue,
    votes_percentiles,
)
from bot.core.request import Constraint


def _catalogue(n: int) -> list[Movie]:
    """`n` movies whose votes fall off the same way whatever `n` (votes by share of rank)."""
    return [
        Movie(f"tt{i:07d}", f"Film {i}", f"Film {i}", 2005, 100, ("Drama",), 6.5,
              int(1_000_000 * (1 - i / n) ** 8), i % 7, (0.0,))
        for i in range(n)
    ]  # fmt: skip


def test_the_lines_are_shares_of_the_catalogue_whatever_its_size() -> None:
    for n in (500, 5_000):
        movies = _catalogue(n)
        lines = VoteLines.from_percentiles(votes_percentiles(m.votes for m in movies))
        ranked = sorted((m.votes for m in movies), reverse=True)
        assert lines.popular == ranked[int(0.02 * n) - 1]  # the 2% most voted are popular
        assert lines.lesser_known == ranked[int(0.04 * n) - 1]
        # The store's top gives the same lines without reading the catalogue.
        assert VoteLines.from_top(catalogue_top(movies), n) == lines
    small, large = (VoteLines.from_top(catalogue_top(_catalogue(n)), n) for n in (500, 5_000))
    assert abs(small.popular - large.popular) < 0.05 * large.popular


def test_a_line_beyond_the_top_is_its_last_and_stored_percentiles_come_first() -> None:
    movies = _catalogue(300)
    top = catalogue_top(movies, top=4, per_cluster=0)
    assert VoteLines.from_top(top, 300) == VoteLines(movies[3].votes, movies[3].votes)
    stored = {PERCENTILES_METRIC: list(range(101))}
    assert VoteLines.from_manifest(stored, top, 300) == VoteLines(98, 96)
    assert VoteLines.from_manifest({PERCENTILES_METRIC: "bad"}, top, 300) == VoteLines.from_top(
        top, 300
    )


def test_against_catalogue_makes_the_words_numbers() -> None:
    lines = VoteLines(popular=120_000, lesser_known=50_000)
    popular = Constraint("votes", ">=", POPULAR, "popular")
    gem = Constraint("votes", "<=", LESSER_KNOWN, "hidden gem")
    rating = Constraint("rating", ">=", 7.0, "hidden gem")
    assert against_catalogue([popular, gem, rating], lines) == [
        Constraint("votes", ">=", 120_000, "popular"),
        Constraint("votes", "<=", 50_000, "hidden gem"),
        rating,
    ]
