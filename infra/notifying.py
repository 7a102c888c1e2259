"""The notify function's logic: the admin channel's news.

A training job of this stack ended (EventBridge's "SageMaker Training Job State Change"):
Completed gives the job's report summary (manifest.json streamed out of model.tar.gz) with links
to the job and the artifact; Failed / Stopped give the reason. Either way the run's end is
recorded in the store, so `/movie-admin status` shows it.

The loader's and the retrainer's outcomes arrive as Lambda destination records (template.yaml:
their EventInvokeConfig sends success and failure here), so neither needs Slack code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.store.base import RunLog
from bot.config import Settings
from bot.core.manifest import Manifest
from bot.core.models import RunState, TrainingRun
from infra.admin_channel import post_to_admins
from infra.admin_messages import (
    MAX_REASON_CHARS,
    completed_message,
    ended_badly_message,
    loader_messages,
    retrain_messages,
)
from infra.job_event import ENDED, JobEvent
from infra.job_names import started_at_from_name
from infra.model_archive import read_manifest


def record_end(store: RunLog, job: JobEvent, manifest: Manifest | None) -> None:
    detail = job.failure_reason[:MAX_REASON_CHARS] if job.status != "Completed" else ""
    store.record_run(
        TrainingRun(
            run_id=job.name,
            state=RunState(job.status),
            # The same started_at the retrain Lambda recorded, so this updates its item.
            started_at=started_at_from_name(job.name) or job.created_at or "",
            ended_at=job.ended_at,
            detail=detail or (job.secondary_status if job.status != "Completed" else ""),
            version=manifest.version if manifest else None,
        )
    )


def notify(
    job: JobEvent,
    *,
    settings: Settings,
    s3: Any,
    store: RunLog | None = None,
    client: Any | None = None,
) -> dict[str, Any]:
    """Record how `job` ended and tell the admin channel (a job still going says nothing)."""
    if job.status not in ENDED:
        return {"job": job.name, "status": job.status, "posted": False}
    manifest = None
    if job.status == "Completed" and job.artifact_uri:
        manifest = read_manifest(s3, job.artifact_uri)
    if store is not None:
        record_end(store, job, manifest)
    if job.status == "Completed":
        text, blocks = completed_message(job, manifest)
    else:
        text, blocks = ended_badly_message(job)
    posted = post_to_admins(text, blocks, settings=settings, client=client)
    return {"job": job.name, "status": job.status, "posted": posted}


def notify_outcome(
    record: Mapping[str, Any], *, settings: Settings, client: Any | None = None
) -> dict[str, Any]:
    """A destination record from the loader (its request is an S3 event) or the retrainer."""
    request = record.get("requestPayload")
    from_loader = isinstance(request, Mapping) and "Records" in request
    messages = loader_messages(record) if from_loader else retrain_messages(record)
    posted = [
        post_to_admins(text, blocks, settings=settings, client=client) for text, blocks in messages
    ]
    return {
        "from": "loader" if from_loader else "retrain",
        "messages": len(messages),
        "posted": sum(posted),
    }
