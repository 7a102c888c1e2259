"""`python -m bot load MODEL_DIR`: one line out; a bad artifact is one clear line and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.adapters.store.sqlite import SqliteStore

from .helpers import version_artifact


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var" / "moviebot.sqlite"
    monkeypatch.setenv("MOVIEBOT_STORE", f"sqlite:///{path}")
    return path


def test_load_prints_one_summary_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(version_artifact(tmp_path, "v1"))]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("loaded version v1: 35 movies, 7 alternate")
    assert main(["load", str(tmp_path / "v1")]) == 0
    assert capsys.readouterr().out == "version v1 is already active (35 movies)\n"
    store = SqliteStore(db)
    assert store.active().version == "v1"  # type: ignore[union-attr]
    store.close()


def test_drop_previous_keeps_only_the_new_version(db: Path, tmp_path: Path) -> None:
    assert main(["load", str(version_artifact(tmp_path, "v1"))]) == 0
    assert main(["load", "--drop-previous", str(version_artifact(tmp_path, "v2"))]) == 0
    store = SqliteStore(db)
    assert [s.version for s in store.versions()] == ["v2"]
    store.close()


def break_manifest(model: Path) -> None:
    (model / "manifest.json").write_text("{not json")


def drop_movies(model: Path) -> None:
    (model / "movies.csv.gz").unlink()


def truncate_movies(model: Path) -> None:
    data = (model / "movies.csv.gz").read_bytes()
    (model / "movies.csv.gz").write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (break_manifest, "manifest.json: not valid JSON"),
        (drop_movies, "movies.csv.gz: missing"),
        (truncate_movies, "movies.csv.gz: unreadable gzip"),
    ],
)
def test_a_bad_artifact_is_one_clear_line_and_exit_1(
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    model = version_artifact(tmp_path, "v1")
    damage(model)
    assert main(["load", str(model)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("load: ")
    assert message in captured.err
    store = SqliteStore(db)
    assert store.active() is None
    store.close()


def test_a_missing_directory_or_store_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOVIEBOT_STORE", f"sqlite:///{tmp_path}/s.sqlite")
    assert main(["load", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err == f"load: {tmp_path / 'nowhere'} is not a directory\n"
    monkeypatch.setenv("MOVIEBOT_STORE", "postgres://db")
    assert main(["load", str(version_artifact(tmp_path, "v1"))]) == 1
    assert "unknown store" in capsys.readouterr().err
