"""A conversation continued by another process from the state the store keeps (SQLite and
DynamoDB Local): after "nothing fits" too, where the answer showed no picks: "more", a
constraint excluded ("without the documentary"), one dropped ("any genre")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.adapters.index_cache import IndexCache
from bot.core.matching import TitleIndex
from bot.usecases.movies import MovieService
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.fixtures.stores import StoreOpener, fill_version, store_opener

__all__ = ["store_opener"]  # every test here runs on both backends

HEAT = "tt0113277"


ServiceOpener = Callable[[], MovieService]


@pytest.fixture
def open_service(store_opener: StoreOpener, tmp_path: Path) -> ServiceOpener:
    """A new service on its own store handle and index cache each call: another process."""
    fill_version(
        store_opener(), "v1", SAMPLE_MOVIES, TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS).to_bytes()
    )
    made = iter(range(100))

    def open_() -> MovieService:
        store = store_opener()
        return MovieService(store, IndexCache(store, tmp_path / f"cache{next(made)}"), page_size=3)

    return open_


def test_a_follow_up_after_nothing_fits_continues_the_request(open_service: ServiceOpener) -> None:
    first = open_service().ask("like heat but a documentary", thread="T1")
    assert first.status == "nothing_fits" and first.recommendations == []

    again = open_service().ask("more", thread="T1")
    assert again.status == "nothing_fits" and [c.text for c in again.constraints] == ["documentary"]

    dropped = open_service().ask("without the documentary", thread="T1")
    assert dropped.status == "matched" and dropped.match is not None
    assert dropped.match.tconst == HEAT and len(dropped.recommendations) == 3
    assert all("Documentary" not in p.movie.genres for p in dropped.recommendations)


def test_a_condition_dropped_after_nothing_fits(open_service: ServiceOpener) -> None:
    # A condition dropped by name ("any genre"): the request without it.
    open_service().ask("like heat but a documentary", thread="T2")
    anything = open_service().ask("any genre", thread="T2")
    assert anything.status == "matched" and anything.constraints == ()
    assert anything.match is not None and anything.match.tconst == HEAT
    assert len(anything.recommendations) == 3
