"""The retrain Lambda's logic: refresh the IMDb dumps, then start one SageMaker training job.

Single flight: when a job of this stack (name PREFIX-...) is InProgress it starts nothing and
says which one runs. It records the started run in the store so the admin's status shows it;
the notify Lambda records how it ended, and should that never happen (event lost), the next
retrain records it from SageMaker. A retrain that cannot start is recorded as failed and raised.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bot.adapters.store.base import RunLog
from bot.config import RetrainSettings
from bot.core.models import RunState, TrainingRun
from infra.imdb_refresh import Refreshed, refresh_imdb
from infra.job_event import ENDED
from infra.job_names import job_name_for, started_at
from infra.source_bundle import build_bundle, ensure_uploaded
from infra.training_job import training_job_request
from training.download import IMDB_BASE_URL, IMDB_FILES

log = logging.getLogger(__name__)

MAX_DETAIL_CHARS = 1000
# Where training/ is shipped: the repository root locally, the task root in the Lambda package.
SOURCE_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class RetrainResult:
    status: Literal["started", "already_running"]
    job_name: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def running_jobs(sagemaker: Any, prefix: str) -> list[str]:
    """This stack's training jobs that are InProgress (NameContains is a substring match, so
    the names are checked for the prefix too)."""
    names: list[str] = []
    paginator = sagemaker.get_paginator("list_training_jobs")
    for page in paginator.paginate(NameContains=f"{prefix}-", StatusEquals="InProgress"):
        for job in page.get("TrainingJobSummaries", []):
            if job["TrainingJobName"].startswith(f"{prefix}-"):
                names.append(job["TrainingJobName"])
    return names


def _iso(value: Any) -> str | None:
    """A time from DescribeTrainingJob (boto3 gives datetimes) as the store keeps times."""
    return started_at(value) if isinstance(value, datetime) else None


def record_unannounced_end(sagemaker: Any, store: RunLog, running: list[str]) -> TrainingRun | None:
    """Record the end of the latest run when the store still shows it in progress but its job
    has ended in SageMaker (the state-change event was lost, or the notify Lambda failed), so
    the admin's status is right and the bot stops refusing retrains. Returns the run recorded."""
    run = store.latest_run()
    if run is None or run.state is not RunState.IN_PROGRESS or run.run_id in running:
        return None
    try:
        job = sagemaker.describe_training_job(TrainingJobName=run.run_id)
    except sagemaker.exceptions.ClientError as exc:
        # Not a job of this stack (or gone): the bot's max-runtime rule lets it expire.
        log.warning("run %s is in progress in the store, not in SageMaker: %s", run.run_id, exc)
        return None
    status = str(job.get("TrainingJobStatus") or "")
    if status not in ENDED:
        return None
    reason = str(job.get("FailureReason") or "") if status != "Completed" else ""
    ended = TrainingRun(
        run_id=run.run_id,
        state=RunState(status),
        started_at=run.started_at,  # the same item, updated
        ended_at=_iso(job.get("TrainingEndTime") or job.get("LastModifiedTime")),
        detail=f"{run.detail}; {reason or status} (recorded late: no state-change event)"[
            :MAX_DETAIL_CHARS
        ],
        version=run.version,
    )
    store.record_run(ended)
    log.warning("run %s had ended unannounced (%s): recorded", run.run_id, status)
    return ended


def start_retrain(
    settings: RetrainSettings,
    *,
    sagemaker: Any,
    s3: Any,
    store: RunLog | None = None,
    requested_by: str = "unknown",
    source_root: Path | None = None,
    now: datetime | None = None,
    refresh: Any = refresh_imdb,
) -> RetrainResult:
    running = running_jobs(sagemaker, settings.job_prefix)
    if store is not None:
        record_unannounced_end(sagemaker, store, running)
    if running:
        return RetrainResult("already_running", running[0], f"{running[0]} is still in progress")
    refreshed: list[Refreshed] = []
    if settings.refresh_imdb:
        base_url = settings.imdb_base_url or IMDB_BASE_URL
        refreshed = refresh(s3, settings.bucket, base_url, IMDB_FILES)
    source_uri = ensure_uploaded(s3, settings.bucket, build_bundle(source_root or SOURCE_ROOT))
    # The refresh can take minutes: look again, so the race window is the create call alone.
    running = running_jobs(sagemaker, settings.job_prefix)
    if running:
        return RetrainResult("already_running", running[0], f"{running[0]} started meanwhile")
    started = now or datetime.now(UTC)
    name = job_name_for(settings.job_prefix, started)
    region = str(sagemaker.meta.region_name)
    sagemaker.create_training_job(
        **training_job_request(settings, name, source_uri, region, requested_by)
    )
    copied = [item.name for item in refreshed if item.copied]
    data_note = f"refreshed {', '.join(copied)}" if copied else "IMDb data unchanged"
    detail = f"requested by {requested_by}; {data_note}"
    if store is not None:
        store.record_run(
            TrainingRun(
                run_id=name,
                state=RunState.IN_PROGRESS,
                started_at=started_at(started),
                detail=detail,
            )
        )
    log.info("started training job %s (%s)", name, detail)
    return RetrainResult("started", name, detail)


def retrain(
    settings: RetrainSettings,
    *,
    sagemaker: Any,
    s3: Any,
    store: RunLog | None = None,
    requested_by: str = "unknown",
) -> RetrainResult:
    """`start_retrain`; when it cannot start a job, the failed run is recorded (the admin's
    status shows it) and the error raised (the notify function tells the admin channel)."""
    try:
        return start_retrain(
            settings, sagemaker=sagemaker, s3=s3, store=store, requested_by=requested_by
        )
    except Exception as exc:
        if store is not None:
            record_not_started(store, settings.job_prefix, requested_by, exc)
        raise


def record_not_started(store: RunLog, prefix: str, requested_by: str, error: Exception) -> None:
    now = datetime.now(UTC)
    store.record_run(
        TrainingRun(
            run_id=job_name_for(prefix, now),
            state=RunState.FAILED,
            started_at=started_at(now),
            ended_at=started_at(now),
            detail=f"requested by {requested_by}; no job started: {type(error).__name__}: {error}"[
                :MAX_DETAIL_CHARS
            ],
        )
    )
