import itertools
import random
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from bot.core.models import Movie
from bot.core.normalize import normalize
from bot.core.request import Constraint
from bot.usecases import recommend as recommend_module
from bot.usecases.honour import meets_all
from bot.usecases.recommend import (
    DEFAULT_WEIGHTS,
    Pool,
    franchise,
    rank,
    rank_many,
    ranking,
    reason,
    recommend,
)
from tests.fixtures.artifacts import SAMPLE_MOVIES

BY_ID = {m.tconst: m for m in SAMPLE_MOVIES}
MATRIX = BY_ID["tt0133093"]
SCIFI = [m for m in SAMPLE_MOVIES if m.cluster == 0]


def _movie(tconst: str, title: str, votes: int, coords: tuple[float, ...], rating: float = 7.0):
    return Movie(tconst, title, title, 2000, 100, ("Action",), rating, votes, 0, coords)


def test_never_the_seed_its_namesakes_or_what_the_user_marked() -> None:
    dune = BY_ID["tt1160419"]
    ranked = rank(dune, SCIFI, exclude={"tt0078748"})
    ids = {m.tconst for m in ranked}
    assert dune.tconst not in ids
    assert "tt0087182" not in ids  # Dune (1984): another entry of the same title
    assert "tt0078748" not in ids  # marked by the user
    assert len(ranked) == len(SCIFI) - 3


def test_closer_movies_rank_first_when_otherwise_equal() -> None:
    seed = _movie("tt1", "Seed", 1000, (0.0, 0.0))
    near = _movie("tt2", "Near", 1000, (0.1, 0.0))
    far = _movie("tt3", "Far", 1000, (3.0, 0.0))
    middle = _movie("tt4", "Middle", 1000, (1.0, 0.0))
    assert [m.title for m in rank(seed, [far, middle, near, seed])] == ["Near", "Middle", "Far"]


def test_popularity_and_rating_lift_a_movie() -> None:
    seed = _movie("tt1", "Seed", 1000, (0.0, 0.0))
    obscure = _movie("tt2", "Obscure", 12, (0.5, 0.0), rating=5.0)
    loved = _movie("tt3", "Loved", 900_000, (0.5, 0.0), rating=8.5)
    assert [m.title for m in rank(seed, [obscure, loved])] == ["Loved", "Obscure"]


def test_one_franchise_does_not_fill_the_page() -> None:
    seed = _movie("tt1", "Seed", 1000, (0.0, 0.0))
    sequels = [_movie(f"tt1{i}", f"Saga {i}: Part", 500_000, (0.2, 0.0)) for i in range(2, 9)]
    names = ["Heat", "Ronin", "Collateral", "Thief", "Drive"]
    others = [_movie(f"tt2{i}", name, 300_000, (0.3, 0.0)) for i, name in enumerate(names)]
    page = [m.title for m in rank(seed, sequels + others)[:5]]
    assert sum(title.startswith("Saga") for title in page) <= 2
    assert franchise(sequels[0]) == franchise(sequels[1])


def test_pages_continue_without_repeats_and_say_when_they_end() -> None:
    seen: list[str] = []
    offset, more = 0, True
    while more:
        picks, more = recommend(MATRIX, SCIFI, offset=offset, limit=3)
        seen.extend(p.movie.tconst for p in picks)
        offset += 3
    assert len(seen) == len(set(seen)) == len(rank(MATRIX, SCIFI))
    assert recommend(MATRIX, SCIFI, offset=100)[0] == []


def test_the_ranking_is_the_same_every_time() -> None:
    shuffled = list(reversed(SCIFI))
    assert rank(MATRIX, SCIFI) == rank(MATRIX, shuffled)


def test_each_pick_says_why() -> None:
    aliens = BY_ID["tt0090605"]
    text = reason(MATRIX, aliens)
    assert "Action & Sci-Fi" in text and "1980s" in text and "rated 8.4" in text
    assert "same era" in reason(MATRIX, replace(aliens, year=1997))


