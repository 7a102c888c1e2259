"""train.py with the versions SageMaker's scikit-learn 1.4-2 container runs, not only the newest.

A virtualenv is built once from training/requirements.txt (cached under var/, keyed by the
file's hash, so changing a pin builds a new one) with the machine's python3, and the training
runs in it twice: as a module, and as SageMaker's script mode runs it (the source bundle alone
in the code folder, its entry script run with SM_* variables and hyperparameter flags)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from bot.artifact import iter_akas, iter_movies, read_manifest
from training import launch
from training.generate import generate

ROOT = Path(__file__).resolve().parents[3]
REQUIREMENTS = ROOT / "training" / "requirements.txt"


def pins() -> dict[str, str]:
    lines = REQUIREMENTS.read_text().splitlines()
    return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))


def pinned_python() -> Path:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    venv = ROOT / "var" / f"venv-train-pinned-{digest}"
    python = venv / "bin" / "python"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".venv-train-pinned-{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build even when test sessions overlap
        done = venv / ".complete"
        if done.exists():
            return python
        shutil.rmtree(venv, ignore_errors=True)  # a build that was interrupted
        subprocess.run(["/usr/bin/env", "python3", "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "-r", str(REQUIREMENTS)],
            check=True,
        )  # fmt: skip
        done.write_text(REQUIREMENTS.read_text())
    return python


@pytest.fixture(scope="module")
def python() -> Path:
    return pinned_python()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("imdb")
    generate(out, scale=0.0005, seed=5)
    return out


def clean_env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SM_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.mark.slow
def test_the_pinned_venv_has_the_container_versions(python: Path) -> None:
    code = "import json, importlib.metadata as m; print(json.dumps({p: m.version(p) for p in %r}))"
    wanted = pins()
    out = subprocess.run([str(python), "-c", code % list(wanted)], capture_output=True, text=True,
                         check=True, env=clean_env())  # fmt: skip
    assert json.loads(out.stdout) == wanted
    assert wanted["scikit-learn"] == "1.4.2"


@pytest.mark.slow
def test_train_as_a_module_with_pinned_versions(python: Path, data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    result = subprocess.run(
        [str(python), "-m", "training.train", "--data-dir", str(data), "--model-dir",
         str(model_dir), "--clusters", "6"],
        cwd=ROOT, capture_output=True, text=True, env=clean_env(), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest = read_manifest(model_dir)
    assert manifest["libraries"]["scikit-learn"] == "1.4.2"
    assert manifest["libraries"]["pandas"] == pins()["pandas"]
    movies = list(iter_movies(model_dir))
    assert len(movies) == manifest["counts"]["movies"] > 100
    assert {m.cluster for m in movies} == set(range(6))
    assert list(iter_akas(model_dir))


def unpack(source: Path, code_dir: Path) -> None:
    """The code folder as the container gets it: the SDK uploads a folder as it is, and a
    sourcedir.tar.gz is unpacked there (`tar -xzf`), as is the retrain Lambda's."""
    if source.is_dir():
        shutil.copytree(source, code_dir)
        return
    code_dir.mkdir()
    with tarfile.open(source) as tar:
        tar.extractall(code_dir, filter="data")


@pytest.mark.slow
def test_script_mode_as_sagemaker_runs_it(python: Path, data: Path, tmp_path: Path) -> None:
    """SageMaker: the code folder holds the bundle and nothing else; the driver runs the entry
    script from there, with the data and model folders in SM_* variables and the
    hyperparameters as flags. training.launch and the retrain Lambda ship the same bundle."""
    from sagemaker.train.container_drivers.common.utils import hyperparameters_to_cli_args

    code_dir = tmp_path / "code"
    unpack(launch.source_bundle(tmp_path), code_dir)
    hyperparameters = {"clusters": 5, "write-akas": False, "min-votes": 10}
    env = clean_env() | {
        "SM_CHANNEL_IMDB": str(data),
        "SM_MODEL_DIR": str(tmp_path / "opt-ml-model"),
        "SM_OUTPUT_DATA_DIR": str(tmp_path / "opt-ml-output"),
        "SM_HPS": json.dumps(hyperparameters),
    }
    (tmp_path / "opt-ml-model").mkdir()  # SageMaker creates it before the script runs
    result = subprocess.run(
        [str(python), launch.ENTRY_SCRIPT, *hyperparameters_to_cli_args(hyperparameters)],
        cwd=code_dir, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    model_dir = tmp_path / "opt-ml-model"
    manifest = read_manifest(model_dir)
    assert manifest["k"] == 5
    assert manifest["counts"]["akas"] == 0
    assert all(m.votes >= 10 for m in iter_movies(model_dir))
    assert (tmp_path / "opt-ml-output" / "report" / "report.md").is_file()
