"""A cold start imports only what its path needs (issue 14): checked in a fresh process, by what
is in sys.modules afterwards (not by time, which a loaded machine makes noisy)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.adapters.store.sqlite import SqliteStore
from bot.core.matching import TitleIndex
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.fixtures.stores import fill_version

REPO = Path(__file__).resolve().parents[3]

# Run `code`, then print which of `watched` the process imported (the last stdout line).
PROBE = """
import json, sys
{code}
print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))
"""

AWS = ("boto3", "botocore", "aws_xray_sdk", "aws_xray_sdk.core")
SLACK = ("slack_bolt", "slack_sdk")
TRAINING = ("pandas", "sklearn")


def imported(code: str, watched: tuple[str, ...], env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code, watched=watched)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_ask_on_sqlite_imports_no_aws_and_no_slack(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "moviebot.sqlite")
    index = TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS).to_bytes()
    fill_version(store, "v-cold", SAMPLE_MOVIES, index)
    store.close()
    env = {
        **os.environ,
        "MOVIEBOT_STORE": f"sqlite:///{tmp_path / 'moviebot.sqlite'}",
        "MOVIEBOT_CACHE_DIR": str(tmp_path / "cache"),
    }
    code = "from bot.__main__ import main\nassert main(['ask', '--json', 'movies like heat']) == 0"
    assert imported(code, AWS + SLACK + TRAINING, env) == []


def _env(**more: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED", "AWS_SAM_LOCAL"}
    }
    return base | more


def test_the_lambda_handler_off_lambda_imports_no_xray_recorder_and_no_training() -> None:
    watched = ("aws_xray_sdk.core", *TRAINING)
    assert imported("import bot.lambda_handler", watched, _env()) == []
    disabled = _env(LAMBDA_TASK_ROOT="/var/task", POWERTOOLS_TRACE_DISABLED="true")
    assert imported("import bot.lambda_handler", watched, disabled) == []


def test_in_lambda_the_tracer_still_records_through_xray(tmp_path: Path) -> None:
    code = (
        "from bot.adapters.observability import tracer\n"
        "assert not tracer.disabled, 'tracing is off in Lambda'\n"
        "assert type(tracer.provider).__module__.startswith('aws_xray_sdk'), tracer.provider"
    )
    in_lambda = _env(LAMBDA_TASK_ROOT=str(tmp_path))
    assert imported(code, ("aws_xray_sdk.core",), in_lambda) == ["aws_xray_sdk.core"]
