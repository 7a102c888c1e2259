"""The Lambda packages as `sam build` makes them (the Makefile's build-* targets), built for this
machine's Python and platform, and a clean virtualenv holding only what AWS's runtime holds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import platform_tags

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME_REQUIREMENTS = Path(__file__).with_name("lambda-runtime-requirements.txt")
LAMBDA_UNZIPPED_LIMIT = 250 * 1000 * 1000  # bytes: function code and layers, unzipped
BUILD_TIMEOUT_SECONDS = 600


class BuildError(AssertionError):
    """`make build-X` failed: its output says why."""


THIS_MACHINE = "this machine"
LAMBDA_TARGET = "Lambda (arm64)"


@dataclass(frozen=True)
class BuiltPackage:
    logical_id: str
    wheels_for: str  # THIS_MACHINE or LAMBDA_TARGET
    path: Path
    unzipped_bytes: int
    seconds: float

    def holds(self, relative: str) -> bool:
        return (self.path / relative).exists()


def unzipped_size(root: Path) -> int:
    """What Lambda counts against its limit: the bytes of every file, unzipped."""
    return sum(
        (Path(folder) / name).lstat().st_size
        for folder, _, names in os.walk(root)
        for name in names
    )


def this_machine() -> dict[str, str]:
    """Make variables that point the build's pip at this interpreter and platform instead of
    Lambda's (Python 3.12 on arm64); the recipe itself stays the one `sam build` runs."""
    return {
        "LAMBDA_PYTHON": sys.executable,
        "LAMBDA_PYTHON_VERSION": f"{sys.version_info.major}.{sys.version_info.minor}",
        "LAMBDA_PLATFORMS": " ".join(platform_tags()),
    }


def build(logical_id: str, target: Path, wheels_for: str = THIS_MACHINE) -> BuiltPackage:
    """`make build-<logical_id> ARTIFACTS_DIR=<target>`, as `sam build` runs it: with wheels
    for this machine (to run it here), or for Lambda (the Makefile's own defaults)."""
    target.mkdir(parents=True, exist_ok=False)
    variables = {"ARTIFACTS_DIR": str(target)}
    if wheels_for == THIS_MACHINE:
        variables.update(this_machine())
    command = ["make", "--no-print-directory", f"build-{logical_id}"]
    command += [f"{name}={value}" for name, value in variables.items()]
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(f"make build-{logical_id} failed:\n{done.stdout}\n{done.stderr}")
    seconds = time.monotonic() - started
    return BuiltPackage(logical_id, wheels_for, target, unzipped_size(target), seconds)


def runtime_python(folder: Path) -> Path:
    """A virtualenv with nothing but the boto3 and botocore of AWS's Python runtime (and what
    they depend on); no pip either. Returns its interpreter."""
    venv.EnvBuilder(with_pip=False, clear=True).create(folder)
    python = folder / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    done = subprocess.run(
        [*pip, "install", "--quiet", "--only-binary=:all:", "-r", str(RUNTIME_REQUIREMENTS)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(f"the runtime virtualenv failed:\n{done.stdout}\n{done.stderr}")
    return python
