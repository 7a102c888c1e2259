"""The title index through each store (SQLite and DynamoDB Local): the bytes come back as they
went in, over several of the store's chunks, and answer from in place."""

from __future__ import annotations

import io

import numpy as np
import pytest

from bot.adapters.store.base import Store
from bot.adapters.store.dynamodb import INDEX_CHUNK_BYTES
from bot.core.matching import TitleIndex
from bot.core.models import Movie
from tests.fixtures.stores import fill_version, store, store_opener

__all__ = ["store", "store_opener"]  # each test runs on SQLite and on DynamoDB Local

WORDS = ["night", "river", "stone", "ghost", "summer", "king", "glass", "iron", "fox", "rain"]


def _movies(n: int) -> list[Movie]:
    return [
        Movie(
            f"tt{i:07d}",
            f"{WORDS[i % 10].title()} {WORDS[(i // 10) % 10]} {WORDS[(i // 100) % 10]} {i}",
            f"{WORDS[i % 10].title()} {i}",
            1950 + i % 70,
            90,
            ("Drama",),
            6.5,
            10 + i,
            i % 8,
        )
        for i in range(1, n + 1)
    ]


@pytest.fixture(scope="module")
def movies() -> list[Movie]:
    return _movies(12_000)


@pytest.fixture(scope="module")
def blob(movies: list[Movie]) -> bytes:
    return TitleIndex.build(movies, [(m.tconst, f"{m.title} redux") for m in movies]).to_bytes()


def test_the_index_comes_back_byte_for_byte_and_answers(
    store: Store, movies: list[Movie], blob: bytes
) -> None:
    assert len(blob) > 2 * INDEX_CHUNK_BYTES  # several DynamoDB items
    fill_version(store, "v1", movies[:10], blob)
    stored = store.title_index("v1")
    assert stored == blob
    index = TitleIndex.from_bytes(stored)
    assert TitleIndex.fits(stored, (m.tconst for m in movies))
    wanted = movies[1233]
    match = index.resolve(wanted.title).match
    assert match is not None and match.tconst == wanted.tconst


def test_an_older_format_in_the_store_is_refused_clearly(store: Store, movies: list[Movie]) -> None:
    with np.load(io.BytesIO(TitleIndex.build(movies[:50], []).to_bytes())) as data:
        arrays = {n: data[n] for n in data.files}
    arrays["format"] = np.array([3], dtype=np.int32)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    fill_version(store, "v1", movies[:10], buffer.getvalue())
    with pytest.raises(ValueError, match="format 3"):
        TitleIndex.from_bytes(store.title_index("v1") or b"")
