"""A real loader process killed with SIGKILL in mid-load (SQLite); then `python -m bot load`."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.adapters.store.sqlite import SqliteStore
from bot.core.models import VersionStatus
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import SAMPLE_AKAS, write_artifact

from .helpers import snapshot, version_artifact, versioned_movies

REPO = Path(__file__).resolve().parents[3]
MOVIES = 2000
BATCH = 50

# The child reports each batch and then dawdles, so the parent can kill it in mid-load.
CHILD = """
import sys, time
from pathlib import Path
from bot.usecases.loader import load_artifact
from bot.adapters.store.sqlite import SqliteStore

def progress(stage, amount):
    print(stage, amount, flush=True)
    time.sleep(0.05)

load_artifact(Path(sys.argv[1]), SqliteStore(sys.argv[2]), batch_size=int(sys.argv[3]),
              progress=progress)
print("finished", flush=True)
"""


def big_artifact(root: Path, version: str) -> Path:
    base = versioned_movies(version)
    movies = [
        dataclasses.replace(base[i % len(base)], tconst=f"tt{i:07d}", votes=10 + i)
        for i in range(MOVIES)
    ]
    return write_artifact(root / version, movies, SAMPLE_AKAS, version=version)


def test_sigkill_in_mid_load_leaves_the_old_version_and_a_rerun_finishes(tmp_path: Path) -> None:
    db = tmp_path / "var" / "moviebot.sqlite"
    store = SqliteStore(db)
    load_artifact(version_artifact(tmp_path, "v1"), store)
    before = snapshot(store)
    v2 = big_artifact(tmp_path, "v2")

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(v2), str(db), str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert child.stdout is not None
    try:
        for line in child.stdout:
            if line.startswith("movies") and int(line.split()[1]) >= 10 * BATCH:
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    assert snapshot(store) == before
    assert {s.version: s.status for s in store.versions()} == {
        "v1": VersionStatus.COMPLETE,
        "v2": VersionStatus.LOADING,
    }
    assert 10 * BATCH <= store.count_movies("v2") < MOVIES

    rerun = subprocess.run(
        [sys.executable, "-m", "bot", "load", str(v2)],
        capture_output=True,
        text=True,
        env={**env, "MOVIEBOT_STORE": f"sqlite:///{db}"},
        cwd=REPO,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "loaded version v2: 2000 movies" in rerun.stdout
    assert store.active().version == "v2"  # type: ignore[union-attr]
    assert store.count_movies("v2") == MOVIES
    store.close()
