"""Choosing movies from the seed's cluster: close in the reduced space, popular and well rated,
varied (not ten entries of one franchise), each with a short reason.

The ranking is deterministic, so "show more" is the same list read from a later offset.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.models import Movie
from bot.normalize import normalize


@dataclass(frozen=True)
class Pick:
    movie: Movie
    reason: str


@dataclass(frozen=True)
class Weights:
    closeness: float = 1.0
    popularity: float = 1.0
    rating: float = 0.5
    franchise: float = 0.6  # subtracted per earlier pick of the same franchise


DEFAULT_WEIGHTS = Weights()


def franchise(movie: Movie) -> str:
    """A rough series key: the first word when long ("batman", "matrix"), else the first two
    ("star wars"), of the title before any subtitle, numbers aside."""
    main = movie.title.replace(" - ", ":").split(":")[0]
    words = [w for w in normalize(main).split() if not w.isdigit()]
    words = words or normalize(movie.title).split()
    if not words:
        return movie.tconst
    return words[0] if len(words[0]) >= 5 or len(words) == 1 else " ".join(words[:2])


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=False)))


def rank(
    seed: Movie,
    pool: Sequence[Movie],
    exclude: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Movie]:
    """The pool in recommendation order, without the seed, its namesakes and `exclude`."""
    seed_key = normalize(seed.title)
    skip = set(exclude) | {seed.tconst}
    movies = [m for m in pool if m.tconst not in skip and normalize(m.title) != seed_key]
    if not movies:
        return []
    distances = [
        _distance(seed.coords, m.coords) if seed.coords and m.coords else 0.0 for m in movies
    ]
    scale = sorted(distances)[len(distances) // 2] or 1.0  # the median: unit-free closeness
    top_votes = math.log10(1 + max(m.votes for m in movies)) or 1.0
    scored = []
    for m, d in zip(movies, distances, strict=True):
        closeness = math.exp(-d / scale)
        popularity = math.log10(1 + m.votes) / top_votes
        rating = (m.rating - 5.0) / 5.0
        score = (
            weights.closeness * closeness
            + weights.popularity * popularity
            + weights.rating * rating
        )
        scored.append((score, m))
    scored.sort(key=lambda item: (-item[0], item[1].tconst))
    # Variety: each earlier pick of the same franchise costs the next one a little more.
    seen: dict[str, int] = {franchise(seed): 1}
    varied = []
    for score, m in scored:
        key = franchise(m)
        varied.append((score - weights.franchise * seen.get(key, 0), m))
        seen[key] = seen.get(key, 0) + 1
    varied.sort(key=lambda item: (-item[0], item[1].tconst))
    return [m for _score, m in varied]


def reason(seed: Movie, movie: Movie) -> str:
    """A few words on why: shared genres, era, rating."""
    parts = []
    shared = [g for g in movie.genres if g in seed.genres]
    if shared:
        parts.append(" & ".join(shared[:2]))
    elif movie.genres:
        parts.append(" & ".join(movie.genres[:2]))
    if movie.year:
        same_era = seed.year is not None and abs(movie.year - seed.year) <= 5
        parts.append(f"{'same era, ' if same_era else ''}{movie.year // 10 * 10}s")
    if movie.rating:
        parts.append(f"rated {movie.rating:.1f}")
    return ", ".join(parts)


def recommend(
    seed: Movie,
    pool: Sequence[Movie],
    exclude: Collection[str] = (),
    offset: int = 0,
    limit: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
) -> tuple[list[Pick], bool]:
    """One page of picks from `offset`, and whether there are more after it."""
    ranked = rank(seed, pool, exclude, weights)
    page = ranked[max(0, offset) : max(0, offset) + limit]
    return [Pick(m, reason(seed, m)) for m in page], len(ranked) > offset + limit
