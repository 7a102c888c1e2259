"""The training source bundle: what it holds, that its key follows its content, and that the
entry script SageMaker runs really reaches training.train with the flags retrain passes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from infra.source_bundle import ENTRY_SCRIPT, BundleError, build_bundle

REPO_ROOT = Path(__file__).resolve().parents[3]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return _write(
        tmp_path,
        {
            "training/__init__.py": "",
            "training/train.py": "from training import helpers\nfrom bot.core.artifact import X\n",
            "training/helpers.py": "import json\n",
            "training/requirements.txt": "scikit-learn==1.4.2\n",
            "training/notes.md": "not shipped",
            "bot/__init__.py": "",
            "bot/core/artifact.py": "from bot.core.models import Movie\nX = 1\n",
            "bot/core/models.py": "Movie = object\n",
            "bot/slack/app.py": "import slack_bolt  # the bot's own: training never imports it\n",
            "infra/retrain.py": "",
        },
    )


def test_holds_training_the_shared_core_requirements_and_the_entry(source: Path) -> None:
    bundle = build_bundle(source)
    assert set(bundle.files) == {
        "training/__init__.py",
        "training/train.py",
        "training/helpers.py",
        "bot/__init__.py",
        "bot/core/artifact.py",
        "bot/core/models.py",
        "requirements.txt",
        ENTRY_SCRIPT,
    }
    assert bundle.files["requirements.txt"] == b"scikit-learn==1.4.2\n"


def test_key_follows_content_only(source: Path) -> None:
    first = build_bundle(source)
    assert build_bundle(source).key == first.key
    tarball = first.tarball()
    time.sleep(1.1)  # a gzip header with the current time would differ now
    assert build_bundle(source).tarball() == tarball  # reproducible bytes too
    (source / "training" / "helpers.py").write_text("import json  # changed\n")
    changed = build_bundle(source)
    assert changed.key != first.key
    assert changed.key.startswith("code/") and changed.key.endswith("/sourcedir.tar.gz")


def test_tarball_round_trips(source: Path) -> None:
    bundle = build_bundle(source)
    with tarfile.open(fileobj=io.BytesIO(bundle.tarball()), mode="r:gz") as tar:
        contents = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    assert contents == bundle.files


@pytest.mark.parametrize("missing", ["training/train.py", "training/requirements.txt"])
def test_missing_source_is_a_clear_error(source: Path, missing: str) -> None:
    (source / missing).unlink()
    with pytest.raises(BundleError, match=Path(missing).name):
        build_bundle(source)


def test_the_real_bundle_runs_training_from_the_code_dir(tmp_path: Path) -> None:
    """As the container does: extract to a code dir, run `python ENTRY --help` from there."""
    bundle = build_bundle(REPO_ROOT)
    code_dir = tmp_path / "code"
    with tarfile.open(fileobj=io.BytesIO(bundle.tarball()), mode="r:gz") as tar:
        tar.extractall(code_dir, filter="data")
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",) and not k.startswith("SM_")
    }
    result = subprocess.run(
        [sys.executable, ENTRY_SCRIPT, "--help"],
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # the flags infra/retrain.py passes as hyperparameters
    assert "--data-dir" in result.stdout and "--clusters" in result.stdout
