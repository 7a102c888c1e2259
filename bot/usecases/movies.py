"""The use cases behind every surface (Slack, `ask`, `evaluate`): resolve what the user typed,
recommend from the cluster, keep a user's seen / not-interested list. No Slack, no boto3."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot.adapters.index_cache import IndexCache
from bot.adapters.store.base import MarkStore, ModelReader
from bot.core.matching import Candidate, Resolution
from bot.core.models import Mark, MarkKind, ModelVersion, Movie
from bot.usecases.recommend import Pick, Pool, recommend

__all__ = ["Answer", "Candidate", "MovieService", "Pick"]

AnswerStatus = Literal["matched", "ambiguous", "no_match", "empty", "no_model"]
POOL_SIZE = 2000  # the cluster's most popular movies the recommender chooses from
PAGE_READ = 500
POOLS_KEPT = 16


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {"tconst": c.tconst, "title": c.title, "year": c.year, "score": c.score}


@dataclass(frozen=True)
class Answer:
    query: str
    status: AnswerStatus
    match: Candidate | None
    movie: Movie | None
    alternatives: list[Candidate] = field(default_factory=list)
    recommendations: list[Pick] = field(default_factory=list)
    offset: int = 0
    has_more: bool = False
    elapsed_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """What `python -m bot ask --json` prints (README, "The command line"): the shape is
        defined here, so a change here is a change to that output."""
        match = None
        if self.match is not None:
            match = _candidate_json(self.match)
            match["cluster"] = self.movie.cluster if self.movie is not None else None
        return {
            "query": self.query,
            "match": match,
            "alternatives": [_candidate_json(c) for c in self.alternatives],
            "recommendations": [
                {
                    "tconst": p.movie.tconst,
                    "title": p.movie.title,
                    "year": p.movie.year,
                    "genres": list(p.movie.genres),
                    "rating": p.movie.rating,
                    "votes": p.movie.votes,
                    "cluster": p.movie.cluster,
                }
                for p in self.recommendations
            ],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


class MovieStore(ModelReader, MarkStore, Protocol):
    """What the movie service reads (the active model) and writes (a user's marks)."""


class MovieService:
    def __init__(self, store: MovieStore, indexes: IndexCache, page_size: int = 5) -> None:
        self._store = store
        self._indexes = indexes
        self.page_size = page_size
        self._pools: OrderedDict[tuple[str, int], Pool] = OrderedDict()

    # --- questions ---------------------------------------------------------------------------
    def model(self) -> ModelVersion | None:
        return self._store.active()

    def ask(self, text: str, user_id: str | None = None) -> Answer:
        started = time.perf_counter()
        model = self._store.active()
        if model is None:
            return Answer(text, "no_model", None, None, elapsed_ms=_since(started))
        resolution: Resolution = self._indexes.get(model.version).resolve(text)
        if resolution.status != "matched" or resolution.match is None:
            return Answer(
                text, resolution.status, None, None, resolution.alternatives,
                elapsed_ms=_since(started),
            )  # fmt: skip
        seed = self._store.movie(model.version, resolution.match.tconst)
        if seed is None:  # the index and the movies come from one version; guard anyway
            return Answer(text, "no_match", None, None, elapsed_ms=_since(started))
        picks, more = self._recommend(model.version, seed, user_id, 0)
        return Answer(
            text, "matched", resolution.match, seed, resolution.alternatives, picks, 0, more,
            _since(started),
        )  # fmt: skip

    def similar(self, tconst: str, user_id: str | None = None, offset: int = 0) -> Answer:
        """'More like this', 'Show more' (offset = picks already shown), a did-you-mean click."""
        started = time.perf_counter()
        model = self._store.active()
        if model is None:
            return Answer(tconst, "no_model", None, None, elapsed_ms=_since(started))
        seed = self._store.movie(model.version, tconst)
        if seed is None:
            return Answer(tconst, "no_match", None, None, elapsed_ms=_since(started))
        match = Candidate(seed.tconst, seed.title, seed.year, 100.0)
        picks, more = self._recommend(model.version, seed, user_id, max(0, offset))
        return Answer(
            tconst, "matched", match, seed, [], picks, max(0, offset), more, _since(started)
        )

    def suggest(self, text: str, limit: int = 10) -> list[Candidate]:
        model = self._store.active()
        if model is None:
            return []
        return self._indexes.get(model.version).suggest(text, limit)

    # --- a user's list -------------------------------------------------------------------------
    def mark(self, user_id: str, tconst: str, kind: MarkKind) -> Movie | None:
        model = self._store.active()
        movie = self._store.movie(model.version, tconst) if model else None
        if movie is None:
            return None
        # The store stamps marked_at when the mark is written.
        self._store.add_mark(user_id, Mark(tconst, MarkKind(kind), movie.title))
        return movie

    def unmark(self, user_id: str, tconst: str) -> None:
        self._store.remove_mark(user_id, tconst)

    def marks(self, user_id: str) -> list[Mark]:
        return self._store.marks(user_id)

    # --- internals -----------------------------------------------------------------------------
    def _pool(self, version: str, cluster: int) -> Pool:
        """The cluster's most popular movies; immutable per version, so kept per process."""
        key = (version, cluster)
        if key in self._pools:
            self._pools.move_to_end(key)
            return self._pools[key]
        movies: list[Movie] = []
        cursor: str | None = None
        while len(movies) < POOL_SIZE:
            page = self._store.cluster_page(
                version, cluster, min(PAGE_READ, POOL_SIZE - len(movies)), cursor
            )
            movies.extend(page.movies)
            cursor = page.next_cursor
            if cursor is None:
                break
        pool = self._pools[key] = Pool(movies)
        while len(self._pools) > POOLS_KEPT:
            self._pools.popitem(last=False)
        return pool

    def _recommend(
        self, version: str, seed: Movie, user_id: str | None, offset: int
    ) -> tuple[list[Pick], bool]:
        marked = {m.tconst for m in self._store.marks(user_id)} if user_id else set()
        return recommend(seed, self._pool(version, seed.cluster), marked, offset, self.page_size)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
