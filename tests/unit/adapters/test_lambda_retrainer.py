"""The AWS retrainer: an asynchronous invoke of the retrain Lambda, refused early while the
store shows a run that can still be going."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.retrainers.lambda_retrainer import LambdaRetrainer
from bot.adapters.store.sqlite import SqliteStore
from bot.core.models import RunState, TrainingRun
from tests.e2e.slack_requests import InProcessLambda

HOUR = 3600  # the training jobs' maximum runtime (template.yaml's default)


class FailingLambda:
    def invoke(self, **kwargs: object) -> None:
        raise ConnectionError("no route")


def test_lambda_retrainer_refuses_while_a_run_is_in_progress_and_reports_failures(
    tmp_path: Path,
) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    failed = LambdaRetrainer(
        "moviebot-retrain", store, client=FailingLambda(), max_runtime_seconds=HOUR
    ).start("UADMIN")
    assert failed.status == "failed" and "ConnectionError" in failed.detail
    store.record_run(TrainingRun("job-1", RunState.IN_PROGRESS, "2026-11-21T10:00:00Z"))
    soon = datetime(2026, 11, 21, 10, 5, tzinfo=UTC)
    busy = LambdaRetrainer(
        "moviebot-retrain",
        store,
        client=FailingLambda(),
        max_runtime_seconds=HOUR,
        clock=lambda: soon,
    ).start("UADMIN")
    assert busy.status == "already_running" and busy.run_id == "job-1"


def test_a_run_left_in_progress_long_ago_does_not_block(tmp_path: Path) -> None:
    """A process killed mid-run or a lost state-change event leaves IN_PROGRESS behind."""
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    store.record_run(TrainingRun("job-old", RunState.IN_PROGRESS, "2020-01-01T00:00:00+00:00"))
    client = InProcessLambda()
    retrainer = LambdaRetrainer("moviebot-retrain", store, client=client, max_runtime_seconds=HOUR)
    assert retrainer.start("UADMIN").status == "started"
    assert len(client.invocations) == 1


@pytest.mark.parametrize("started_at", ["2030-01-02T03:00:00Z", "2030-01-02T03:00:00+00:00"])
def test_a_run_blocks_until_its_job_can_no_longer_be_running(
    tmp_path: Path, started_at: str
) -> None:
    """Twice the maximum runtime: a spot job may wait that long (MaxWaitTimeInSeconds)."""
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    store.record_run(TrainingRun("job-1", RunState.IN_PROGRESS, started_at))
    t0 = datetime(2030, 1, 2, 3, 0, 0, tzinfo=UTC)
    client = InProcessLambda()

    def retrainer_at(now: datetime) -> LambdaRetrainer:
        return LambdaRetrainer(
            "moviebot-retrain", store, client=client, max_runtime_seconds=1800, clock=lambda: now
        )

    busy = retrainer_at(t0 + timedelta(seconds=3600)).start("UADMIN")
    assert busy.status == "already_running" and busy.run_id == "job-1"
    assert client.invocations == []
    assert retrainer_at(t0 + timedelta(seconds=3601)).start("UADMIN").status == "started"
    assert len(client.invocations) == 1
