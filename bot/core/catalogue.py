"""The catalogue's top: what a request with no seed ("a good 90s comedy", "surprise me") picks
from, so that it never scans the catalogue.

The loader stores it with each version (`Store.put_catalogue_top`): the TOP_MOVIES most-voted
movies, plus each cluster's PER_CLUSTER most-voted, so that kinds of film that are never the
most voted (documentaries, a country's cinema that forms its own cluster) are there too.
Ordered as cluster pages are: votes descending, ties by tconst.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from bot.core.models import Movie

TOP_MOVIES = 5_000
PER_CLUSTER = 50


def _popularity(movie: Movie) -> tuple[int, str]:
    return (-movie.votes, movie.tconst)


def catalogue_top(
    movies: Iterable[Movie], top: int = TOP_MOVIES, per_cluster: int = PER_CLUSTER
) -> list[Movie]:
    """The most-voted `top` movies and each cluster's most-voted `per_cluster`, most voted
    first."""
    movies = list(movies)
    chosen = {m.tconst: m for m in heapq.nsmallest(top, movies, key=_popularity)}
    by_cluster: dict[int, list[Movie]] = {}
    for movie in movies:
        by_cluster.setdefault(movie.cluster, []).append(movie)
    for members in by_cluster.values():
        chosen.update((m.tconst, m) for m in heapq.nsmallest(per_cluster, members, key=_popularity))
    return sorted(chosen.values(), key=_popularity)
