"""The dependency rule (pyproject.toml, [tool.importlinter]) holds, and it can fail: a copy of
the packages with one forbidden import added breaks the contract that forbids it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "training", "infra")
# The console script that `pip install import-linter` puts beside this interpreter.
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contracts(pyproject: Path = ROOT / "pyproject.toml") -> list[dict[str, object]]:
    with pyproject.open("rb") as f:
        return list(tomllib.load(f)["tool"]["importlinter"]["contracts"])


def lint_imports(cwd: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    # Only the tree in `cwd` may be analysed: no PYTHONPATH leaking another checkout in.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    only = [arg for contract_id in contract_ids for arg in ("--contract", contract_id)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *only],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    count = len(contracts())
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {count} kept, 0 broken." in result.stdout


def copy_of_the_packages(into: Path, path: str, statement: str) -> Path:
    """The packages and the contracts in `into`, with a module `path` holding `statement`."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, into / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    (into / path).write_text(f"{statement}\n")
    return into


def test_the_copy_with_an_allowed_import_keeps_every_contract(tmp_path: Path) -> None:
    # The control for the test below: the copy itself is analysed and passes.
    copy = copy_of_the_packages(tmp_path, "bot/usecases/fine.py", "import bot.core.models")
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


# (file to add, its import, the contract it breaks). The file is new, so nothing ignores it.
VIOLATIONS = [
    ("bot/core/leak.py", "import slack_sdk", "core-is-plain"),
    ("bot/core/leak.py", "import boto3", "core-is-plain"),
    ("bot/adapters/leak.py", "import bot.slack.blocks", "bot-layers"),
    ("bot/slack/leak.py", "import bot.bootstrap", "bot-layers"),
    ("bot/adapters/leak.py", "import bot.config", "bot-layers"),
    ("bot/usecases/leak.py", "import training.train", "bot-without-training"),
    ("bot/slack/leak.py", "import pandas", "lambdas-without-training-libraries"),
    ("bot/leak.py", "import bot.core", "bot-layers"),  # a module in no layer
    ("training/leak.py", "import bot.usecases.movies", "training-uses-core-only"),
    ("bot/usecases/leak.py", "import infra.job_names", "bot-without-infra"),
    ("infra/leak.py", "import bot.slack.blocks", "infra-below-slack"),
]


@pytest.mark.parametrize(("path", "statement", "contract"), VIOLATIONS)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, path: str, statement: str, contract: str
) -> None:
    copy = copy_of_the_packages(tmp_path, path, statement)
    result = lint_imports(copy, contract)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout
