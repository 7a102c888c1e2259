"""`python -m bot chat`, piped, as a user would run it: no Slack tokens, a real store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _chat(
    lines: str, store_path: Path, tmp_path: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MOVIEBOT_"))}
    env |= {
        "MOVIEBOT_STORE": f"sqlite:///{store_path}",
        "MOVIEBOT_CACHE_DIR": str(tmp_path / "cache"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_piped_chat_answers_and_presses_buttons_by_number(store_path: Path, tmp_path: Path) -> None:
    done = _chat("movies like the matrix\n5\n19\nhome\n/movie help\n99\n", store_path, tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    first, rest = out.split("> 5\n", 1)
    assert "Movies like The Matrix" in first and "(1999)" in first
    assert "[1]" in first and "More like this" in first and "Show more" in first
    # 5 = "Seen it" of the first pick (the three did-you-mean buttons come first).
    pressed, rest = rest.split("> 19\n", 1)
    assert "Noted:" in pressed and "is seen" in pressed
    page2, rest = rest.split("> home\n", 1)
    assert "More movies like The Matrix" in page2
    home, rest = rest.split("> /movie help\n", 1)
    assert "YOUR LIST" in home and "Remove" in home and "v-test-1" in home
    help_text, rest = rest.split("> 99\n", 1)
    assert "/movie the matrix" in help_text
    assert "there is no button 99" in rest
    assert "Traceback" not in done.stderr


def test_piped_chat_with_hostile_text_and_no_model(tmp_path: Path) -> None:
    done = _chat("<!channel> *bold*\n\n\x00\n", tmp_path / "empty.sqlite", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no movie model loaded" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_retrain_from_the_chat_trains_in_process_and_loads_the_new_model(
    store_path: Path, tmp_path: Path
) -> None:
    from bot.adapters.store.sqlite import SqliteStore
    from training.generate import main as generate

    data = tmp_path / "imdb"
    assert generate(["--out", str(data), "--scale", "0.001"]) == 0
    done = _chat(
        "/movie-admin retrain\n/movie-admin retrain\n",
        store_path,
        tmp_path,
        MOVIEBOT_DATA_DIR=str(data),
    )
    assert done.returncode == 0, done.stderr
    assert "Training started" in done.stdout
    assert "already in progress" in done.stdout
    assert "(training run Completed)" in done.stdout
    store = SqliteStore(str(store_path))
    try:
        active = store.active()
        run = store.latest_run()
    finally:
        store.close()
    assert active is not None and active.version != "v-test-1"
    assert run is not None and run.state.value == "Completed" and run.version == active.version


def test_piped_chat_names_the_report_files_it_shares(tmp_path: Path) -> None:
    from bot.adapters.store.sqlite import SqliteStore
    from bot.usecases.loader import load_artifact
    from tests.fixtures.artifacts import write_artifact

    model = write_artifact(tmp_path / "model", version="v-rep")
    (model / "report").mkdir()
    (model / "report" / "report.md").write_text("# Clusters", encoding="utf-8")
    (model / "report" / "cluster_sizes.png").write_bytes(b"\x89PNG sizes")
    store = SqliteStore(tmp_path / "s.sqlite")
    load_artifact(model, store)
    store.close()
    done = _chat("/movie-admin report\n", tmp_path / "s.sqlite", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "(shared files: Cluster report, cluster sizes)" in done.stdout


def test_a_chat_session_is_one_conversation_and_the_next_session_a_new_one(
    store_path: Path, tmp_path: Path
) -> None:
    done = _chat("like heat from the 90s\n1\nolder ones?\n", store_path, tmp_path)
    assert done.returncode == 0, done.stderr
    first, rest = done.stdout.split("> 1\n", 1)
    assert "Movies like Heat (1995) · 1990s" in first and "[1] ✕ 1990s" in first
    dropped, older = rest.split("> older ones?\n", 1)
    assert dropped.strip().startswith("Movies like Heat (1995) · Action, Crime, Drama")
    # The follow-up refines the answer the drop button gave: older than Heat, no 90s.
    assert older.startswith("Movies like Heat (1995) · older\n")
    assert "The Godfather (1972)" in older
    # A new session does not continue the last one's conversation.
    again = _chat("more\n", store_path, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Ask me for movies first" in again.stdout and "More like this" not in again.stdout
    assert "Traceback" not in done.stderr + again.stderr
