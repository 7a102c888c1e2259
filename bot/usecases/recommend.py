"""Choosing movies from the seed's cluster: close in the reduced space, popular and well rated,
varied (not ten entries of one franchise), each with a short reason.

The ranking is deterministic, so "show more" is the same list read from a later offset.
A `Pool` holds a cluster's candidates with what ranking needs precomputed, so the service
can keep it per process and rank in a millisecond or two.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from bot.core.models import Movie
from bot.core.normalize import normalize
from bot.core.request import Constraint
from bot.usecases.honour import field_values, meets


@dataclass(frozen=True)
class Pick:
    movie: Movie
    reason: str


@dataclass(frozen=True)
class Weights:
    # Tuned on the MovieLens dev split (python -m bot evaluate): closeness carries lift,
    # popularity and rating carry co-like precision.
    closeness: float = 3.0
    popularity: float = 1.0
    rating: float = 1.0
    franchise: float = 0.3  # subtracted per earlier pick of the same franchise


DEFAULT_WEIGHTS = Weights()


def franchise_of(key: str) -> str:
    """A rough series key from a normalised title: the first word when long ("batman",
    "matrix"), else the first two ("star wars"), numbers aside."""
    words = [w for w in key.split() if not w.isdigit()] or key.split()
    if not words:
        return ""
    return words[0] if len(words[0]) >= 5 or len(words) == 1 else " ".join(words[:2])


def franchise(movie: Movie) -> str:
    main = movie.title.replace(" - ", ":").split(":")[0]  # before any subtitle
    return franchise_of(normalize(main)) or movie.tconst


MASKS_KEPT = 256  # constraint masks a pool keeps (a few hundred bytes to 2 kB each)
AMONG_BY_COMPARING = 16  # values looked for in a pool one comparison each (more: np.isin)
FIRST_AMONG = 64  # a ranking's first page is worked out among at least this many best scores


def _objects(values: Iterable[object]) -> np.ndarray:
    """A column of Python objects as a numpy object array. Gathered by an index in one call;
    and numpy arrays are not tracked by the cyclic garbage collector, whose every collection
    walked each list of a pool made since the last one (1-4 ms, in 1 answer of 30)."""
    return np.fromiter(values, dtype=object)


class Pool:
    """A cluster's candidate movies with their normalised titles, series keys and arrays, and
    which of them meet a constraint (computed once per constraint, then kept). The per-movie
    columns (`movies`, `keys`, `franchises`, `tconsts`) are numpy object arrays."""

    def __init__(
        self,
        movies: Sequence[Movie],
        keys: Sequence[str] | None = None,
        franchises: Sequence[str] | None = None,
    ) -> None:
        """`keys` and `franchises`, when given (a stored pool block), are what normalising
        the titles would give: a cold start then normalises nothing."""
        self.movies = _objects(movies)
        self.keys = _objects(keys if keys is not None else (normalize(m.title) for m in movies))
        self.franchises = _objects(
            franchises if franchises is not None else (franchise(m) for m in movies)
        )
        width = max((len(m.coords) for m in self.movies), default=0)
        self.coords = np.zeros((len(self.movies), width), dtype=np.float64)
        for i, m in enumerate(self.movies):
            self.coords[i, : len(m.coords)] = m.coords
        self.popularity = np.log10(1.0 + np.array([m.votes for m in self.movies], dtype=float))
        self.rating = np.array([m.rating for m in self.movies], dtype=np.float64)
        self.tconsts = _objects(m.tconst for m in movies)
        self._hash_strings()
        self._masks: dict[tuple[str, str, object], np.ndarray] = {}
        self._distinct: dict[str, tuple[np.ndarray, list[Movie]]] = {}
        self._tconst_rank: np.ndarray | None = None
        self._by_tconst: dict[str, Movie] | None = None

    def _hash_strings(self) -> None:
        # Ids, titles and franchises as numbers, so that exclusions and the franchise penalty
        # are array operations (equal strings, equal hashes; a collision of two different ones
        # among a pool's few thousand is a 1e-12 chance; exclusions check the strings anyway).
        self.tconst_ids = _hashes(self.tconsts)
        self.key_ids = _hashes(self.keys)
        self.franchise_ids = _hashes(self.franchises)

    def positions(self, tconsts: Collection[str], keys: Collection[str]) -> list[int]:
        """Where the movies with these ids or these normalised titles are."""
        near = _among(self.tconst_ids, _hashes(tconsts)) | _among(self.key_ids, _hashes(keys))
        return [
            i
            for i in np.flatnonzero(near).tolist()
            if self.tconsts[i] in tconsts or self.keys[i] in keys
        ]

    def __len__(self) -> int:
        return len(self.movies)

    def at(self, index: np.ndarray) -> list[Movie]:
        """The movies at these positions, in that order (an answer ranks thousands)."""
        return list(self.movies[index])

    def find(self, tconst: str) -> Movie | None:
        """The pool's movie with this id, if it holds it (a dict made on the first call)."""
        if self._by_tconst is None:
            self._by_tconst = dict(zip(self.tconsts.tolist(), self.movies.tolist(), strict=True))
        return self._by_tconst.get(tconst)

    def tconst_rank(self) -> np.ndarray:
        """Each movie's place in tconst order (ties broken by id, as arrays); made once."""
        if self._tconst_rank is None:
            order = np.argsort(self.tconsts.astype(str), kind="stable")
            rank = np.empty(len(order), dtype=np.intp)
            rank[order] = np.arange(len(order))
            self._tconst_rank = rank
        return self._tconst_rank

    def take(self, index: np.ndarray) -> Pool:
        """The movies at `index` (ascending keeps the order), without normalising again."""
        return Pool.joined([(self, index)])

    @classmethod
    def joined(cls, parts: Sequence[tuple[Pool, np.ndarray]]) -> Pool:
        """The movies at each part's index, in order, as one pool."""
        pool = cls.__new__(cls)
        pick = [(p, np.asarray(i, dtype=np.intp)) for p, i in parts]
        for name in ("movies", "keys", "franchises", "tconsts"):
            columns = [getattr(p, name)[i] for p, i in pick]
            setattr(pool, name, np.concatenate(columns) if columns else _objects(()))
        width = max((p.coords.shape[1] for p, _ in pick), default=0)
        pool.coords = np.zeros((len(pool.movies), width), dtype=np.float64)
        row = 0
        for p, i in pick:
            pool.coords[row : row + len(i), : p.coords.shape[1]] = p.coords[i]
            row += len(i)
        pool.popularity = np.concatenate([p.popularity[i] for p, i in pick] or [np.zeros(0)])
        pool.rating = np.concatenate([p.rating[i] for p, i in pick] or [np.zeros(0)])
        for name in ("tconst_ids", "key_ids", "franchise_ids"):
            parts_ = [getattr(p, name)[i] for p, i in pick]
            setattr(pool, name, np.concatenate(parts_) if parts_ else np.zeros(0, np.int64))
        pool._masks, pool._distinct, pool._tconst_rank, pool._by_tconst = {}, {}, None, None
        return pool

    def meeting(self, constraints: Sequence[Constraint]) -> np.ndarray:
        """The indices of the movies that meet every constraint, ascending."""
        keep = np.ones(len(self.movies), dtype=bool)
        for c in constraints:
            keep &= self._mask(c)
        return np.flatnonzero(keep)

    def _mask(self, c: Constraint) -> np.ndarray:
        # `meets` reads only the field's value, and a field has far fewer distinct values than
        # a pool has movies (years, genre sets): ask it once per value, not once per movie.
        key = (c.field, c.op, c.value)
        mask = self._masks.get(key)
        if mask is None:
            if c.field not in self._distinct:
                seen: dict[object, int] = {}
                values = field_values(self.movies, c.field)
                codes = [seen.setdefault(value, len(seen)) for value in values]
                first = {code: m for code, m in zip(codes, self.movies, strict=True)}
                self._distinct[c.field] = (np.array(codes, dtype=np.intp), list(first.values()))
            codes_, representatives = self._distinct[c.field]
            verdict = np.array([meets(m, c) for m in representatives] + [False], dtype=bool)
            mask = verdict[codes_] if len(codes_) else np.zeros(0, dtype=bool)
            if len(self._masks) >= MASKS_KEPT:
                self._masks.clear()
            self._masks[key] = mask
        return mask


