"""The service and `ask` against the real embedded store (SQLite), filled as the loader does."""

import argparse
import json
from pathlib import Path

import pytest

from bot.adapters.index_cache import IndexCache
from bot.adapters.store.sqlite import SqliteStore
from bot.core.matching import TitleIndex
from bot.tools.cli import ask
from bot.usecases.movies import MovieService
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.fixtures.stores import fill_version


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "moviebot.sqlite"
    store = SqliteStore(path)
    index = TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS).to_bytes()
    fill_version(store, "v-sqlite", SAMPLE_MOVIES, index)
    store.close()
    return path


def test_service_on_sqlite(db: Path, tmp_path: Path) -> None:
    store = SqliteStore(db)
    service = MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=4)
    answer = service.ask("<@U1> movies like Pulp Fiktion")
    assert answer.status == "matched" and answer.movie is not None
    assert answer.movie.tconst == "tt0110912"
    picks = [p.movie for p in answer.recommendations]
    assert len(picks) == 4 and all(m.cluster == 1 for m in picks)
    more = service.similar("tt0110912", offset=4)
    assert not {m.tconst for m in picks} & {p.movie.tconst for p in more.recommendations}
    store.close()


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    ask.register(parser.add_subparsers())
    args = parser.parse_args(["ask", *argv])
    return args.func(args)


@pytest.fixture
def env(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVIEBOT_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("MOVIEBOT_CACHE_DIR", str(tmp_path / "cache"))


def test_ask_json(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["movies like heat", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["match"]["tconst"] == "tt0113277" and data["match"]["cluster"] == 1
    assert len(data["recommendations"]) == 5


def test_ask_batch_writes_one_object_a_line(
    env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("alien\nqzxwvkj plorf\ntt0068646\n\n", encoding="utf-8")
    assert _run(["--batch", str(questions)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["query"] for d in lines] == ["alien", "qzxwvkj plorf", "tt0068646", ""]
    assert lines[0]["match"]["title"] == "Alien"
    assert lines[1]["match"] is None and lines[1]["recommendations"] == []
    assert lines[2]["match"]["title"] == "The Godfather"


def test_ask_plain_text_is_the_slack_message(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["the godfather"]) == 0
    out = capsys.readouterr().out
    assert "The Godfather" in out and "Show more" in out


def test_ask_without_a_model_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOVIEBOT_STORE", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert _run(["alien"]) == 1
    assert "no model is loaded" in capsys.readouterr().err


def test_ask_with_an_unreadable_batch_file(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["--batch", "/nonexistent/questions.txt"]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_service_on_an_artifact_loaded_by_the_loader(sample_artifact: Path, tmp_path: Path) -> None:
    from bot.usecases.loader import load_artifact

    store = SqliteStore(tmp_path / "loaded.sqlite")
    report = load_artifact(sample_artifact, store)
    assert report.activated
    service = MovieService(store, IndexCache(store, tmp_path / "cache"))
    answer = service.ask("les sept samourais")  # an alternate title from akas.csv.gz
    assert answer.status == "matched" and answer.movie is not None
    assert answer.movie.tconst == "tt0047478" and answer.movie.coords
    assert all(p.movie.cluster == answer.movie.cluster for p in answer.recommendations)
    store.close()
