"""`python -m bot ask --json` says what it understood, and `--thread` makes a follow-up a turn
of the conversation: the second turn is answered by another process, from the state the first
left in the store (the SQLite file and DynamoDB Local)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.core.matching import TitleIndex
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.fixtures.dynamodb_local import DUMMY_AWS_ENV
from tests.fixtures.stores import StoreOpener, fill_version, store_opener

__all__ = ["store_opener"]  # every test here runs on both backends

REPO = Path(__file__).resolve().parents[2]
HEAT = "tt0113277"


@pytest.fixture
def ask_env(
    store_opener: StoreOpener, request: pytest.FixtureRequest, tmp_path: Path
) -> dict[str, str]:
    """The environment of an `ask` process on a store holding the sample model."""
    store = store_opener()
    fill_version(
        store, "v-cli", SAMPLE_MOVIES, TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS).to_bytes()
    )
    env = {**os.environ, "MOVIEBOT_CACHE_DIR": str(tmp_path / "cache")}
    if hasattr(store, "path"):  # SQLite
        env["MOVIEBOT_STORE"] = f"sqlite:///{store.path}"
    else:
        env |= DUMMY_AWS_ENV
        env["MOVIEBOT_STORE"] = f"dynamodb://{request.getfixturevalue('dynamodb_table')}"
        env["AWS_ENDPOINT_URL"] = request.getfixturevalue("dynamodb_local")
    return env


def ask(env: dict[str, str], *argv: str) -> list[dict[str, Any]]:
    """One `ask` process; its answers, one JSON object a line."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", *argv, "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_json_says_the_seeds_and_constraints_and_each_picks_runtime(
    ask_env: dict[str, str],
) -> None:
    [data] = ask(ask_env, "something like Heat but from the 90s")
    assert data["match"]["tconst"] == HEAT and data["seeds"] == [data["match"]]
    assert [(c["field"], c["op"], c["value"]) for c in data["constraints"]] == [
        ("year", "between", [1990, 1999])
    ]
    assert data["recommendations"]
    for pick in data["recommendations"]:
        assert 1990 <= pick["year"] <= 1999 and isinstance(pick["runtime"], int)


def test_a_follow_up_is_answered_by_another_process(ask_env: dict[str, str]) -> None:
    [first] = ask(ask_env, "movies like the matrix", "--thread", "t1")
    [older] = ask(ask_env, "older ones?", "--thread", "t1")  # another process
    assert older["match"]["tconst"] == first["match"]["tconst"]
    assert older["recommendations"] and all(p["year"] < 1999 for p in older["recommendations"])
    assert [c["op"] for c in older["constraints"]] == ["before_seed"]
    [elsewhere] = ask(ask_env, "older ones?", "--thread", "t2")  # no such conversation
    assert elsewhere["recommendations"] == []


def test_a_batch_file_is_a_whole_conversation(ask_env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "conversation.txt"
    script.write_text("like heat\nmore\nnot that one\n", encoding="utf-8")
    first, more, dropped = ask(ask_env, "--batch", str(script), "--thread", "b1")
    shown = [p["tconst"] for p in first["recommendations"]]
    assert not set(shown) & {p["tconst"] for p in more["recommendations"]}
    assert more["recommendations"][0]["tconst"] not in {
        p["tconst"] for p in dropped["recommendations"]
    }
