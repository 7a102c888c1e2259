"""A cluster's pool read from the block the loader stored: one read instead of its pages, the
same answers; a version without blocks (or with one this release cannot use) reads pages."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.index_cache import IndexCache
from bot.core.catalogue import catalogue_top
from bot.core.manifest import Manifest
from bot.core.matching import TitleIndex
from bot.core.models import Movie
from bot.core.pool_block import pack_block
from bot.usecases import movies as movies_module
from bot.usecases.movies import MovieService
from bot.usecases.pool_blocks import cluster_blocks
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.unit.usecases.conftest import far_documentaries, quiet_film
from tests.unit.usecases.fakes import MemoryStore

QUESTIONS = [
    "movies like the matrix",
    "aliens",
    "something like spirited away but japanese",
    "like heat but a documentary",
    "popular movies like inception",
    "surprise me",
    "movies like pulp fiction and the godfather",
]


def _service(
    tmp_path: Path, movies: list[Movie], k: int, blocks: dict[int, bytes] | None
) -> tuple[MovieService, MemoryStore]:
    """A version written as the loader does, with these blocks (None: loaded before blocks)."""
    store = MemoryStore()
    store.begin_version("v1", Manifest(version="v1", k=k, counts={"movies": len(movies)}))
    store.put_movies("v1", movies)
    store.put_title_index("v1", TitleIndex.build(movies, SAMPLE_AKAS).to_bytes())
    store.put_catalogue_top("v1", catalogue_top(movies))
    for cluster, blob in (blocks or {}).items():
        store.put_cluster_block("v1", cluster, blob)
    store.complete_version("v1")
    store.activate("v1", None)
    cache = tmp_path / ("with" if blocks else "without")
    return MovieService(store, IndexCache(store, cache), page_size=3), store


def _blocks(movies: list[Movie], size: int | None = None) -> dict[int, bytes]:
    return {c: pack_block(b) for c, b in cluster_blocks(movies, size).items()}


def _answers(service: MovieService, questions: list[str]) -> list[dict[str, Any]]:
    found = []
    for question in questions:
        data = service.ask(question).to_json()
        data.pop("elapsed_ms")
        found.append(data)
    return found


def test_a_pool_is_one_block_read_and_no_page(tmp_path: Path) -> None:
    service, store = _service(tmp_path, SAMPLE_MOVIES, 4, _blocks(SAMPLE_MOVIES))
    answer = service.ask("movies like the matrix")
    assert answer.status == "matched" and answer.recommendations
    assert (store.block_reads, store.page_reads) == (1, 0)


def test_a_version_without_blocks_reads_the_pages(tmp_path: Path) -> None:
    service, store = _service(tmp_path, SAMPLE_MOVIES, 4, None)
    assert service.ask("movies like the matrix").recommendations
    assert (store.block_reads, store.page_reads) == (1, 1)


def test_answers_are_the_same_with_blocks_and_without(tmp_path: Path) -> None:
    with_blocks, store = _service(tmp_path, SAMPLE_MOVIES, 4, _blocks(SAMPLE_MOVIES))
    without, _ = _service(tmp_path, SAMPLE_MOVIES, 4, None)
    assert _answers(with_blocks, QUESTIONS) == _answers(without, QUESTIONS)
    assert store.page_reads == 0


def test_the_rest_of_a_cluster_continues_after_a_block_larger_than_the_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pools hold ten here, the blocks all of each cluster: the documentaries are the least
    # voted of the farthest cluster, so finding them reads that cluster's rest, which must
    # begin right after the pool's last movie.
    monkeypatch.setattr(movies_module, "POOL_SIZE", 10)
    k = 3
    movies = far_documentaries(k, last=20)
    with_blocks, store = _service(tmp_path, movies, k, _blocks(movies))
    without, _ = _service(tmp_path, movies, k, None)
    questions = ["like heat but a documentary", "a documentary", "like heat"]
    answers = _answers(with_blocks, questions)
    assert answers == _answers(without, questions)
    assert len(answers[0]["recommendations"]) == 3
    assert all(r["genres"] == ["Documentary"] for r in answers[0]["recommendations"])
    assert store.block_reads == k and store.page_reads >= 1  # pools from blocks, rests paged


@pytest.mark.parametrize("damage", ["short", "stale keys", "garbage"])
def test_a_block_this_release_cannot_use_falls_back_to_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setattr(movies_module, "POOL_SIZE", 10)
    k = 3
    movies = [quiet_film(1, 0, "Crime,Drama", "Heat")]
    movies += [quiet_film(100 * c + i, c) for c in range(k) for i in range(2, 30)]
    if damage == "short":  # fewer than the pool of a larger cluster
        blocks = _blocks(movies, size=5)
    elif damage == "stale keys":  # normalised by a release whose normaliser differed
        blocks = {
            c: pack_block(dataclasses.replace(b, keys=[f"old {key}" for key in b.keys]))
            for c, b in cluster_blocks(movies).items()
        }
    else:
        blocks = dict.fromkeys(range(k), b"not a block")
    with_blocks, store = _service(tmp_path, movies, k, blocks)
    without, _ = _service(tmp_path, movies, k, None)
    assert _answers(with_blocks, ["like heat"]) == _answers(without, ["like heat"])
    assert store.page_reads >= 1
