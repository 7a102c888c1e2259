"""Cluster names in words, and the report files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from bot.core.manifest import Manifest
from training.features import IMDB_GENRES
from training.report import cluster_name, genre_matrix, summarise, write_report


def shares(**values: float) -> pd.Series:
    series = pd.Series(0.0, index=list(IMDB_GENRES))
    for name, value in values.items():
        series[name.replace("_", "-")] = value
    return series


def test_crime_dramas_of_the_nineties() -> None:
    name = cluster_name(shares(Drama=0.95, Crime=0.8, Thriller=0.2), 1994.0, 6.9, 5000)
    assert name == "1990s crime dramas, well rated"


def test_one_genre_low_rated_and_little_known() -> None:
    name = cluster_name(shares(Horror=0.9, Thriller=0.3), 2016.0, 4.4, 12)
    assert name == "2010s horror films, poorly rated, little known"


def test_romantic_comedies_and_unknown_years() -> None:
    assert cluster_name(shares(Comedy=0.9, Romance=0.7), None, 6.0, 900) == (
        "romantic comedies, middling"
    )


def test_mixed_cluster_names_its_leading_genre() -> None:
    name = cluster_name(shares(Documentary=0.4, Music=0.3), 1975.0, 7.6, 50_000)
    assert name == "1970s mixed films, mostly documentaries, highly rated, widely seen"


def test_clusters_of_movies_without_genres_say_so() -> None:
    name = cluster_name(shares(Animation=0.06), 1982.0, 6.2, 500, untagged=0.9)
    assert name == "1980s films without a listed genre, middling"


def test_genre_matrix_is_movies_by_28_genres() -> None:
    matrix = genre_matrix(pd.Series(["Crime,Drama", "", "Sci-Fi"], index=[5, 6, 7]))
    assert matrix.shape == (3, 28)
    assert list(matrix.index) == [5, 6, 7]
    assert matrix.loc[5, "Crime"] and matrix.loc[5, "Drama"] and not matrix.loc[5, "Comedy"]
    assert not matrix.loc[6].any()
    assert matrix.loc[7, "Sci-Fi"]


def _movies() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "genres": ["Horror", "Horror,Thriller", "Comedy", "Comedy,Romance"],
            "year": [1980.0, 1984.0, 2001.0, np.nan],
            "rating": [5.0, 5.4, 7.0, 7.2],
            "votes": [100, 300, 5000, 7000],
            "cluster": [0, 0, 1, 1],
        }
    )


def test_summaries_per_cluster() -> None:
    movies = _movies()
    summaries = summarise(movies, genre_matrix(movies["genres"]))
    assert [s.size for s in summaries] == [2, 2]
    assert summaries[0].name == "1980s horror thrillers, poorly rated"  # Thriller: half
    assert summaries[0].top_genres[0] == ("Horror", 1.0)
    assert summaries[1].median_year == 2001.0


def test_write_report_files(tmp_path: Path) -> None:
    metrics = {
        "movies": 4, "k": 2, "algorithm": "KMeans", "inertia": 1.5, "silhouette": 0.4,
        "silhouette_sample": 4, "cluster_sizes": [2, 2], "smallest_cluster": 2,
        "largest_cluster": 2, "explained_variance_ratio": [0.6, 0.3],
        "explained_variance_total": 0.9,
    }  # fmt: skip
    manifest = Manifest(version="v1", created_at="now", counts={"movies": 4, "malformed_akas": 3})
    write_report(tmp_path, _movies(), metrics, manifest)
    for name in ("titles_per_year.png", "rating_vs_votes.png", "cluster_sizes.png",
                 "cluster_composition.png"):  # fmt: skip
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"({name})" in (tmp_path / "report.md").read_text()
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["inertia"] == 1.5
    assert [c["size"] for c in saved["clusters"]] == [2, 2]
    report = (tmp_path / "report.md").read_text()
    assert "1980s horror thrillers" in report
    assert "| malformed akas | 3 |" in report
