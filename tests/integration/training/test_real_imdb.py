"""Training on real IMDb extracts (../shared/data/imdb): the clusters must mean something."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest

from bot.core.artifact import TITLE_INDEX_FILE, iter_akas, iter_movies, read_manifest
from bot.core.matching import TitleIndex
from bot.core.models import Movie
from tests.fixtures.artifacts import shared_data
from training.train import main


def train(data: Path, model_dir: Path, clusters: int) -> list[Movie]:
    assert main(["--data-dir", str(data), "--model-dir", str(model_dir),
                 "--clusters", str(clusters)]) == 0  # fmt: skip
    return list(iter_movies(model_dir))


def genre_shares(movies: list[Movie]) -> dict[int, dict[str, float]]:
    by_cluster: dict[int, list[Movie]] = {}
    for m in movies:
        by_cluster.setdefault(m.cluster, []).append(m)
    shares = {}
    for cluster, members in by_cluster.items():
        counts = Counter(g for m in members for g in m.genres)
        shares[cluster] = {g: n / len(members) for g, n in counts.items()}
    return shares


@pytest.fixture(scope="module")
def movies_2017(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Movie]]:
    model_dir = tmp_path_factory.mktemp("real") / "model"
    return model_dir, train(shared_data("imdb", "2017-movies"), model_dir, 20)


def test_well_known_genres_each_dominate_a_cluster(movies_2017: tuple[Path, list[Movie]]) -> None:
    _, movies = movies_2017
    shares = genre_shares(movies)
    for genre in ("Drama", "Comedy", "Horror", "Documentary", "Action"):
        best = max(s.get(genre, 0.0) for s in shares.values())
        assert best >= 0.7, f"no cluster is mostly {genre} (best {best:.0%})"
    # ...and the clusters differ: no single genre leads them all.
    leaders = {max(s, key=s.get) for s in shares.values() if s}
    assert len(leaders) >= 5


def test_clusters_are_balanced_enough(movies_2017: tuple[Path, list[Movie]]) -> None:
    model_dir, movies = movies_2017
    sizes = Counter(m.cluster for m in movies)
    assert len(sizes) == 20
    assert max(sizes.values()) < 0.25 * len(movies)
    manifest = read_manifest(model_dir)
    assert manifest.counts["movies"] == len(movies) > 7000
    assert manifest.scalar_metrics["silhouette"] > 0.05


def test_real_akas_give_alternate_titles_and_regions(movies_2017: tuple[Path, list[Movie]]) -> None:
    model_dir, movies = movies_2017
    manifest = read_manifest(model_dir)
    assert "regions" in (manifest.features or ())
    titles = {m.tconst: m.title for m in movies}
    akas = list(iter_akas(model_dir))
    assert len(akas) > 1000
    assert all(tconst in titles and title.casefold() != titles[tconst].casefold()
               for tconst, title in akas)  # fmt: skip


def test_real_akas_give_countries_and_languages_of_origin(
    movies_2017: tuple[Path, list[Movie]],
) -> None:
    """Films of 2017 whose origin is known (checked by hand against IMDb's pages)."""
    _, movies = movies_2017
    by_id = {m.tconst: m for m in movies}
    expected = {
        "tt3967856": ("KR", "ko"),  # Okja
        "tt6878038": ("KR", "ko"),  # A Taxi Driver
        "tt5764096": ("IN", "hi"),  # Hindi Medium
        "tt1633217": ("FR", "fr"),  # La mélodie
        "tt6304046": ("NO", "no"),  # Thelma
        "tt5052448": ("US", "en"),  # Get Out
        "tt2380307": ("US", "en"),  # Coco
    }
    for tconst, (country, language) in expected.items():
        assert country in by_id[tconst].countries, by_id[tconst]
        assert language in by_id[tconst].languages, by_id[tconst]
    known = sum(1 for m in movies if m.countries)
    assert known > 0.8 * len(movies)


def test_the_carried_title_index_is_the_one_the_loader_would_build_from_real_titles(
    movies_2017: tuple[Path, list[Movie]],
) -> None:
    """Real titles: accents, other scripts, original titles missing or equal to the title."""
    model_dir, movies = movies_2017
    built = TitleIndex.build(movies, iter_akas(model_dir))
    assert (model_dir / TITLE_INDEX_FILE).read_bytes() == built.to_bytes()
    assert any(not m.title.isascii() for m in movies)


def test_the_head_of_a_full_dump_keeps_only_rated_movies(tmp_path: Path) -> None:
    """2025-head: the first 50,000 rows of each file, every title type, mostly old titles."""
    data = shared_data("imdb", "2025-head")
    movies = train(data, tmp_path / "model", 10)
    # Counted independently, with the csv module: rated movies that are not adult.
    rated = {row[0] for row in tsv_rows(data / "title.ratings.tsv.gz")}
    basics = tsv_rows(data / "title.basics.tsv.gz")
    expected = {
        row[0]
        for row in basics
        if len(row) == 9 and row[1] == "movie" and row[4] == "0" and row[0] in rated
    }
    assert {m.tconst for m in movies} == expected
    assert read_manifest(tmp_path / "model").counts["basics_rows"] == len(basics)
    assert min(m.year for m in movies if m.year) < 1920


def tsv_rows(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return list(reader)


@pytest.mark.slow
def test_us_movies_2000_2022(tmp_path: Path) -> None:
    movies = train(shared_data("imdb", "2000-2022-us"), tmp_path / "model", 40)
    assert len(movies) > 70_000
    shares = genre_shares(movies)
    for genre in ("Drama", "Comedy", "Horror", "Thriller", "Romance"):
        assert max(s.get(genre, 0.0) for s in shares.values()) >= 0.7, genre
