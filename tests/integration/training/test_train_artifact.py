"""`training.train` end to end on small data written here: the artifact honours the contract
(read back with the bot's stdlib reader), and each bad input gives one clear line and leaves no
half-written model."""

from __future__ import annotations

import csv
import gzip
import json
import math
from pathlib import Path

import pytest

from bot.core.artifact import TITLE_INDEX_FILE, iter_akas, iter_movies, read_manifest
from bot.core.matching import TitleIndex
from tests.fixtures.imdb_files import (
    AKAS,
    BASICS,
    RATINGS,
    RATINGS_HEADER,
    aka,
    movie,
    write_imdb,
    write_tsv,
)
from training.generate import generate
from training.train import main


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """IMDb-shaped data at 1/2000 of full scale: ~6k titles of every type, ~360 rated movies."""
    out = tmp_path_factory.mktemp("imdb")
    generate(out, scale=0.0005, seed=3)
    return out


@pytest.fixture(scope="module")
def model(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    model_dir = tmp_path_factory.mktemp("out") / "model"
    assert main(["--data-dir", str(generated), "--model-dir", str(model_dir),
                 "--clusters", "8", "--components", "5"]) == 0  # fmt: skip
    return model_dir


def test_artifact_reads_back_through_the_bot_reader(model: Path, generated: Path) -> None:
    manifest = read_manifest(model)
    movies = list(iter_movies(model))
    akas = list(iter_akas(model))
    assert manifest.k == 8
    assert manifest.coordinates == ("pc1", "pc2", "pc3", "pc4", "pc5")
    assert manifest.counts["movies"] == len(movies) > 100
    assert manifest.counts["akas"] == len(akas) > 0
    assert {m.cluster for m in movies} == set(range(8))
    assert all(len(m.coords) == 5 for m in movies)
    assert all(m.tconst.startswith("tt") and m.rating > 0 and m.votes > 0 for m in movies)
    # Generated data carries one malformed row per file and chunk: counted, not fatal.
    counts = manifest.counts
    assert counts["malformed_basics"] >= 1 and counts["malformed_akas"] >= 1
    assert counts["basics_rows"] > counts["movies"]
    titles = {m.tconst: m.title.casefold() for m in movies}
    assert all(title.casefold() != titles[tconst] for tconst, title in akas)
    assert len(set(akas)) == len(akas)


def test_the_artifact_carries_the_title_index_the_loader_would_build(model: Path) -> None:
    carried = (model / TITLE_INDEX_FILE).read_bytes()
    movies = list(iter_movies(model))
    built = TitleIndex.build(movies, iter_akas(model))
    assert carried == built.to_bytes()  # the same bytes as from the CSVs the loader reads
    assert TitleIndex.fits(carried, (m.tconst for m in movies))
    assert len(built) == len(movies) and built.entries > len(movies)


def test_manifest_describes_the_run(model: Path) -> None:
    manifest = read_manifest(model)
    written = json.loads((model / "manifest.json").read_text())
    # Every key is a typed field, written in the order training always wrote them.
    assert list(written) == ["version", "created_at", "counts", "k", "features", "coordinates",
                             "centres", "parameters", "libraries", "metrics", "clusters",
                             "seconds"]  # fmt: skip
    assert manifest.to_dict() == written and not manifest.extra
    assert manifest.libraries and {"scikit-learn", "pandas"} <= set(manifest.libraries)
    assert manifest.features and manifest.features[0] == "genres"
    assert sum(manifest.cluster_sizes) == manifest.counts["movies"]
    assert 0 < manifest.scalar_metrics["explained_variance_total"] <= 1
    assert manifest.clusters and len(manifest.clusters) == 8
    assert (model / "pipeline.joblib").stat().st_size > 0
    report = (model / "report" / "report.md").read_text()
    assert all(name in report for name in manifest.clusters.values())
    assert json.loads((model / "report" / "metrics.json").read_text())["k"] == 8


def test_the_centres_are_the_clusters_means_in_the_coordinates(model: Path) -> None:
    """KMeans's centres: each near the mean of its cluster's coordinates (MiniBatchKMeans's
    last step moves them a little), nearer to it than any other centre is."""
    centres = read_manifest(model).centres
    assert centres is not None and len(centres) == 8 and all(len(c) == 5 for c in centres)
    movies = list(iter_movies(model))
    for cluster in range(len(centres)):
        coords = [m.coords for m in movies if m.cluster == cluster]
        mean = [sum(values) / len(coords) for values in zip(*coords, strict=True)]
        distances = [math.dist(mean, other) for other in centres]
        assert distances.index(min(distances)) == cluster


def test_generated_akas_give_countries_and_languages(model: Path) -> None:
    movies = list(iter_movies(model))
    with_country = [m for m in movies if m.countries]
    assert len(with_country) > len(movies) // 4
    assert all(1 <= len(m.countries) <= 3 for m in with_country)
    assert all(code.isalpha() and code.isupper() for m in movies for code in m.countries)
    assert all(code.isalpha() and code.islower() for m in movies for code in m.languages)


def test_each_run_is_a_new_version_and_replaces_the_model(tmp_path: Path) -> None:
    data = write_imdb(tmp_path / "data")
    model_dir = tmp_path / "model"
    args = ["--data-dir", str(data), "--model-dir", str(model_dir), "--clusters", "3"]
    assert main(args) == 0
    first = read_manifest(model_dir).version
    assert main(args) == 0
    assert read_manifest(model_dir).version != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "model"]  # no staging left


