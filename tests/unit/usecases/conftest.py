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
