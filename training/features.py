"""The feature pipeline: catalogue columns -> features (ColumnTransformer) -> PCA -> KMeans.

Features per movie:
  genres     multi-hot over IMDb's 28 genres (a fixed vocabulary, so every model has the same
             columns whatever the data)
  regions    where the movie was released, from all of its akas rows; TF-IDF weighted and
             normalised per movie, so a film shown in 60 countries is not "far" from one shown
             in 3 merely for having more rows, and ubiquitous regions (US, XWW) count little
  languages  the same for the akas' languages
  year, runtime, log(votes), rating: imputed (median) and standardised
The transformer weights keep genres the strongest signal: people asking for "movies like X"
mean the kind of film first, its era and standing next, and where it was released last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

IMDB_GENRES = (
    "Action", "Adult", "Adventure", "Animation", "Biography", "Comedy", "Crime", "Documentary",
    "Drama", "Family", "Fantasy", "Film-Noir", "Game-Show", "History", "Horror", "Music",
    "Musical", "Mystery", "News", "Reality-TV", "Romance", "Sci-Fi", "Short", "Sport",
    "Talk-Show", "Thriller", "War", "Western",
)  # fmt: skip
NUMERIC = ("year", "runtime", "rating")
WEIGHTS = {"genres": 1.0, "regions": 0.6, "languages": 0.4, "numbers": 0.45, "votes": 0.45}
# Above this many movies MiniBatchKMeans replaces KMeans: it fits the demo's 59k movies in about
# a second and 700k in seconds, with an inertia within a few percent of full-batch Lloyd
# iterations, which take tens of seconds already at 70k movies on two cores.
MINIBATCH_ABOVE = 40_000


class MultiHot(TransformerMixin, BaseEstimator):
    """Comma-joined labels ("Crime,Drama") -> a sparse 0/1 matrix, one column per label.

    scikit-learn's CountVectorizer/MultiLabelBinarizer tokenise row by row in Python, which takes
    over a minute for 700k movies and three such columns; Arrow splits and looks up all rows at
    once. `vocabulary` fixes the columns; otherwise the `max_features` most frequent labels
    (ties broken by name, so fitting is deterministic)."""

    def __init__(self, vocabulary: list[str] | None = None, max_features: int | None = None):
        self.vocabulary = vocabulary
        self.max_features = max_features

    @staticmethod
    def _labels(column: object) -> pa.ListArray:
        values = np.asarray(column, dtype=object).ravel()
        strings = pc.fill_null(pa.array(values, pa.string(), from_pandas=True), "")
        return pc.split_pattern(strings, ",")

    def fit(self, column: object, y: object = None) -> MultiHot:
        if self.vocabulary is not None:
            self.vocabulary_ = list(self.vocabulary)
            return self
        tokens = pc.list_flatten(self._labels(column))
        counts = pc.value_counts(tokens.filter(pc.greater(pc.utf8_length(tokens), 0)))
        ranked = sorted(
            zip(
                counts.field("counts").to_pylist(), counts.field("values").to_pylist(), strict=True
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        self.vocabulary_ = [label for _, label in ranked[: self.max_features]]
        return self

    def transform(self, column: object) -> sp.csr_matrix:
        lists = self._labels(column)
        n = len(lists)
        tokens = pc.list_flatten(lists)
        rows = pc.list_parent_indices(lists).to_numpy()
        cols = pc.index_in(tokens, value_set=pa.array(self.vocabulary_, pa.string()))
        known = cols.is_valid().to_numpy(zero_copy_only=False)
        matrix = sp.csr_matrix(
            (
                np.ones(int(known.sum()), dtype=np.float32),
                (rows[known], cols.drop_null().to_numpy()),
            ),
            shape=(n, len(self.vocabulary_)),
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0  # binary: a label listed twice counts once
        return matrix

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray(self.vocabulary_, dtype=object)


@dataclass(frozen=True)
class PipelineConfig:
    clusters: int = 40
    components: int = 12
    max_regions: int = 80
    max_languages: int = 40
    seed: int = 42
    algorithm: str = "auto"  # auto | kmeans | minibatch


def with_release_features(movies: pd.DataFrame, akas: pa.Table) -> pd.DataFrame:
    """Add `regions` and `languages` (comma-joined distinct codes over all akas rows)."""
    out = movies.copy()
    for column in ("region", "language"):
        rows = akas.select(["tconst", column]).filter(pc.is_valid(akas[column]))
        grouped = rows.group_by("tconst").aggregate([(column, "distinct")])
        joined = pc.binary_join(grouped[f"{column}_distinct"], ",")
        lookup = pd.Series(
            joined.to_pandas().to_numpy(),
            index=grouped["tconst"].to_pandas().to_numpy(),
            dtype=object,  # stays object when empty (no akas with this field)
        )
        out[f"{column}s"] = out["tconst"].map(lookup).astype(object).fillna("")
    return out


def feature_frame(movies: pd.DataFrame) -> pd.DataFrame:
    """The columns the pipeline consumes, in compact dtypes."""
    return pd.DataFrame(
        {
            "genres": movies["genres"].fillna("").astype(object),
            "regions": movies["regions"].astype(object) if "regions" in movies else "",
            "languages": movies["languages"].astype(object) if "languages" in movies else "",
            "year": movies["year"].astype("float32"),
            "runtime": movies["runtime"].astype("float32"),
            "rating": movies["rating"].astype("float32"),
            "votes": movies["votes"].astype("float32"),
        }
    )


def _has_tokens(column: pd.Series) -> bool:
    return bool((column.str.len() > 0).any())


def build_pipeline(features: pd.DataFrame, config: PipelineConfig) -> tuple[Pipeline, list[str]]:
    """The unfitted pipeline for these features, and the names of the feature groups it uses
    (regions/languages are left out when no movie has any, as in catalogues without akas)."""
    parts: list[tuple[str, object, object]] = [
        ("genres", MultiHot(vocabulary=list(IMDB_GENRES)), "genres"),
    ]
    for name, limit in (("regions", config.max_regions), ("languages", config.max_languages)):
        if _has_tokens(features[name]):
            parts.append(
                (
                    name,
                    Pipeline(
                        [("labels", MultiHot(max_features=limit)), ("tfidf", TfidfTransformer())]
                    ),
                    name,
                )
            )
    parts.append(
        (
            "numbers",
            Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]),
            list(NUMERIC),
        )
    )
    parts.append(
        (
            "votes",
            Pipeline([("log", FunctionTransformer(np.log1p)), ("scale", StandardScaler())]),
            ["votes"],
        )
    )
    names = [name for name, _, _ in parts]
    columns = ColumnTransformer(
        parts,
        sparse_threshold=0.0,
        transformer_weights={name: WEIGHTS[name] for name in names},
    )
    n_movies = len(features)
    minibatch = config.algorithm == "minibatch" or (
        config.algorithm == "auto" and n_movies > MINIBATCH_ABOVE
    )
    clusterer: KMeans | MiniBatchKMeans
    if minibatch:
        clusterer = MiniBatchKMeans(
            n_clusters=config.clusters,
            batch_size=8192,
            n_init=3,
            max_no_improvement=20,
            random_state=config.seed,
        )
    else:
        clusterer = KMeans(n_clusters=config.clusters, n_init=3, random_state=config.seed)
    pipeline = Pipeline(
        [
            ("features", columns),
            ("pca", PCA(n_components=config.components, random_state=config.seed)),
            ("kmeans", clusterer),
        ]
    )
    feature_names = [*(n for n in names if n not in ("numbers", "votes")), *NUMERIC, "log_votes"]
    return pipeline, feature_names