def test_min_votes_and_output_data_dir(generated: Path, tmp_path: Path) -> None:
    model_dir, output = tmp_path / "model", tmp_path / "output"
    assert main(["--data-dir", str(generated), "--model-dir", str(model_dir), "--clusters", "3",
                 "--min-votes", "50", "--output-data-dir", str(output)]) == 0  # fmt: skip
    assert all(m.votes >= 50 for m in iter_movies(model_dir))
    assert (output / "report" / "report.md").is_file()


def test_small_hand_made_catalogue(tmp_path: Path) -> None:
    """The oddities of the real files, read all the way into the artifact."""
    data = write_imdb(tmp_path / "data", suffix=".tsv")
    model_dir = tmp_path / "model"
    assert main(["--data-dir", str(data), "--model-dir", str(model_dir), "--clusters", "3"]) == 0
    movies = {m.tconst: m for m in iter_movies(model_dir)}
    assert set(movies) == {"tt0000001", "tt0000002", "tt0000003", "tt0000004", "tt0000005",
                           "tt0000010", "tt0000011", "tt0000012"}  # fmt: skip
    assert movies["tt0000001"].title == 'The "Crocodile'
    assert movies["tt0000005"].year is None and movies["tt0000005"].genres == ()
    assert movies["tt0000002"].original_title == "Le fabuleux destin d'Amélie Poulain"
    akas = set(iter_akas(model_dir))
    assert ("tt0000003", "Les sept samouraïs") in akas
    assert ("tt0000011", "Il padrino") in akas
    assert ("tt0000003", "Seven Samurai") not in akas  # same as the primary title
    assert ("tt0000002", "AMÉLIE") not in akas  # differs only in case
    assert not any(tconst == "tt0000006" for tconst, _ in akas)  # adult: not in the catalogue
    assert (read_manifest(model_dir).features or ())[:2] == ("genres", "regions")
    # No aka shows these original titles in a region: origins unknown.
    assert all(m.countries == () and m.languages == () for m in movies.values())