def test_a_pool_filters_exactly_as_meets_all() -> None:
    # The pool asks `meets` once per distinct value of a field; the result must be the same as
    # asking it for every movie, unknown fields and empty genre sets included.
    rng = random.Random(3)
    genres = [(), ("Comedy",), ("Horror",), ("Comedy", "Drama"), ("Animation", "Family")]
    movies = [
        Movie(
            f"tt{i:04d}", f"Film {i}", f"Film {i}", rng.choice([None, 1985, 1995, 2005, 2015]),
            rng.choice([None, 80, 95, 130]), rng.choice(genres), rng.choice([5.5, 7.0, 8.1]),
            rng.choice([10, 60_000, 200_000]), 0, (rng.random(),),
            countries=rng.choice([(), ("FR",), ("US", "FR")]), languages=rng.choice([(), ("fr",)]),
        )
        for i in range(300)
    ]  # fmt: skip
    asked = [
        Constraint("year", "between", (1990, 1999), "from the 90s"),
        Constraint("year", ">", 2000, "after 2000"),
        Constraint("runtime", "<=", 100, "short"),
        Constraint("genres", "in", ("Comedy",), "funny"),
        Constraint("genres", "not in", ("Horror",), "no horror"),
        Constraint("rating", ">=", 7.0, "rated at least 7"),
        Constraint("votes", "<=", 50_000, "lesser known"),
        Constraint("language", "==", "fr", "in French"),
        Constraint("country", "==", "US", "american"),
        Constraint("title", "!=", "tt0007", "not that one"),
        Constraint("runtime", "!=", 95, "odd but allowed"),
    ]
    pool = Pool(movies)
    for n in range(1, 4):
        for chosen in itertools.combinations(asked, n):
            want = [i for i, m in enumerate(movies) if meets_all(m, chosen)]
            assert pool.meeting(chosen).tolist() == want, chosen
            assert pool.meeting(chosen).tolist() == want  # kept masks give the same answer


def test_joined_pools_rank_as_pools_built_from_their_movies() -> None:
    a, b = Pool(SCIFI), Pool([m for m in SAMPLE_MOVIES if m.cluster == 1])
    joined = Pool.joined([(a, a.meeting(())[::2]), (b, b.meeting(()))])
    movies = SCIFI[::2] + [m for m in SAMPLE_MOVIES if m.cluster == 1]
    assert list(joined.movies) == movies
    assert list(joined.tconsts) == [m.tconst for m in movies]
    assert rank(MATRIX, joined) == rank(MATRIX, Pool(movies))
    assert list(a.take(a.meeting(())[1:]).movies) == SCIFI[1:]


def _rank_one_by_one(seeds: list[Movie], movies: list[Movie], exclude: set[str]) -> list[Movie]:
    """The ranking as it was written before it was counted with arrays: the reference."""
    w = DEFAULT_WEIGHTS
    keys = {normalize(s.title) for s in seeds}
    skip = exclude | {s.tconst for s in seeds}
    kept = [m for m in movies if m.tconst not in skip and normalize(m.title) not in keys]
    if not kept:
        return []
    coords = np.array([m.coords for m in kept], dtype=np.float64)
    distances = np.array([np.sqrt(((coords - s.coords) ** 2).sum(axis=1)) for s in seeds])
    closeness = np.exp(-distances.max(axis=0) / (float(np.median(distances)) or 1.0))
    popularity = np.log10(1.0 + np.array([m.votes for m in kept], dtype=float))
    rating = np.array([m.rating for m in kept])
    score = (
        w.closeness * closeness
        + w.popularity * popularity / (popularity.max() or 1.0)
        + w.rating * (rating - 5.0) / 5.0
    ).tolist()
    seen = {franchise(s): 1 for s in seeds}
    varied = []
    for i in sorted(range(len(kept)), key=lambda i: (-score[i], i)):
        key = franchise(kept[i])
        varied.append((score[i] - w.franchise * seen.get(key, 0), i))
        seen[key] = seen.get(key, 0) + 1
    return [kept[i] for _s, i in sorted(varied, key=lambda v: (-v[0], v[1]))]


