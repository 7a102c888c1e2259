"""Train the movie clusters: IMDb TSVs -> the model artifact (see bot/core/artifact.py).

The same script runs on a laptop and as a SageMaker script-mode job: hyperparameters are
command-line flags, and SageMaker's SM_CHANNEL_IMDB (or SM_CHANNEL_TRAIN), SM_MODEL_DIR and
SM_OUTPUT_DATA_DIR are the defaults when set.

    python -m training.train --data-dir DIR --model-dir DIR [--clusters 40] [--min-votes 0]

The catalogue is IMDb's `movie` titles that are not adult and have a rating. `tvMovie` is left
out by default: made-for-TV films are mostly sparsely rated television productions, and someone
asking for "movies like X" expects films that were released as films; `--title-types
movie,tvMovie` puts them back.

The artifact is written into a temporary directory beside the model directory and renamed into
place only when complete, so a failed run never leaves a half-written model behind.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sklearn.pipeline import Pipeline

if __name__ == "__main__" and not __package__:
    # Run as a file, as SageMaker's script mode does (`python training/train.py --clusters 40`):
    # the folder above training/ must be importable for the `training` package's modules.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.artifact import (
    AKAS_FILE,
    MANIFEST_FILE,
    MOVIES_FILE,
    PIPELINE_FILE,
    REPORT_DIR,
    TITLE_INDEX_FILE,
)
from bot.core.clock import format_utc
from bot.core.manifest import Manifest
from bot.core.matching import CatalogueTitles, TitleIndex
from bot.core.popularity import PERCENTILES_METRIC, votes_percentiles
from training import imdb
from training.features import (
    PipelineConfig,
    build_pipeline,
    feature_frame,
    with_release_features,
)
from training.origins import with_origins
from training.progress import Progress
from training.report import compute_metrics, write_report

COORD_DECIMALS = 4
LIBRARIES = ("scikit-learn", "numpy", "pandas", "pyarrow", "scipy", "joblib", "matplotlib")


class TrainingError(Exception):
    """A problem the user can fix (bad input, impossible parameters): one line, no traceback."""


def str2bool(text: str) -> bool:
    """SageMaker passes hyperparameters as strings: "False" must mean False."""
    value = str(text).strip().lower()
    if value in ("1", "true", "yes", "y", "on"):
        return True
    if value in ("0", "false", "no", "n", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean (true/false), got {text!r}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _env_path(*names: str) -> str | None:
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    return None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m training.train",
        description="Cluster the IMDb movie catalogue into a model artifact.",
    )
    data_default = _env_path("SM_CHANNEL_IMDB", "SM_CHANNEL_TRAIN", "SM_CHANNEL_TRAINING")
    model_default = _env_path("SM_MODEL_DIR")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=data_default,
        required=data_default is None,
        help="folder with title.basics/ratings/akas .tsv[.gz] (SM_CHANNEL_IMDB)",
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=model_default,
        required=model_default is None,
        help="where the artifact goes (SM_MODEL_DIR)",
    )
    parser.add_argument(
        "--output-data-dir",
        type=Path,
        default=_env_path("SM_OUTPUT_DATA_DIR"),
        help="also copy the report here (SM_OUTPUT_DATA_DIR)",
    )
    parser.add_argument("--clusters", type=_positive, default=40, help="k of KMeans (40)")
    parser.add_argument(
        "--components", type=_positive, default=12, help="PCA components kept as coordinates (12)"
    )
    parser.add_argument(
        "--min-votes", type=int, default=0, help="leave out movies with fewer votes"
    )
    parser.add_argument(
        "--title-types",
        default="movie",
        help="comma-separated IMDb title types in the catalogue (movie)",
    )
    parser.add_argument(
        "--algorithm",
        choices=("auto", "kmeans", "minibatch"),
        default="auto",
        help="auto: MiniBatchKMeans above 40k movies, else KMeans",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--write-akas", type=str2bool, default=True, help="write akas.csv.gz (true/false)"
    )
    parser.add_argument(
        "--progress",
        type=str2bool,
        default=None,
        help="progress lines (default: only on a terminal)",
    )
    return parser.parse_args(argv)


def load_catalogue(
    data_dir: Path, args: argparse.Namespace, progress: Progress
) -> tuple[pd.DataFrame, pa.Table, dict[str, int]]:
    """The movies (with regions/languages from all akas, countries/languages of origin from
    the akas of the original title) and their alternate titles. The akas rows themselves are
    dropped here, before fitting needs the memory."""
    paths = {
        name: imdb.find_file(data_dir, name) for name in (imdb.BASICS, imdb.RATINGS, imdb.AKAS)
    }
    ratings, r_stats = imdb.read_ratings(paths[imdb.RATINGS], args.min_votes, progress)
    types = [t.strip() for t in args.title_types.split(",") if t.strip()]
    basics, b_stats = imdb.read_basics(
        paths[imdb.BASICS], imdb.IdSet(_strings(ratings["tconst"])), types, progress
    )
    movies = basics.merge(ratings, on="tconst", how="inner", validate="one_to_one")
    if movies.empty:
        raise TrainingError(
            f"{paths[imdb.BASICS]}: no {'/'.join(types)} titles left after filtering (not adult, "
            f"rated in {paths[imdb.RATINGS].name}, at least {args.min_votes} votes)"
        )
    movies = movies.sort_values("tconst", kind="stable").reset_index(drop=True)
    akas, a_stats = imdb.read_akas(
        paths[imdb.AKAS], imdb.IdSet(_strings(movies["tconst"])), progress
    )
    counts = {
        "basics_rows": b_stats.rows,
        "ratings_rows": r_stats.rows,
        "akas_rows": a_stats.rows,
        "movies": len(movies),
        "malformed_basics": b_stats.malformed,
        "malformed_ratings": r_stats.malformed,
        "malformed_akas": a_stats.malformed,
    }
    alternates = (
        alternate_titles(movies, akas)
        if args.write_akas
        else pa.table({"tconst": pa.array([], pa.string()), "title": pa.array([], pa.string())})
    )
    return with_origins(with_release_features(movies, akas), akas), alternates, counts


def alternate_titles(movies: pd.DataFrame, akas: pa.Table) -> pa.Table:
    """Distinct akas titles that differ from the movie's primary title (ignoring case and
    surrounding space): the other names people may type. The first spelling of each is kept,
    movies in catalogue order. Millions of rows, so no string joins or string group-bys: rows
    are tied to movies by index, and (movie, title key) pairs deduplicated as integers."""
    titles = akas.select(["tconst", "title"]).filter(pc.is_valid(akas["title"]))
    movie_index = pc.index_in(titles["tconst"], value_set=_strings(movies["tconst"]))
    keys = pc.utf8_lower(pc.utf8_trim_whitespace(titles["title"]))
    primary = pc.utf8_lower(pc.utf8_trim_whitespace(_strings(movies["title"])))
    differs = pc.and_(
        pc.not_equal(keys, pc.take(primary, movie_index)),
        pc.greater(pc.utf8_length(keys), 0),
    )
    keep = pc.fill_null(differs, False)
    titles, keys = titles.filter(keep), keys.filter(keep)
    movie_of = pc.drop_null(movie_index.filter(keep)).to_numpy().astype(np.int64)
    codes = pc.dictionary_encode(keys).combine_chunks()
    pairs = movie_of * max(len(codes.dictionary), 1) + codes.indices.to_numpy()
    _, first = np.unique(pairs, return_index=True)  # sorted by movie, then by key
    return titles.take(pa.array(first))


def _strings(column: pd.Series) -> pa.Array:
    return pa.array(column.to_numpy(dtype=object), pa.string(), from_pandas=True)


def write_csv_gz(path: Path, table: pa.Table) -> None:
    """Arrow writes CSV (RFC 4180 quoting, empty for null) ten times faster than pandas; gzip
    level 3 is near level 6 in size at a third of the time."""
    with gzip.GzipFile(path, "wb", compresslevel=3, mtime=0) as handle:
        pacsv.write_csv(table, handle)


def fit(
    movies: pd.DataFrame, args: argparse.Namespace, progress: Progress
) -> tuple[Pipeline, list[str], np.ndarray, np.ndarray]:
    features = feature_frame(movies)
    if len(features) < args.clusters:
        raise TrainingError(
            f"only {len(features):,} movies for {args.clusters} clusters: lower --clusters "
            f"or --min-votes"
        )
    config = PipelineConfig(
        clusters=args.clusters,
        components=min(args.components, len(features)),
        seed=args.seed,
        algorithm=args.algorithm,
    )
    pipeline, feature_names = build_pipeline(features, config)
    progress.start(f"fitting {config.clusters} clusters on {len(features):,} movies")
    # Features and PCA are computed once: the coordinates are both KMeans's input and output.
    try:
        coords = pipeline[:-1].fit_transform(features)
        labels = pipeline[-1].fit_predict(coords)
    except ValueError as exc:  # e.g. more --components than the catalogue has features
        first_line = str(exc).strip().splitlines()[0]
        raise TrainingError(
            f"cannot fit the pipeline with these parameters: {first_line}"
        ) from None
    progress.done()
    return pipeline, feature_names, np.asarray(labels), np.asarray(coords)


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _whole(values: pd.Series) -> pa.Array:
    numbers = values.to_numpy(dtype="float64")
    return pa.array(np.round(np.nan_to_num(numbers)).astype("int32"), mask=np.isnan(numbers))


def write_movies(
    path: Path, movies: pd.DataFrame, labels: np.ndarray, coords: np.ndarray
) -> list[str]:
    names = [f"pc{i + 1}" for i in range(coords.shape[1])]
    columns = {
        "tconst": _strings(movies["tconst"]),
        "title": _strings(movies["title"]),
        "original_title": _strings(movies["original_title"]),
        "year": _whole(movies["year"]),
        "runtime": _whole(movies["runtime"]),
        "genres": _strings(movies["genres"]),
        "rating": pa.array(np.round(movies["rating"].to_numpy(dtype="float64"), 1)),
        "votes": pa.array(movies["votes"].to_numpy(dtype="int64")),
        "cluster": pa.array(labels.astype("int32")),
        "countries": _strings(movies["origin_countries"]),
        "languages": _strings(movies["origin_languages"]),
    }
    rounded = np.round(coords.astype("float64"), COORD_DECIMALS)
    for i, name in enumerate(names):
        columns[name] = pa.array(rounded[:, i])
    write_csv_gz(path, pa.table(columns))
    return names


def centres(pipeline: Pipeline) -> tuple[tuple[float, ...], ...]:
    """The clusters' centres in the coordinates' space (KMeans is fitted on the coordinates),
    rounded as the coordinates are."""
    rounded = np.round(np.asarray(pipeline[-1].cluster_centers_, dtype="float64"), COORD_DECIMALS)
    return tuple(tuple(row) for row in rounded.tolist())


def write_title_index(path: Path, movies: pd.DataFrame, alternates: pa.Table) -> int:
    """The title index over exactly what the artifact's CSVs hold, as the loader would build it
    from them, so that the loader only has to store it. Returns its size in bytes."""
    titles = _strings(movies["title"]).to_pylist()
    originals = _strings(movies["original_title"]).to_pylist()
    catalogue = CatalogueTitles(
        tconst=_strings(movies["tconst"]).to_pylist(),
        title=titles,
        original_title=[o or t for o, t in zip(originals, titles, strict=True)],
        year=_whole(movies["year"]).to_pylist(),
        votes=movies["votes"].to_numpy(dtype="int64").tolist(),
    )
    akas = zip(alternates["tconst"].to_pylist(), alternates["title"].to_pylist(), strict=True)
    blob = TitleIndex.from_titles(catalogue, ((t, a) for t, a in akas if t and a)).to_bytes()
    path.write_bytes(blob)
    return len(blob)


def publish(staging: Path, model_dir: Path) -> None:
    """Put the finished artifact at model_dir in (nearly) one step: rename it into place, or,
    where model_dir is a mount that cannot be replaced (SageMaker's /opt/ml/model), empty it and
    move the files in, manifest last so a reader never sees a manifest without its files."""
    if not model_dir.exists():
        staging.replace(model_dir)
        return
    old = model_dir.with_name(f".{model_dir.name}.old-{secrets.token_hex(4)}")
    try:
        model_dir.replace(old)
    except OSError:
        for child in model_dir.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        entries = sorted(staging.iterdir(), key=lambda p: p.name == MANIFEST_FILE)
        for child in entries:
            shutil.move(str(child), model_dir / child.name)
        staging.rmdir()
        return
    staging.replace(model_dir)
    shutil.rmtree(old, ignore_errors=True)


def run(args: argparse.Namespace) -> Manifest:
    """Train and write the artifact; returns the manifest."""
    progress = Progress(enabled=args.progress)
    started = time.perf_counter()
    movies, alternates, counts = load_catalogue(args.data_dir, args, progress)
    pipeline, feature_names, labels, coords = fit(movies, args, progress)
    movies["cluster"] = labels

    model_dir: Path = args.model_dir
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{model_dir.name}.tmp-", dir=model_dir.parent))
    try:
        progress.start("writing the artifact")
        coord_names = write_movies(staging / MOVIES_FILE, movies, labels, coords)
        write_csv_gz(staging / AKAS_FILE, alternates)
        counts["akas"] = alternates.num_rows
        progress.done(f"{len(movies):,} movies, {alternates.num_rows:,} alternate titles")
        progress.start("building the title index")
        index_bytes = write_title_index(staging / TITLE_INDEX_FILE, movies, alternates)
        progress.done(f"{index_bytes / 1e6:.1f} MB")
        progress.start("writing the report")
        joblib.dump(pipeline, staging / PIPELINE_FILE, compress=3)
        metrics = compute_metrics(pipeline, coords, labels, args.seed)
        # What "popular" / "lesser known" mean in votes in this catalogue (bot.core.popularity).
        metrics[PERCENTILES_METRIC] = votes_percentiles(movies["votes"].to_numpy().tolist())
        now = datetime.now(UTC)
        manifest = Manifest(
            version=f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}",
            created_at=format_utc(now),
            counts=counts,
            k=int(args.clusters),
            features=tuple(feature_names),
            coordinates=tuple(coord_names),
            centres=centres(pipeline),
            parameters={
                "clusters": args.clusters,
                "components": len(coord_names),
                "min_votes": args.min_votes,
                "title_types": args.title_types,
                "algorithm": metrics["algorithm"],
                "seed": args.seed,
            },
            libraries=_versions(),
            metrics=metrics,
        )
        summaries = write_report(staging / REPORT_DIR, movies, metrics, manifest, args.seed)
        manifest = dataclasses.replace(
            manifest,
            clusters={str(s.cluster): s.name for s in summaries},
            seconds=round(time.perf_counter() - started, 1),
        )
        text = json.dumps(manifest.to_dict(), indent=2)
        (staging / MANIFEST_FILE).write_text(text, encoding="utf-8")
        progress.done()
        publish(staging, model_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if args.output_data_dir:
        shutil.copytree(
            model_dir / REPORT_DIR, Path(args.output_data_dir) / REPORT_DIR, dirs_exist_ok=True
        )
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        manifest = run(args)
    except (TrainingError, imdb.DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    silhouette = manifest.scalar_metrics.get("silhouette")
    print(
        f"model {manifest.version}: {manifest.counts['movies']:,} movies in {manifest.k} "
        f"clusters, {manifest.counts['akas']:,} alternate titles, silhouette "
        f"{'n/a' if silhouette is None else f'{silhouette:.3f}'}, {manifest.seconds} s "
        f"-> {args.model_dir}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
