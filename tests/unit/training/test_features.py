"""The feature pipeline: multi-hot labels, release features from all akas, the pipeline shape."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from training.features import (
    IMDB_GENRES,
    MultiHot,
    PipelineConfig,
    build_pipeline,
    feature_frame,
    with_release_features,
)


def test_imdb_has_28_genres() -> None:
    assert len(IMDB_GENRES) == 28 == len(set(IMDB_GENRES))


def test_multihot_with_a_fixed_vocabulary() -> None:
    hot = MultiHot(vocabulary=["Action", "Comedy", "Drama"]).fit(pd.Series(["x"]))
    matrix = hot.transform(pd.Series(["Drama,Action", "", None, "Comedy,Comedy", "Western"]))
    assert matrix.toarray().tolist() == [
        [1, 0, 1],
        [0, 0, 0],
        [0, 0, 0],
        [0, 1, 0],  # listed twice, counted once
        [0, 0, 0],  # not in the vocabulary
    ]
    assert list(hot.get_feature_names_out()) == ["Action", "Comedy", "Drama"]


def test_multihot_learns_the_most_frequent_labels() -> None:
    column = pd.Series(["US,FR", "US", "US,DE", "FR", "JP"])
    hot = MultiHot(max_features=2).fit(column)
    assert hot.vocabulary_ == ["US", "FR"]
    assert hot.transform(pd.Series(["JP,FR"])).toarray().tolist() == [[0, 1]]


def test_multihot_pickles() -> None:
    hot = MultiHot(max_features=3).fit(pd.Series(["a,b", "b"]))
    again = pickle.loads(pickle.dumps(hot))
    assert again.vocabulary_ == hot.vocabulary_


def test_release_features_use_every_aka_row() -> None:
    movies = pd.DataFrame({"tconst": ["tt1", "tt2", "tt3"]})
    akas = pa.table(
        {
            "tconst": ["tt1", "tt1", "tt1", "tt1", "tt2"],
            "title": ["a", "b", "c", "d", "e"],
            "region": [None, "FR", "DE", "FR", None],
            "language": [None, "fr", None, None, None],
        }
    )
    out = with_release_features(movies, akas).set_index("tconst")
    assert sorted(out.loc["tt1", "regions"].split(",")) == ["DE", "FR"]
    assert out.loc["tt1", "languages"] == "fr"
    assert out.loc["tt2", "regions"] == "" and out.loc["tt3", "regions"] == ""


def _catalogue(n: int, regions: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    genres = np.array(["Drama", "Comedy", "Horror,Thriller", "Documentary", "Action,Sci-Fi"])
    frame = pd.DataFrame(
        {
            "genres": genres[rng.integers(0, len(genres), n)],
            "year": rng.integers(1920, 2024, n).astype("float32"),
            "runtime": rng.normal(100, 20, n).astype("float32"),
            "rating": rng.uniform(2, 9, n).astype("float32"),
            "votes": rng.integers(5, 100_000, n),
        }
    )
    frame.loc[::9, "year"] = np.nan  # unknown years are imputed
    frame["regions"] = np.where(rng.random(n) < 0.5, "US,FR", "JP") if regions else ""
    frame["languages"] = ""
    return frame


@pytest.mark.parametrize("regions", [True, False])
def test_pipeline_fits_and_names_its_features(regions: bool) -> None:
    features = feature_frame(_catalogue(300, regions))
    pipeline, names = build_pipeline(features, PipelineConfig(clusters=5, components=4))
    labels = pipeline.fit_predict(features)
    assert set(labels) == set(range(5))
    assert pipeline[:-1].transform(features).shape == (300, 4)
    assert ("regions" in names) is regions
    assert "languages" not in names  # no movie has a language: the group is left out
    assert names[-4:] == ["year", "runtime", "rating", "log_votes"]


def test_large_catalogues_use_minibatch_kmeans() -> None:
    features = feature_frame(_catalogue(50, False))
    small, _ = build_pipeline(features, PipelineConfig(clusters=3))
    forced, _ = build_pipeline(features, PipelineConfig(clusters=3, algorithm="minibatch"))
    assert type(small.named_steps["kmeans"]).__name__ == "KMeans"
    assert type(forced.named_steps["kmeans"]).__name__ == "MiniBatchKMeans"
