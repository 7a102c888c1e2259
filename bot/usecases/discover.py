"""Picks with no seed ("a good 90s comedy", "surprise me"): from the catalogue's top, well
rated and widely seen first, and which clusters a seeded request widens to."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence

import numpy as np

from bot.core.clusters import clusters_near
from bot.core.models import Movie
from bot.usecases.recommend import Pool

# Votes count for as much as the rating: log10(votes) over the most voted's, so 1M votes and
# 1k votes differ by half of what a 10 and a 5 rating do.
RATING_WEIGHT = 1.0
VOTES_WEIGHT = 1.0


def best_known(movies: Sequence[Movie], exclude: Collection[str] = ()) -> list[Movie]:
    """`movies` (already filtered by the constraints) well rated and widely seen first; ties
    by tconst, so paging is stable."""
    chosen = [m for m in movies if m.tconst not in exclude]
    top = max((math.log10(1 + m.votes) for m in chosen), default=1.0) or 1.0

    def score(m: Movie) -> float:
        return RATING_WEIGHT * (m.rating - 5.0) / 5.0 + VOTES_WEIGHT * math.log10(1 + m.votes) / top

    return sorted(chosen, key=lambda m: (-score(m), m.tconst))


def best_known_in(pool: Pool, index: np.ndarray, exclude: Collection[str] = ()) -> list[Movie]:
    """`best_known` of the pool's movies at `index`, with the pool's arrays: the catalogue top
    holds thousands, too many to score one by one on every question."""
    index = np.asarray(index, dtype=np.intp)
    if exclude:
        index = np.setdiff1d(index, pool.positions(set(exclude), ()))
    if not len(index):
        return []
    votes = pool.popularity[index]  # log10(1 + votes), as `best_known` has it
    top = float(votes.max()) or 1.0
    score = RATING_WEIGHT * (pool.rating[index] - 5.0) / 5.0 + VOTES_WEIGHT * votes / top
    order = np.lexsort((pool.tconst_rank()[index], -score))
    return pool.at(index[order])


def estimated_centres(movies: Iterable[Movie]) -> list[tuple[float, ...]]:
    """Cluster centres estimated as the mean coordinates of each cluster's movies in `movies`
    (the catalogue top holds every cluster's most voted): for a model trained before training
    stored its centres. A cluster with none there gets an empty point (never near)."""
    sums: dict[int, list[float]] = {}
    counts: dict[int, int] = {}
    for m in movies:
        if not m.coords or m.cluster < 0:
            continue
        acc = sums.setdefault(m.cluster, [0.0] * len(m.coords))
        for i, x in enumerate(m.coords[: len(acc)]):
            acc[i] += x
        counts[m.cluster] = counts.get(m.cluster, 0) + 1
    width = max((c + 1 for c in sums), default=0)
    far = (math.inf,)
    return [tuple(x / counts[c] for x in sums[c]) if c in sums else far for c in range(width)]


def cluster_order(
    centres: Sequence[Sequence[float]], seeds: Sequence[Movie], limit: int
) -> list[int]:
    """The seeds' own clusters, then the clusters whose centres are nearest the seeds' mean
    point, at most `limit` in all."""
    own = list(dict.fromkeys(s.cluster for s in seeds))
    coords = [s.coords for s in seeds if s.coords]
    if not coords or not centres:
        return own[:limit] if limit >= len(own) else own
    width = min(len(c) for c in coords)
    mean = [sum(c[i] for c in coords) / len(coords) for i in range(width)]
    near = [c for c in clusters_near(centres, mean) if c not in own]
    return own + near[: max(0, limit - len(own))]
