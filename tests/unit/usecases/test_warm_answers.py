"""A warm process answers from what it holds: seeds from the cluster pools, the no-seed ranking
with the catalogue top's arrays, and constraints nothing can meet without a read at all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.adapters.index_cache import IndexCache
from bot.core.models import Movie
from bot.core.request import Constraint
from bot.usecases import movies as movies_module
from bot.usecases.discover import best_known, best_known_in
from bot.usecases.honour import field_value, field_values, meets_all, unsatisfiable
from bot.usecases.movies import MovieService
from bot.usecases.recommend import Pool
from tests.fixtures.artifacts import SAMPLE_MOVIES
from tests.unit.usecases.conftest import far_documentaries, fill
from tests.unit.usecases.fakes import MemoryStore
from tests.unit.usecases.test_honour import _service_on

HEAT = "tt0113277"
HEAT_FILM = "tt9000001"  # Heat of `far_documentaries`


class CountingStore(MemoryStore):
    """The in-memory store, counting single-movie reads too."""

    def __init__(self) -> None:
        super().__init__()
        self.movie_reads = 0

    def movie(self, version: str, tconst: str) -> Movie | None:
        self.movie_reads += 1
        return super().movie(version, tconst)


@pytest.fixture
def counting(tmp_path: Path) -> tuple[CountingStore, MovieService]:
    store = CountingStore()
    fill(store)
    return store, MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=3)


def year(op: str, value: object) -> Constraint:
    return Constraint("year", op, value, f"{op} {value}")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("constraints", "empty"),
    [
        ([year("<", 1980), year("==", 2018)], True),  # "old" and "2018"
        ([year(">", 2017), year("<", 2018)], True),  # years are whole numbers
        ([year("between", (1990, 1999)), year(">=", 2000)], True),
        ([Constraint("rating", ">", 8.0, "x"), Constraint("rating", "<", 8.0, "y")], True),
        ([year("between", (1990, 1999)), year(">=", 1999)], False),
        ([Constraint("rating", ">=", 8.0, "x"), Constraint("rating", "<=", 8.0, "y")], False),
        ([Constraint("rating", ">", 7.9, "x"), Constraint("rating", "<", 8.0, "y")], False),
        ([year("!=", 2018), year("==", 2017)], False),
        ([Constraint("genres", "in", ("Crime",), "x"), year("==", 1995)], False),
        ([], False),
    ],
)
def test_unsatisfiable_only_when_no_value_meets_them_all(
    constraints: list[Constraint], empty: bool
) -> None:
    assert unsatisfiable(constraints) is empty
    if not empty:  # a value between the bounds meets every constraint (checked with `meets`)
        assert any(meets_all(m, constraints) for m in _probes())


def _probes() -> list[Movie]:
    base = SAMPLE_MOVIES[0]
    return [
        Movie(base.tconst, base.title, base.title, y, 100, ("Crime",), r, 1000, 0)
        for y in (1995, 1999, 2017)
        for r in (7.95, 8.0)
    ]


def test_constraints_nothing_can_meet_are_answered_without_reading(
    counting: tuple[CountingStore, MovieService],
) -> None:
    store, service = counting
    reads = store.page_reads
    answer = service.again([HEAT], [year("<", 1980), year("==", 2018)])
    assert answer.status == "nothing_fits" and not answer.recommendations
    assert store.page_reads == reads  # on main: every cluster's pool read to say so
    no_seed = service.again([], [year("<", 1980), year("==", 2018)])
    assert no_seed.status == "nothing_fits" and store.page_reads == reads


def test_a_warm_service_reads_neither_pages_nor_seeds(
    counting: tuple[CountingStore, MovieService],
) -> None:
    store, service = counting
    assert service.warm() == 4  # every cluster of the sample model
    pages, movies = store.page_reads, store.movie_reads
    for text in ("heat", "something like the matrix and alien", "a 90s crime film"):
        assert service.ask(text).status in ("matched", "picked")
    assert (store.page_reads, store.movie_reads) == (pages, movies)


def test_no_seed_ranking_with_arrays_is_best_known() -> None:
    pool = Pool(SAMPLE_MOVIES)
    rng = np.random.default_rng(5)
    for _ in range(20):
        index = np.flatnonzero(rng.random(len(pool)) < 0.6)
        exclude = {pool.tconsts[i] for i in rng.choice(len(pool), 3)}
        movies = [pool.movies[i] for i in index.tolist()]
        assert best_known_in(pool, index, exclude) == best_known(movies, exclude)
    assert best_known_in(pool, np.zeros(0, dtype=np.intp)) == []


def test_joined_pools_hold_the_chosen_movies_in_order() -> None:
    half = len(SAMPLE_MOVIES) // 2
    a, b = Pool(SAMPLE_MOVIES[:half]), Pool(SAMPLE_MOVIES[half:])
    parts = [(a, np.arange(len(a))), (b, np.array([0, 2, 3])), (a, np.array([1]))]
    joined = Pool.joined(parts)
    chosen = [p.movies[i] for p, index in parts for i in index.tolist()]
    assert list(joined.movies) == chosen
    assert list(joined.tconsts) == [m.tconst for m in chosen]
    assert list(joined.keys) == [p.keys[i] for p, index in parts for i in index.tolist()]
    assert list(joined.franchises) == [
        p.franchises[i] for p, index in parts for i in index.tolist()
    ]
    assert joined.at(np.array([3, 0])) == [chosen[3], chosen[0]]


def test_the_rest_of_a_cluster_is_read_only_when_its_votes_can_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pools of ten; the documentaries are the least voted of the last cluster, beyond its pool.
    monkeypatch.setattr(movies_module, "POOL_SIZE", 10)
    monkeypatch.setattr(movies_module, "PAGE_READ", 5)
    k = 3
    movies = far_documentaries(k, last=60)  # the documentaries: 9,100 votes or fewer
    service, store = _service_on(movies, k, tmp_path)
    documentary = Constraint("genres", "in", ("Documentary",), "a documentary")
    reads = store.page_reads
    found = service.again([HEAT_FILM], [documentary, Constraint("votes", ">=", 9_000, "x")])
    assert found.status == "matched" and len(found.recommendations) == 3  # from the rest
    reads, before = store.page_reads, store.page_reads - reads
    assert before > 2 * k  # every pool (two pages each) and the rest
    # More votes than any pool's last has: nothing beyond the pools can fit, none is read.
    popular = service.again([HEAT_FILM], [documentary, Constraint("votes", ">=", 9_995, "x")])
    assert popular.status == "nothing_fits"
    assert store.page_reads == reads  # on main: the rest of every cluster read


@pytest.mark.parametrize(
    "name", ["year", "runtime", "rating", "votes", "genres", "language", "country", "title", "x"]
)
def test_field_values_read_what_field_value_reads(name: str) -> None:
    assert field_values(SAMPLE_MOVIES, name) == [field_value(m, name) for m in SAMPLE_MOVIES]
