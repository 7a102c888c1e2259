from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.adapters.index_cache import IndexCache
from bot.core.manifest import Manifest
from bot.core.matching import TitleIndex
from bot.core.models import Movie
from bot.usecases.movies import MovieService
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.unit.usecases.fakes import MemoryStore


def quiet_film(n: int, cluster: int, genres: str = "Drama", title: str = "") -> Movie:
    """A made-up film of `cluster`, fewer votes as `n` grows."""
    return Movie(
        f"tt9{n:06d}", title or f"Quiet Film Number {n}", title or f"Quiet Film Number {n}",
        2005, 100, tuple(genres.split(",")), 6.5, 10_000 - n, cluster, (float(cluster), 0.0, 0.0),
    )  # fmt: skip


def far_documentaries(k: int, last: int, spacing: int = 100) -> list[Movie]:
    """Heat in cluster 0, quiet dramas 2..last-1 in each of `k` clusters in a row, and the only
    documentaries, least voted of all, in the farthest cluster."""
    movies = [quiet_film(1, 0, "Crime,Drama", "Heat")]
    movies += [quiet_film(spacing * c + i, c) for c in range(k) for i in range(2, last)]
    movies += [quiet_film(900 + i, k - 1, "Documentary") for i in range(4)]
    return movies


def fill(
    store: MemoryStore,
    version: str = "v1",
    movies: Sequence[Movie] = SAMPLE_MOVIES,
    akas: Sequence[tuple[str, str]] = SAMPLE_AKAS,
    k: int = 4,
) -> MemoryStore:
    """What the loader does: a complete version with its index, then the switch."""
    previous = store.active()
    store.begin_version(version, Manifest(version=version, k=k))
    store.put_movies(version, movies)
    store.put_title_index(version, TitleIndex.build(movies, akas).to_bytes())
    store.complete_version(version)
    store.activate(version, previous.version if previous else None)
    return store


@pytest.fixture
def store() -> MemoryStore:
    return fill(MemoryStore())


@pytest.fixture
def service(store: MemoryStore, tmp_path: Path) -> MovieService:
    return MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=3)
