from dataclasses import replace

from bot.core.models import Movie
from bot.usecases.recommend import franchise, rank, reason, recommend
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
