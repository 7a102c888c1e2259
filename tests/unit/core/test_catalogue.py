"""The catalogue top a request with no seed picks from (bot/core/catalogue.py)."""

from __future__ import annotations

from bot.core.catalogue import catalogue_top
from bot.core.models import Movie


def film(n: int, votes: int, cluster: int) -> Movie:
    return Movie(f"tt{n:07d}", f"Film {n}", f"Film {n}", 2000, 90, ("Drama",), 7.0, votes, cluster)


def test_the_most_voted_and_each_clusters_most_voted_most_voted_first() -> None:
    big = [film(i, 1000 + i, 0) for i in range(10)]
    niche = [film(100 + i, 10 + i, 1) for i in range(5)]
    top = catalogue_top([*niche, *big], top=3, per_cluster=2)
    assert [m.tconst for m in top] == [
        "tt0000009", "tt0000008", "tt0000007", "tt0000104", "tt0000103",
    ]  # fmt: skip


def test_ties_in_votes_order_by_tconst_as_cluster_pages_do() -> None:
    movies = [film(3, 50, 0), film(1, 50, 0), film(2, 50, 1)]
    assert [m.tconst for m in catalogue_top(movies, top=5)] == [
        "tt0000001", "tt0000002", "tt0000003",
    ]  # fmt: skip


def test_an_empty_catalogue_has_an_empty_top() -> None:
    assert catalogue_top([]) == []
