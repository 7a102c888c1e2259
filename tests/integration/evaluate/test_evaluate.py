"""`python -m bot evaluate` end to end on a small catalogue and a hand-made MovieLens folder
whose likes are known, so every figure can be checked by hand."""

import argparse
import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest

from bot.core.models import Movie
from bot.tools.cli import evaluate as evaluate_cli
from bot.tools.evaluate import (
    EvaluationError,
    MovieLens,
    PairCounts,
    add_typos,
    coverage_ceiling,
    format_table,
    read_movielens,
    run_evaluation,
    without_year,
)
from tests.fixtures.artifacts import write_artifact

# MovieLens ids -> (IMDb number, title as MovieLens writes it)
LINKS = {
    2: (133093, "Matrix, The (1999)"),
    4: (234215, "Matrix Reloaded, The (2003)"),
    6: (78748, "Alien (1979)"),
    8: (90605, "Aliens (1986)"),
    10: (68646, "Godfather, The (1972)"),
    12: (71562, "Godfather: Part II, The (1974)"),
    14: (110912, "Pulp Fiction (1994)"),
    16: (9999999, "Not In The Catalogue (2001)"),
}


def write_movielens(folder: Path, ratings: list[tuple[int, int, float]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "links.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["movieId", "imdbId", "tmdbId"])
        writer.writerows([mid, f"{imdb:07d}", ""] for mid, (imdb, _t) in LINKS.items())
    with (folder / "movies.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["movieId", "title", "genres"])
        writer.writerows([mid, title, "Drama"] for mid, (_i, title) in LINKS.items())
    with (folder / "ratings.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["userId", "movieId", "rating", "timestamp"])
        writer.writerows([user, mid, rating, 0] for user, mid, rating in ratings)
    return folder


def _ratings() -> list[tuple[int, int, float]]:
    out = []
    # Users 1-6 like the Matrix films and Alien; users 7-9 like the Godfathers; user 10
    # rates everything low, so MovieLens knows those films without anyone liking them.
    for user in range(1, 7):
        out += [(user, 2, 5.0), (user, 4, 4.5), (user, 6, 4.0)]
    for user in range(7, 10):
        out += [(user, 10, 5.0), (user, 12, 4.0)]
    out += [(10, mid, 2.0) for mid in (2, 8, 14)]
    return out


def test_reads_movielens_into_imdb_ids(tmp_path: Path) -> None:
    ml = read_movielens(write_movielens(tmp_path / "ml", _ratings()))
    assert ml.titles["tt0133093"] == "Matrix, The (1999)"
    assert ml.likes["tt0133093"] == {1, 2, 3, 4, 5, 6}
    assert "tt0090605" in ml.rated and "tt0090605" not in ml.likes
    assert ml.users == 10


def test_missing_files_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match=r"links\.csv"):
        read_movielens(tmp_path)


def test_lift_counts_by_hand() -> None:
    ml = MovieLens(titles={}, likes={"a": {1, 2}, "b": {2, 3, 4, 5}}, rated={"a", "b"}, users=10)
    counts = PairCounts()
    counts.add({1, 2}, "b", ml)  # 1 of the 2 likers likes b; base rate 4/10 -> lift 1.25
    counts.add({1, 2}, "zzz", ml)  # unknown to MovieLens
    row = counts.as_dict()
    assert row["coverage"] == 0.5 and row["colike_precision"] == 0.5
    assert row["mean_lift"] == pytest.approx(1.25) and row["pooled_lift"] == pytest.approx(1.25)


def test_the_coverage_ceiling_counts_the_most_voted_movies_movielens_knows() -> None:
    def film(tconst: str, votes: int, year: int) -> Movie:
        return Movie(tconst, tconst, tconst, year, 100, (), 7.0, votes, 0)

    catalogue = [
        film("tt1", 900, 1999),
        film("tt2", 800, 2001),
        film("tt3", 700, 2001),
        film("tt4", 999, 2020),  # newer than anything MovieLens rated: left out
        film("tt5", 1, 1990),
    ]
    ml = MovieLens(titles={}, likes={}, rated={"tt1", "tt3"}, users=10)
    assert coverage_ceiling(catalogue, ml) == {"most_voted": 4, "up_to_year": 2001, "coverage": 0.5}


def test_queries_are_degraded_as_described() -> None:
    assert without_year("Matrix, The (1999)") == "Matrix, The"
    assert without_year("Blade Runner 2049") == "Blade Runner 2049"
    rng = random.Random(1)
    typo = add_typos("Godfather", 2, rng)
    assert typo != "Godfather" and typo[0] == "G"


def test_run_evaluation_on_a_small_catalogue(tmp_path: Path) -> None:
    model = write_artifact(tmp_path / "model")
    ml_dir = write_movielens(tmp_path / "ml", _ratings())
    report = run_evaluation(
        model, ml_dir, tmp_path / "work", k=3, min_likers=3, draws=2, nonsense_queries=50
    )
    res = report["resolution"]
    assert res["movielens_titles"] == 8 and res["in_catalogue"] == 7
    assert res["as_written"]["top1"] == 1.0
    assert res["nonsense"]["declined"] >= 0.9
    rec = report["recommendations"]
    # Seeds: the Matrix (6 likers), Reloaded (6), Alien (6), the Godfather (3), Part II (3).
    assert rec["seeds"] == 5
    methods = rec["methods"]
    assert set(methods) == {
        "bot",
        "random_from_cluster",
        "random_from_catalogue",
        "most_voted_in_cluster",
    }
    assert all(0.0 <= row["colike_precision"] <= row["coverage"] <= 1.0 for row in methods.values())
    assert methods["bot"]["colike_precision"] > 0
    assert report["groups"]["methods"]["group"]["dev"]["films"] > 0
    assert set(report["targets"]) and all(isinstance(v, bool) for v in report["targets"].values())


def test_cli_prints_a_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = write_artifact(tmp_path / "model")
    ml_dir = write_movielens(tmp_path / "ml", _ratings())
    out = tmp_path / "report.json"
    parser = argparse.ArgumentParser()
    evaluate_cli.register(parser.add_subparsers())
    args = parser.parse_args(
        ["evaluate", "--movielens", str(ml_dir), "--catalogue", str(model), "--out", str(out),
         "--work-dir", str(tmp_path / "work"), "--k", "3", "--min-likers", "3", "--nonsense", "20"]
    )  # fmt: skip
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "as_written" in printed and "most_voted_in_cluster" in printed
    assert "coverage ceiling: MovieLens knows" in printed
    assert json.loads(out.read_text())["resolution"]["in_catalogue"] == 7


def test_cli_measures_only_the_movie_night_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = write_artifact(tmp_path / "model")
    ml_dir = write_movielens(tmp_path / "ml", _ratings())
    out = tmp_path / "report.json"
    parser = argparse.ArgumentParser()
    evaluate_cli.register(parser.add_subparsers())
    args = parser.parse_args(
        ["evaluate", "--movielens", str(ml_dir), "--catalogue", str(model), "--out", str(out),
         "--work-dir", str(tmp_path / "work"), "--only", "group", "--groups", "20"]
    )  # fmt: skip
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "movie night: 10 dev + 10 held-out groups of 3-5 users" in printed
    assert "as_written" not in printed  # the other parts were not measured
    report = json.loads(out.read_text())
    assert "resolution" not in report and "recommendations" not in report
    groups = report["groups"]
    assert set(groups["methods"]) == {"group", "one_member", "most_voted", "random"}
    for row in groups["methods"].values():
        assert all(0.0 <= row[half]["rate"] <= 1.0 for half in ("dev", "held_out"))
    assert groups["tuning"] and groups["best_baseline"] in groups["methods"]
    assert list(report["targets"]) == [
        "group shortlist liked by half the group >= 1.3x the best baseline's"
    ]


def test_cli_refuses_a_missing_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    evaluate_cli.register(parser.add_subparsers())
    args = parser.parse_args(
        ["evaluate", "--movielens", str(tmp_path), "--catalogue", str(tmp_path / "nope")]
    )
    assert args.func(args) == 1
    assert "not a directory" in capsys.readouterr().err


def test_the_honouring_part_runs_on_the_small_catalogue(tmp_path: Path) -> None:
    model = write_artifact(tmp_path / "model")
    ml_dir = write_movielens(tmp_path / "ml", _ratings())
    report = run_evaluation(
        model, ml_dir, tmp_path / "work", k=3, min_likers=3, draws=1, nonsense_queries=10,
        sentences=12,
    )  # fmt: skip
    honouring = report["honouring"]
    assert set(honouring) <= {"dev", "held_out"} and honouring
    for half in honouring.values():
        assert (
            half["elapsed_ms"]["n"] > 0 and half["elapsed_ms"]["p95"] >= half["elapsed_ms"]["p50"]
        )
        rows = [v for v in half.values() if isinstance(v, dict) and "rate" in v]
        assert rows and all(0.0 <= row["rate"] <= 1.0 for row in rows)
    assert "held-out constrained requests fully honoured >= 90%" in report["targets"]
    assert "honouring (whole answers)" in format_table(report)


def test_a_store_left_by_a_release_with_another_index_format_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.core import matching

    model = write_artifact(tmp_path / "model")
    ml_dir = write_movielens(tmp_path / "ml", _ratings())

    def evaluate() -> dict[str, Any]:
        return run_evaluation(
            model, ml_dir, tmp_path / "work", k=3, min_likers=3, draws=1, nonsense_queries=10
        )

    with monkeypatch.context() as older:
        older.setattr(matching, "FORMAT", matching.FORMAT - 1)  # the store of an older release
        evaluate()
    assert evaluate()["resolution"]["as_written"]["top1"] == 1.0
