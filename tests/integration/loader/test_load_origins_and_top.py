"""What issue 13's constraints need, from the artifact into the store (both backends): each
movie's countries and languages, the clusters' centres, and the catalogue top."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.adapters.store.base import Store
from bot.core.catalogue import catalogue_top
from bot.core.models import Movie
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES, write_artifact
from tests.fixtures.stores import read_movies

ORIGINS = {
    "tt0047478": (("JP",), ("ja",)),
    "tt0245429": (("JP",), ("ja",)),
    "tt0113277": (("US",), ("en",)),
    "tt1160419": (("US", "CA", "HU"), ("en", "hu")),
}
CENTRES = [[1.0, 0.35, 0.15], [-0.7, 1.07, 0.1], [0.14, -0.86, 0.91], [0.05, 0.1, -1.05]]


def with_origins(movies: list[Movie]) -> list[Movie]:
    return [
        dataclasses.replace(m, countries=ORIGINS[m.tconst][0], languages=ORIGINS[m.tconst][1])
        if m.tconst in ORIGINS
        else m
        for m in movies
    ]


def test_countries_languages_and_centres_reach_the_store(store: Store, tmp_path: Path) -> None:
    movies = with_origins(SAMPLE_MOVIES)
    load_artifact(write_artifact(tmp_path / "m", movies, SAMPLE_AKAS, centres=CENTRES), store)
    stored = read_movies(store, "v-test-1", [m.tconst for m in movies])
    assert stored == {m.tconst: m for m in movies}
    assert stored["tt1160419"].countries == ("US", "CA", "HU")
    assert stored["tt0133093"].countries == () and stored["tt0133093"].languages == ()
    page = store.cluster_page("v-test-1", 2, 50).movies
    assert {m.tconst: m for m in page}["tt0245429"].languages == ("ja",)
    active = store.active()
    assert active is not None
    assert active.manifest.centres == tuple(tuple(c) for c in CENTRES)


def test_an_artifact_from_before_origins_and_centres_still_loads(
    store: Store, tmp_path: Path
) -> None:
    model = write_artifact(tmp_path / "m", with_origins(SAMPLE_MOVIES), origins=False)
    report = load_artifact(model, store)
    assert report.activated
    stored = read_movies(store, "v-test-1", [m.tconst for m in SAMPLE_MOVIES])
    assert stored == {m.tconst: m for m in SAMPLE_MOVIES}  # fields empty, nothing else lost
    active = store.active()
    assert active is not None and active.manifest.centres is None


def test_the_loader_stores_the_catalogue_top_and_removes_it_with_its_version(
    store: Store, tmp_path: Path
) -> None:
    movies = with_origins(SAMPLE_MOVIES)
    load_artifact(write_artifact(tmp_path / "v1", movies, version="v1"), store)
    top = store.catalogue_top("v1")
    assert top == catalogue_top(movies)
    # Most voted first; The Godfather and The Matrix tie on votes: by tconst.
    assert [m.tconst for m in top[:4]] == ["tt1375666", "tt0110912", "tt0068646", "tt0133093"]
    assert {m.tconst: m for m in top}["tt1160419"].countries == ("US", "CA", "HU")
    for version in ("v2", "v3"):
        load_artifact(write_artifact(tmp_path / version, movies, version=version), store)
    assert store.catalogue_top("v1") == []  # v1 was removed, all of it
    assert store.catalogue_top("v3") == top