def test_countries_and_languages_of_origin_reach_the_artifact(tmp_path: Path) -> None:
    akas = [
        *AKAS,
        aka("tt0000003", 5, "Shichinin no samurai", "JP"),
        aka("tt0000010", 1, "Heat", "US"),
        aka("tt0000010", 2, "Heat", "FR"),
        aka("tt0000011", 3, "The Godfather", "XWW", "en"),  # worldwide: no country
    ]
    data = write_imdb(tmp_path / "data", akas=akas)
    model_dir = tmp_path / "model"
    assert main(["--data-dir", str(data), "--model-dir", str(model_dir), "--clusters", "3"]) == 0
    movies = {m.tconst: m for m in iter_movies(model_dir)}
    assert (movies["tt0000003"].countries, movies["tt0000003"].languages) == (("JP",), ("ja",))
    assert (movies["tt0000010"].countries, movies["tt0000010"].languages) == (("US",), ("en",))
    assert movies["tt0000011"].countries == () and movies["tt0000002"].countries == ()
    with gzip.open(model_dir / "movies.csv.gz", "rt", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[9:12] == ["countries", "languages", "pc1"]


def test_catalogue_without_regions_like_the_demo(tmp_path: Path) -> None:
    """The demo catalogue's ids are not tt..., and its akas have no region or language."""
    basics = [movie(f"dm{i:07d}", f"Film {i}", 1950 + i, ["Comedy", "Drama", "Action"][i % 3])
              for i in range(1, 31)]  # fmt: skip
    ratings = [(f"dm{i:07d}", f"{5 + i % 4}.0", str(10 * i)) for i in range(1, 31)]
    akas = [aka(f"dm{i:07d}", 1, f"Film {i}", original=True) for i in range(1, 31)]
    data = write_imdb(tmp_path / "data", basics, ratings, akas)
    model_dir = tmp_path / "model"
    assert main(["--data-dir", str(data), "--model-dir", str(model_dir), "--clusters", "3"]) == 0
    manifest = read_manifest(model_dir)
    assert manifest.counts["movies"] == 30
    assert "regions" not in (manifest.features or ())
    assert manifest.counts["akas"] == 0


# --- bad input: one line naming the file and the problem, no traceback, no artifact ----------


def run_failing(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                *extra: str) -> str:  # fmt: skip
    model_dir = tmp_path / "model"
    code = main(["--data-dir", str(data), "--model-dir", str(model_dir), "--clusters", "3", *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    assert not model_dir.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".model")] == []
    return err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_imdb(tmp_path / "data")
    (data / "title.akas.tsv.gz").unlink()
    err = run_failing(data, tmp_path, capsys)
    assert "title.akas.tsv.gz: missing" in err


def test_truncated_gzip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [movie(f"tt{i:07d}", f"Film {i}", 2000, "Drama") for i in range(20000)]
    data = write_imdb(tmp_path / "data", basics=rows)
    path = data / "title.basics.tsv.gz"
    path.write_bytes(path.read_bytes()[:-2000])
    err = run_failing(data, tmp_path, capsys)
    assert str(path) in err and "truncated or corrupt gzip" in err


def test_empty_catalogue_after_filtering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_imdb(tmp_path / "data")
    err = run_failing(data, tmp_path, capsys, "--min-votes", "100000000")
    assert "title.basics.tsv.gz: no movie titles left after filtering" in err


def test_only_malformed_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_imdb(tmp_path / "data")
    write_tsv(data / "title.ratings.tsv.gz", RATINGS_HEADER, [(row[0], "x") for row in RATINGS])
    err = run_failing(data, tmp_path, capsys)
    assert "no movie titles left" in err


def test_fewer_movies_than_clusters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_imdb(tmp_path / "data")
    err = run_failing(data, tmp_path, capsys, "--clusters", "50")
    assert "only 8 movies for 50 clusters" in err


def test_impossible_parameters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 40 movies without akas regions have 32 features (28 genres, 4 numbers): not 40 components.
    basics = [movie(f"tt{i:07d}", f"Film {i}", 1950 + i, "Drama") for i in range(1, 41)]
    ratings = [(f"tt{i:07d}", "6.0", str(10 * i)) for i in range(1, 41)]
    data = write_imdb(tmp_path / "data", basics, ratings, [])
    err = run_failing(data, tmp_path, capsys, "--components", "500")
    assert "cannot fit the pipeline with these parameters" in err


def test_a_failed_run_keeps_the_previous_model(tmp_path: Path) -> None:
    data = write_imdb(tmp_path / "data", BASICS, RATINGS, AKAS)
    model_dir = tmp_path / "model"
    assert main(["--data-dir", str(data), "--model-dir", str(model_dir), "--clusters", "3"]) == 0
    before = read_manifest(model_dir).version
    with gzip.open(data / "title.akas.tsv.gz", "wb") as handle:
        handle.write(b"")
    assert main(["--data-dir", str(data), "--model-dir", str(model_dir), "--clusters", "3"]) == 2
    assert read_manifest(model_dir).version == before
    assert len(list(iter_movies(model_dir))) == 8
