"""The title index that training puts in the artifact: stored as it is when it fits the
artifact's movies and this bot's format, built again by the loader when it does not."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.adapters.store.base import Store
from bot.core.artifact import TITLE_INDEX_FILE, iter_akas, iter_movies
from bot.core.matching import FORMAT, TitleIndex
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES

from .helpers import version_artifact


def index_of(artifact: Path) -> TitleIndex:
    return TitleIndex.build(iter_movies(artifact), iter_akas(artifact))


def test_an_index_that_fits_is_stored_as_the_artifact_carries_it(
    store: Store, tmp_path: Path
) -> None:
    artifact = version_artifact(tmp_path, "v1")
    blob = index_of(artifact).to_bytes()
    (artifact / TITLE_INDEX_FILE).write_bytes(blob)
    report = load_artifact(artifact, store)
    assert not report.index_built and "(from the artifact)" in report.summary()
    assert report.index_bytes == len(blob)
    assert store.title_index("v1") == blob
    assert report.akas == len(SAMPLE_AKAS)  # as the manifest counts them


def _other_format(artifact: Path) -> bytes:
    with np.load(io.BytesIO(index_of(artifact).to_bytes())) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["format"] = np.array([FORMAT - 1], dtype=np.int32)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _other_movies(artifact: Path) -> bytes:
    return TitleIndex.build(list(iter_movies(artifact))[1:], SAMPLE_AKAS).to_bytes()


def _torn(artifact: Path) -> bytes:
    blob = index_of(artifact).to_bytes()
    return blob[: len(blob) // 2]


def _flipped_byte(artifact: Path) -> bytes:
    blob = bytearray(index_of(artifact).to_bytes())
    blob[len(blob) // 3] ^= 0xFF
    return bytes(blob)


@pytest.mark.parametrize(
    "unfit",
    [_other_format, _other_movies, _torn, _flipped_byte, lambda _artifact: b"not an index"],
    ids=["older format", "other movies", "torn", "flipped byte", "garbage"],
)
def test_an_index_that_does_not_fit_is_built_again(
    store: Store, tmp_path: Path, unfit: Callable[[Path], bytes]
) -> None:
    artifact = version_artifact(tmp_path, "v1")
    (artifact / TITLE_INDEX_FILE).write_bytes(unfit(artifact))
    report = load_artifact(artifact, store)
    assert report.index_built and "(built)" in report.summary()
    stored = store.title_index("v1")
    assert stored == index_of(artifact).to_bytes()
    index = TitleIndex.from_bytes(stored)  # type: ignore[arg-type]
    assert len(index) == len(SAMPLE_MOVIES)
    match = index.resolve("le voyage de chihiro").match  # an alternate title from akas.csv.gz
    assert match is not None and match.tconst == "tt0245429"


def test_without_an_index_in_the_artifact_the_loader_builds_it(
    store: Store, tmp_path: Path
) -> None:
    report = load_artifact(version_artifact(tmp_path, "v1"), store)
    assert report.index_built and report.akas == len(SAMPLE_AKAS)
