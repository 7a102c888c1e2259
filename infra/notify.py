"""The admin channel's news: a training job of this stack ended (EventBridge "SageMaker Training
Job State Change"), or the loader switched the bot to a new model version (or could not).

The loader's and the retrainer's outcomes arrive as Lambda destination records (template.yaml:
their EventInvokeConfig sends success and failure here), so neither needs Slack code.

Completed: the job's report summary (read from manifest.json inside model.tar.gz, streamed, so
nothing is written to disk) with links to the job and the artifact. Failed / Stopped: the reason.
Either way the run's end is recorded in the store, so `/movie-admin status` shows it.
"""

from __future__ import annotations

import json
import logging
import tarfile
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from bot.config import Settings
from bot.core.manifest import MANIFEST_FILE, Manifest
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

log = logging.getLogger(__name__)


def read_manifest(s3: Any, uri: str) -> Manifest | None:
    """manifest.json out of model.tar.gz, streamed; None (logged) when it cannot be read."""
    parsed = urlparse(uri)
    try:
        body = s3.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"]
        with tarfile.open(fileobj=body, mode="r|gz") as tar:
            for member in tar:
                if member.isfile() and member.name.removeprefix("./") == MANIFEST_FILE:
                    handle = tar.extractfile(member)
                    data = json.loads(handle.read()) if handle else None
                    return Manifest.from_dict(data)  # checked as the loader will check it
    except Exception as exc:  # the message goes out without the summary rather than not at all
        log.warning("could not read %s from %s: %s", MANIFEST_FILE, uri, exc)
        return None
    log.warning("%s has no %s", uri, MANIFEST_FILE)
    return None


def record_end(store: Any, job: JobEvent, manifest: Manifest | None) -> None:
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
    event: Mapping[str, Any],
    *,
    settings: Settings,
    s3: Any,
    store: Any | None = None,
    client: Any | None = None,
) -> dict[str, Any]:
    job = JobEvent.from_event(event)
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


def is_destination_record(event: Mapping[str, Any]) -> bool:
    """A Lambda destination record (the loader's async invocation outcome)."""
    return "requestContext" in event and "responsePayload" in event


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


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3

    from bot.adapters.store import open_store

    settings = Settings.from_env()
    if is_destination_record(event):
        return notify_outcome(event, settings=settings)
    store_url = settings.configured_store_url
    store = open_store(store_url, endpoint_url=settings.aws_endpoint_url) if store_url else None
    try:
        return notify(event, settings=settings, s3=boto3.client("s3"), store=store)
    finally:
        if store is not None:
            store.close()
