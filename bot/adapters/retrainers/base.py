"""The retrainer port: `Retrainer`, its answer `RetrainStart`, `NoRetrainer` for where nothing
can train, and the rule every retrainer applies before it starts a run.

Here, beside its implementations, as the `Store` protocol is beside the stores: the admin use
case imports it from below, and the retrainers need nothing from the use cases."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.core.clock import parse_utc
from bot.core.models import RunState, TrainingRun

log = logging.getLogger(__name__)

# SageMaker ends a job within its maximum runtime, or (managed spot) within MaxWaitTimeInSeconds,
# which the retrain Lambda sets to twice that; so a run still recorded as in progress after
# twice the maximum runtime has ended, and only its end was never recorded.
STALE_RUN_FACTOR = 2


@dataclass(frozen=True)
class RetrainStart:
    status: Literal["started", "already_running", "failed"]
    detail: str = ""
    run_id: str | None = None


class Retrainer(Protocol):
    def start(self, requested_by: str) -> RetrainStart: ...


class NoRetrainer:
    """Where no retrain Lambda is configured and no in-process training was given (the bot
    Lambda deployed without one): the admin hears so, and nothing is recorded."""

    def start(self, requested_by: str) -> RetrainStart:
        return RetrainStart("failed", "retraining is not available here (no retrain function)")


def already_running(
    run: TrainingRun | None, max_runtime_seconds: int, now: datetime
) -> RetrainStart | None:
    """The answer to a retrain request while `run` (the store's latest) is in progress, else
    None.

    A run that cannot still be going (older than its job could live, or with no readable start)
    does not count: a killed process or a lost state-change event must not block retraining
    forever. The retrain Lambda, which can ask SageMaker, records such a run's end."""
    if run is None or run.state is not RunState.IN_PROGRESS:
        return None
    started = parse_utc(run.started_at)
    limit = timedelta(seconds=max_runtime_seconds * STALE_RUN_FACTOR)
    if started is None or now - started > limit:
        log.warning(
            "run %s, in progress since %s, is past its maximum runtime: it no longer blocks",
            run.run_id,
            run.started_at,
        )
        return None
    return RetrainStart("already_running", f"run {run.run_id} started {run.started_at}", run.run_id)