def _hashes(strings: Collection[str]) -> np.ndarray:
    return np.fromiter((hash(s) for s in strings), dtype=np.int64, count=len(strings))


def _among(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """np.isin(values, wanted), for the few values an answer looks for (seeds, exclusions) a
    comparison each, without isin's sorting."""
    if len(wanted) > AMONG_BY_COMPARING:
        return np.isin(values, wanted)
    out = np.zeros(len(values), dtype=bool)
    for w in wanted.tolist():
        out |= values == w
    return out


def rank(
    seed: Movie,
    pool: Pool | Sequence[Movie],
    exclude: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Movie]:
    """The pool in recommendation order, without the seed, its namesakes and `exclude`."""
    return rank_many([seed], pool, exclude, weights)


def _distance(seed: Movie, coords: np.ndarray) -> np.ndarray:
    if not seed.coords or not coords.shape[1]:
        return np.zeros(len(coords))
    width = min(len(seed.coords), coords.shape[1])
    delta = coords[:, :width] - np.asarray(seed.coords[:width], dtype=np.float64)
    return np.asarray(np.sqrt((delta**2).sum(axis=1)))


def rank_many(
    seeds: Sequence[Movie],
    pool: Pool | Sequence[Movie],
    exclude: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Movie]:
    """The pool in recommendation order for one or several seeds, without the seeds, their
    namesakes and `exclude`. Closeness is measured to the farthest seed, so a film close to all
    of them beats one close to only one (with one seed, it is the distance to that seed)."""
    return list(ranking(seeds, pool, exclude, weights))


def ranking(
    seeds: Sequence[Movie],
    pool: Pool | Sequence[Movie],
    exclude: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> Ranking:
    """`rank_many`, sorted only as far as it is read (an answer shows a page of thousands)."""
    if not isinstance(pool, Pool):
        pool = Pool(pool)
    keep = np.ones(len(pool), dtype=bool)
    keep[
        pool.positions(
            set(exclude) | {s.tconst for s in seeds}, {normalize(s.title) for s in seeds}
        )
    ] = False
    index = np.flatnonzero(keep)
    if len(index) == 0:
        return Ranking(pool, index, _Varied(*(np.zeros(0),) * 3, weights.franchise))
    coords = pool.coords[index]
    closeness: np.ndarray | float = 0.0
    if seeds:
        distances = np.array([_distance(s, coords) for s in seeds])
        scale = float(np.median(distances)) or 1.0  # unit-free; one scale for every seed
        closeness = np.exp(-distances.max(axis=0) / scale)
    top = float(pool.popularity[index].max()) or 1.0
    score = (
        weights.closeness * closeness
        + weights.popularity * pool.popularity[index] / top
        + weights.rating * (pool.rating[index] - 5.0) / 5.0
    )
    codes = pool.franchise_ids[index]
    seeded = _among(codes, _hashes({franchise(s) for s in seeds}))
    return Ranking(pool, index, _Varied(score, codes, seeded, weights.franchise))


@dataclass(frozen=True)
class _Varied:
    """A ranking's scores with variety: each earlier pick of the same franchise (and a seed's,
    `seeded`) costs the next one `cost`. A movie's earlier namesakes are its rank in its
    franchise's group, in score order (ties: the pool's order), counted with arrays."""

    score: np.ndarray
    codes: np.ndarray
    seeded: np.ndarray
    cost: float

    def among(self, at: np.ndarray) -> np.ndarray:
        """The varied score of the movies at positions `at` (ascending), counting earlier
        namesakes among them only."""
        score, codes = self.score[at], self.codes[at]
        by_score = np.argsort(-score, kind="stable")  # ties in position order
        grouped = by_score[np.argsort(codes[by_score], kind="stable")]
        sorted_codes = codes[grouped]
        new_group = np.empty(len(at), dtype=bool)
        new_group[:1] = True
        np.not_equal(sorted_codes[1:], sorted_codes[:-1], out=new_group[1:])
        starts = np.flatnonzero(new_group)
        sizes = np.empty(len(starts), dtype=np.int64)
        np.subtract(starts[1:], starts[:-1], out=sizes[:-1])
        sizes[-1:] = len(at) - starts[-1:]
        earlier = np.empty(len(at), dtype=np.int64)
        earlier[grouped] = np.arange(len(at)) - np.repeat(starts, sizes)
        return np.asarray(score - self.cost * (earlier + self.seeded[at]))

    def first(self, count: int) -> np.ndarray | None:
        """The positions of the `count` best, best first, worked out among the best scores
        only (an answer reads a page of thousands); None when that cannot tell. Exact: a movie
        below the cut has a score, and so a varied score, under it; and every namesake scored
        above a movie at or over the cut is there too, so its earlier ones are all counted."""
        wanted = max(FIRST_AMONG, 4 * count)
        if self.cost < 0 or len(self.score) <= wanted:
            return None
        cut = np.partition(self.score, len(self.score) - wanted)[len(self.score) - wanted]
        inside = np.flatnonzero(self.score >= cut)
        varied = self.among(inside)
        if int(np.count_nonzero(varied >= cut)) < count:
            return None  # too many of the best pay for their namesakes: the full way
        return inside[np.argsort(-varied, kind="stable")[:count]]


class Ranking(Sequence[Movie]):
    """Movies of a pool in order of a key (lowest first; ties in the pool's order), sorted only
    as far as read: the first page needs a partition and a sort of a few, not a sort of all."""

    def __init__(self, pool: Pool, index: np.ndarray, varied: _Varied) -> None:
        self._pool = pool
        self._index = index  # the pool positions ranked, ascending
        self._varied = varied  # per position of `index`
        self._key: np.ndarray | None = None  # -varied of every position, once needed
        self._sorted = np.zeros(0, dtype=np.intp)  # the first ones, positions in `index`

    def __len__(self) -> int:
        return len(self._index)

    def positions(self, count: int) -> np.ndarray:
        """The pool positions of the first `count` movies."""
        count = max(0, min(count, len(self._index)))
        if count > len(self._sorted):
            first = self._varied.first(count) if self._key is None else None
            if first is not None:
                self._sorted = first
            else:
                if self._key is None:
                    self._key = -self._varied.among(np.arange(len(self._index)))
                key = self._key
                near = np.arange(len(key))
                if count < len(key):  # those up to the count-th key, ties included
                    near = np.flatnonzero(key <= np.partition(key, count - 1)[count - 1])
                self._sorted = near[np.argsort(key[near], kind="stable")][:count]
        return self._index[self._sorted[:count]]

    @overload
    def __getitem__(self, i: int) -> Movie: ...

    @overload
    def __getitem__(self, i: slice) -> list[Movie]: ...

    def __getitem__(self, i: int | slice) -> Movie | list[Movie]:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step == 1:
                return self._pool.at(self.positions(stop)[start:stop])
            return self._pool.at(self.positions(len(self))[i])
        at = i + len(self) if i < 0 else i
        if not 0 <= at < len(self):
            raise IndexError("ranking index out of range")
        return self._pool.movies[int(self.positions(at + 1)[at])]

    def __iter__(self) -> Iterator[Movie]:
        return iter(self[:])


def reason(seed: Movie | None, movie: Movie) -> str:
    """A few words on why: shared genres, era, rating (without a seed: genres, era, rating)."""
    parts = []
    shared = [g for g in movie.genres if seed is not None and g in seed.genres]
    if shared:
        parts.append(" & ".join(shared[:2]))
    elif movie.genres:
        parts.append(" & ".join(movie.genres[:2]))
    if movie.year:
        same_era = seed is not None and seed.year is not None and abs(movie.year - seed.year) <= 5
        parts.append(f"{'same era, ' if same_era else ''}{movie.year // 10 * 10}s")
    if movie.rating:
        parts.append(f"rated {movie.rating:.1f}")
    return ", ".join(parts)


def recommend(
    seed: Movie,
    pool: Pool | Sequence[Movie],
    exclude: Collection[str] = (),
    offset: int = 0,
    limit: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
) -> tuple[list[Pick], bool]:
    """One page of picks from `offset`, and whether there are more after it."""
    ranked = ranking([seed], pool, exclude, weights)
    page = ranked[max(0, offset) : max(0, offset) + limit]
    return [Pick(m, reason(seed, m)) for m in page], len(ranked) > offset + limit
