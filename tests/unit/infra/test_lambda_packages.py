"""Each Lambda package (the Makefile's build-* targets) holds every project module its handler
imports, even lazily inside functions, and none of them needs what the Lambda does not ship
(pandas, scikit-learn, ...).

No exemption: the bot trains in-process only on a laptop, where bot/tools (which no Lambda
handler imports) hands bootstrap that retrainer; in AWS it invokes the retrain Lambda."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.unit.infra.cfn import FUNCTIONS, REPO_ROOT, load_template, resource

PROJECT_PACKAGES = ("bot", "infra", "training")
# Only in training's container (requirements-train.txt / training/requirements.txt).
NOT_IN_LAMBDA = {"pandas", "sklearn", "scipy", "matplotlib", "joblib", "pyarrow", "sagemaker"}


def copied_packages() -> dict[str, set[str]]:
    """build-X target -> the packages its `$(call lambda_copy,...)` copies."""
    text = (REPO_ROOT / "Makefile").read_text()
    result: dict[str, set[str]] = {}
    for match in re.finditer(r"^((?:build-\w+Function\s*)+):\s*\n((?:\t.*\n?)+)", text, re.M):
        copy = re.search(r"lambda_copy,([^)]*)\)", match.group(2))
        assert copy, f"{match.group(1)}: no $(call lambda_copy,...)"
        for target in match.group(1).split():
            result[target] = set(copy.group(1).split())
    return result


def excluded_paths() -> list[Path]:
    """The files and folders `lambda_copy` leaves out of every package (LAMBDA_EXCLUDE)."""
    text = (REPO_ROOT / "Makefile").read_text()
    match = re.search(r"^LAMBDA_EXCLUDE\s*:?=(.*)$", text, re.M)
    assert match, "the Makefile has no LAMBDA_EXCLUDE"
    return [REPO_ROOT / path for path in match.group(1).split()]


def _imports(path: Path) -> list[str]:
    """Every module the file imports absolutely, at the top or inside a function."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _module_file(module: str) -> Path | None:
    base = REPO_ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def handler_closure(logical_id: str) -> set[Path]:
    """The project files a handler's module imports, directly or not (parents included)."""
    module = resource(load_template(), logical_id)["Properties"]["Handler"].rpartition(".")[0]
    start = _module_file(module)
    assert start is not None, module
    seen, queue = {start}, [start]
    while queue:
        path = queue.pop()
        for name in _imports(path):
            if name.split(".")[0] not in PROJECT_PACKAGES:
                continue
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):
                found = _module_file(".".join(parts[:depth]))
                if found is not None and found not in seen:
                    seen.add(found)
                    queue.append(found)
    return seen


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_the_package_holds_every_project_module_the_handler_imports(logical_id: str) -> None:
    shipped = copied_packages()[f"build-{logical_id}"]
    needed = {path.relative_to(REPO_ROOT).parts[0] for path in handler_closure(logical_id)}
    assert needed <= shipped, f"{logical_id} imports {needed - shipped} but does not ship it"


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_nothing_the_handler_imports_needs_training_libraries(logical_id: str) -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}: {name}"
        for path in handler_closure(logical_id)
        for name in _imports(path)
        if name.split(".")[0] in NOT_IN_LAMBDA
    ]
    assert not offenders


def test_the_bot_ships_only_the_bot() -> None:
    assert copied_packages()["build-BotFunction"] == {"bot"}


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_no_handler_imports_what_the_packages_leave_out(logical_id: str) -> None:
    excluded = excluded_paths()
    offenders = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in handler_closure(logical_id)
        if any(path == left_out or left_out in path.parents for left_out in excluded)
    ]
    assert not offenders, f"{logical_id} imports {offenders}, which no package ships"


def test_the_laptop_tools_stay_out_of_the_packages() -> None:
    excluded = {path.relative_to(REPO_ROOT).as_posix() for path in excluded_paths()}
    assert {"bot/tools", "bot/__main__.py"} <= excluded