def test_the_ranking_is_the_one_computed_movie_by_movie() -> None:
    rng = random.Random(9)
    names = ["Heat", "Alien", "Aliens", "Alien 3", "Batman Returns", "Batman", "Star Wars"]
    movies = [
        _movie(f"tt{i:04d}", f"{rng.choice(names)} {rng.choice(['', 'II', 'Redux'])}".strip(),
               rng.choice([5, 500, 50_000]), (rng.random(), rng.random()), rng.choice([6.0, 7.5]))
        for i in range(400)
    ]  # fmt: skip
    for n_seeds in (1, 2, 3):
        seeds = rng.sample(movies, n_seeds)
        exclude = {m.tconst for m in rng.sample(movies, 5)}
        want = _rank_one_by_one(seeds, movies, exclude)
        assert rank_many(seeds, Pool(movies), exclude) == want


def test_a_ranking_read_a_page_at_a_time_is_the_whole_ranking_sliced() -> None:
    # Many equal scores (few distinct votes, coordinates and ratings, a franchise each, and a
    # few of one): ties at every page edge.
    rng = random.Random(4)
    movies = [
        _movie(f"tt{i:04d}", rng.choice([f"Title{i:04d}"] * 5 + ["Alien", "Alien 2"]),
               rng.choice([5, 500]), (rng.choice([0.0, 1.0]), 0.0), rng.choice([6.0, 7.0]))
        for i in range(300)
    ]  # fmt: skip
    seeds = movies[:2]
    whole = _rank_one_by_one(seeds, movies, set())
    for start, stop in [(0, 5), (5, 10), (0, 1), (37, 61), (290, 400), (0, 400)]:
        ranked = ranking(seeds, Pool(movies), set())
        assert ranked[start:stop] == whole[start:stop]
        assert len(ranked) == len(whole)
    ranked = ranking(seeds, Pool(movies), set())
    assert [ranked[i] for i in (3, 0, 17, -1)] == [whole[i] for i in (3, 0, 17, -1)]
    assert list(ranked) == whole and ranked[::-7] == whole[::-7]
    with pytest.raises(IndexError):
        ranked[len(whole)]
    assert len(ranking(movies, Pool(movies))) == 0 and not list(ranking(movies, Pool(movies)))


@pytest.mark.parametrize("namesakes", [0, 120])
def test_a_first_page_worked_out_among_the_best_scores_is_the_whole_rankings(
    namesakes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 600 movies; with `namesakes`, 120 of the best are one franchise scored alike, so each
    # pays for the ones before it and the best scores alone cannot tell a longer page.
    rng = random.Random(11)
    movies = [
        _movie(f"tt{i:04d}", f"Alien {i}", 100_000, (0.5, 0.5), 8.0)
        if i < namesakes
        else _movie(f"tt{i:04d}", f"Title{i:04d}", rng.choice([5, 500, 5_000]),
                    (rng.random(), rng.random()), rng.choice([6.0, 7.0, 8.0]))
        for i in range(600)
    ]  # fmt: skip
    seeds = [movies[-1]]
    whole = _rank_one_by_one(seeds, movies, set())
    compared: list[int] = []
    among = recommend_module._Varied.among

    def counted(self: Any, at: np.ndarray) -> np.ndarray:
        compared.append(len(at))
        return among(self, at)

    monkeypatch.setattr(recommend_module._Varied, "among", counted)
    for start, stop in [(0, 5), (5, 10), (0, 20)]:
        assert ranking(seeds, Pool(movies), set())[start:stop] == whole[start:stop]
    assert compared[0] < len(movies) - 1  # the first page: among the best scores only
    # Twenty picks: too many of the best are namesakes scored alike to tell them that way.
    assert (max(compared) == len(movies) - 1) == bool(namesakes), compared
    assert list(ranking(seeds, Pool(movies), set())) == whole
