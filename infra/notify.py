"""The admin channel's news: a training job of this stack ended (EventBridge "SageMaker Training
Job State Change"), or the loader switched the bot to a new model version (or could not).

The loader's and the retrainer's outcomes arrive as Lambda destination records (template.yaml:
their EventInvokeConfig sends success and failure here), so neither needs Slack code;
`announce_activation` is there for a caller that wants to announce directly.

Completed: the job's report summary (read from manifest.json inside model.tar.gz, streamed, so
nothing is written to disk) with links to the job and the artifact. Failed / Stopped: the reason.
Either way the run's end is recorded in the store, so `/movie-admin status` shows it.
"""

from __future__ import annotations

import json
import logging
import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlparse

from bot.artifact import MANIFEST_FILE
from bot.config import Settings
from bot.models import RunState, TrainingRun
from infra.job_names import started_at_from_name

log = logging.getLogger(__name__)

DETAIL_TYPE = "SageMaker Training Job State Change"
ENDED = {"Completed", "Failed", "Stopped"}
SECRET_TOKEN_KEY = "SLACK_BOT_TOKEN"
SECRET_MAX_AGE_SECONDS = 300
MAX_METRICS_SHOWN = 4
LARGEST_CLUSTERS_SHOWN = 3
PREFERRED_METRICS = ("silhouette", "inertia", "explained_variance_total", "smallest_cluster")
MAX_REASON_CHARS = 1500
Block = dict[str, Any]


@dataclass(frozen=True)
class JobEvent:
    name: str
    status: str
    region: str
    failure_reason: str = ""
    secondary_status: str = ""
    artifact_uri: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    billable_seconds: int | None = None

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> JobEvent:
        if event.get("detail-type") != DETAIL_TYPE:
            raise ValueError(f"not a {DETAIL_TYPE!r} event: {event.get('detail-type')!r}")
        detail = event.get("detail") or {}
        return cls(
            name=str(detail["TrainingJobName"]),
            status=str(detail["TrainingJobStatus"]),
            region=str(event.get("region") or ""),
            failure_reason=str(detail.get("FailureReason") or ""),
            secondary_status=str(detail.get("SecondaryStatus") or ""),
            artifact_uri=(detail.get("ModelArtifacts") or {}).get("S3ModelArtifacts"),
            created_at=_iso(detail.get("CreationTime")),
            started_at=_iso(detail.get("TrainingStartTime") or detail.get("CreationTime")),
            ended_at=_iso(detail.get("TrainingEndTime") or event.get("time")),
            billable_seconds=detail.get("BillableTimeInSeconds"),
        )

    @property
    def console_url(self) -> str:
        return (
            f"https://{self.region}.console.aws.amazon.com/sagemaker/home"
            f"?region={self.region}#/jobs/{quote(self.name)}"
        )


def _iso(value: Any) -> str | None:
    """EventBridge carries SageMaker times as epoch milliseconds; accept ISO strings too."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC).isoformat(timespec="seconds")
    return str(value)


def _duration(job: JobEvent) -> str:
    if job.started_at and job.ended_at:
        try:
            start = datetime.fromisoformat(job.started_at.replace("Z", "+00:00"))
            end = datetime.fromisoformat(job.ended_at.replace("Z", "+00:00"))
            minutes = max(0, round((end - start).total_seconds() / 60))
            return f"{minutes} min"
        except ValueError:
            pass
    if job.billable_seconds is not None:
        return f"{round(job.billable_seconds / 60)} billable min"
    return "unknown time"


def s3_console_url(uri: str) -> str:
    parsed = urlparse(uri)
    return (
        f"https://s3.console.aws.amazon.com/s3/object/{parsed.netloc}"
        f"?prefix={quote(parsed.path.lstrip('/'))}"
    )


def read_manifest(s3: Any, uri: str) -> dict[str, Any] | None:
    """manifest.json out of model.tar.gz, streamed; None (logged) when it cannot be read."""
    parsed = urlparse(uri)
    try:
        body = s3.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"]
        with tarfile.open(fileobj=body, mode="r|gz") as tar:
            for member in tar:
                if member.isfile() and member.name.removeprefix("./") == MANIFEST_FILE:
                    handle = tar.extractfile(member)
                    manifest = json.loads(handle.read()) if handle else None
                    return manifest if isinstance(manifest, dict) else None
    except Exception as exc:  # the message goes out without the summary rather than not at all
        log.warning("could not read %s from %s: %s", MANIFEST_FILE, uri, exc)
        return None
    log.warning("%s has no %s", uri, MANIFEST_FILE)
    return None


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def manifest_summary(manifest: Mapping[str, Any]) -> list[str]:
    """A few lines an admin can read at a glance: counts, k, the telling metrics, and the
    largest clusters by the names the training report gave them."""
    lines: list[str] = []
    counts = manifest.get("counts")
    if isinstance(counts, Mapping) and counts:
        lines.append(", ".join(f"{_fmt(v)} {k}" for k, v in counts.items()))
    if manifest.get("k") is not None:
        lines.append(f"{_fmt(manifest['k'])} clusters")
    metrics = manifest.get("metrics")
    if isinstance(metrics, Mapping):
        scalars = {
            key: value
            for key, value in metrics.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
        ordered = [k for k in PREFERRED_METRICS if k in scalars]
        ordered += [k for k in scalars if k not in ordered and k not in counts_keys(manifest)]
        if ordered:
            shown = ordered[:MAX_METRICS_SHOWN]
            lines.append(", ".join(f"{key} {_fmt(scalars[key])}" for key in shown))
        names = manifest.get("clusters")
        sizes = metrics.get("cluster_sizes")
        if isinstance(names, Mapping) and isinstance(sizes, list) and sizes:
            largest = sorted(range(len(sizes)), key=lambda c: -sizes[c])[:LARGEST_CLUSTERS_SHOWN]
            named = [f"{names.get(str(c), f'cluster {c}')} ({_fmt(sizes[c])})" for c in largest]
            lines.append("largest clusters: " + "; ".join(named))
    if isinstance(manifest.get("seconds"), int | float):
        lines.append(f"trained in {manifest['seconds']:.0f} s")
    return lines


def counts_keys(manifest: Mapping[str, Any]) -> set[str]:
    """Metric names that repeat a count already shown (movies, k)."""
    counts = manifest.get("counts")
    return {"k", *(counts if isinstance(counts, Mapping) else {})}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def completed_message(job: JobEvent, manifest: Mapping[str, Any] | None) -> tuple[str, list[Block]]:
    version = manifest.get("version") if manifest else None
    text = f"Training job {job.name} completed in {_duration(job)}"
    if version:
        text += f": model {version}"
    body = [f":white_check_mark: *{text}*"]
    if manifest:
        body += [f"• {line}" for line in manifest_summary(manifest)]
    else:
        body.append("(the report summary could not be read from the artifact)")
    body.append("The loader is switching the bot to it now; `/movie-admin report` shows the plots.")
    links = f"<{job.console_url}|Training job>"
    if job.artifact_uri:
        links += f" · <{s3_console_url(job.artifact_uri)}|model.tar.gz>"
    return text, [_section("\n".join(body)), _context(links)]


def ended_badly_message(job: JobEvent) -> tuple[str, list[Block]]:
    reason = job.failure_reason or job.secondary_status or "no reason given"
    reason = reason[:MAX_REASON_CHARS]
    verb = "failed" if job.status == "Failed" else job.status.lower()
    text = f"Training job {job.name} {verb} after {_duration(job)}: {reason}"
    body = (
        f":x: *Training job {job.name} {verb}* after {_duration(job)}\n```{reason}```\n"
        "The bot keeps serving the current model."
    )
    return text, [_section(body), _context(f"<{job.console_url}|Training job and logs>")]


def activation_message(
    version: str,
    movies: int,
    seconds: float | None = None,
    manifest: Mapping[str, Any] | None = None,
    detail: str = "",
) -> tuple[str, list[Block]]:
    text = f"Now serving model {version}: {movies:,} movies"
    if seconds is not None:
        text += f" (loaded in {seconds:.0f} s)"
    body = [f":rocket: *{text}*"]
    if manifest:
        body += [f"• {line}" for line in manifest_summary(manifest)]
    if detail:
        body.append(f"_{detail}_")
    return text, [_section("\n".join(body))]


def load_failed_message(source: str, error: str) -> tuple[str, list[Block]]:
    error = error[:MAX_REASON_CHARS]
    text = f"Model not loaded from {source}: {error}"
    body = (
        f":warning: *Model not loaded* from `{source}`\n```{error}```\n"
        "The bot keeps serving the current model."
    )
    return text, [_section(body)]


# ------------------------------------------------------------------ posting


def bot_token(settings: Settings) -> str | None:
    """The bot token: from the environment locally, from Secrets Manager (cached) in AWS."""
    if settings.slack_bot_token:
        return settings.slack_bot_token
    if not settings.slack_secret_name:
        return None
    from aws_lambda_powertools.utilities import parameters

    secret = parameters.get_secret(
        settings.slack_secret_name, transform="json", max_age=SECRET_MAX_AGE_SECONDS
    )
    token = secret.get(SECRET_TOKEN_KEY) if isinstance(secret, dict) else None
    return str(token) if token else None


def post_to_admins(
    text: str, blocks: list[Block], *, settings: Settings, client: Any | None = None
) -> bool:
    """Post to the admin channel; False (logged) when none is configured or Slack refuses."""
    if not settings.admin_channel:
        log.info("no admin channel configured: not posting %r", text)
        return False
    if client is None:
        from slack_sdk import WebClient

        token = bot_token(settings)
        if not token:
            log.warning("no Slack bot token configured: not posting %r", text)
            return False
        client = WebClient(token=token, base_url=settings.slack_api_url)
    from slack_sdk.errors import SlackApiError

    try:
        client.chat_postMessage(
            channel=settings.admin_channel, text=text, blocks=blocks, unfurl_links=False
        )
    except SlackApiError as exc:
        log.error("Slack refused the admin message: %s", exc.response.get("error"))
        return False
    return True


def announce_activation(
    version: str,
    movies: int,
    seconds: float,
    manifest: Mapping[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    client: Any | None = None,
) -> bool:
    """Tell the admin channel that `version` now serves (the loader calls this after the flip).
    Never raises for Slack trouble: the model is live either way."""
    text, blocks = activation_message(version, movies, seconds, manifest)
    try:
        return post_to_admins(text, blocks, settings=settings or Settings.from_env(), client=client)
    except Exception as exc:  # a missing secret must not fail a load that already succeeded
        log.error("could not announce %s: %s", version, exc)
        return False


def record_end(store: Any, job: JobEvent, manifest: Mapping[str, Any] | None) -> None:
    version = manifest.get("version") if manifest else None
    detail = job.failure_reason[:MAX_REASON_CHARS] if job.status != "Completed" else ""
    store.record_run(
        TrainingRun(
            run_id=job.name,
            state=RunState(job.status),
            # The same started_at the retrain Lambda recorded, so this updates its item.
            started_at=started_at_from_name(job.name) or job.created_at or "",
            ended_at=job.ended_at,
            detail=detail or (job.secondary_status if job.status != "Completed" else ""),
            version=str(version) if version else None,
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


def _failed(record: Mapping[str, Any]) -> str | None:
    """The error of a failed invocation record, None when the function returned normally."""
    payload = record.get("responsePayload") or {}
    condition = (record.get("requestContext") or {}).get("condition", "Success")
    if condition == "Success" and not (isinstance(payload, Mapping) and "errorMessage" in payload):
        return None
    if not isinstance(payload, Mapping):
        return str(condition)
    return f"{payload.get('errorType', condition)}: {payload.get('errorMessage', '')}".strip()


def _who(request: Mapping[str, Any]) -> str:
    who = str(request.get("requested_by") or request.get("source") or "someone")
    # A Slack user id (from /movie-admin) becomes a mention; "schedule" stays a word.
    return f"<@{who}>" if re.fullmatch(r"[UW][A-Z0-9]{2,}", who) else who


def retrain_messages(record: Mapping[str, Any]) -> list[tuple[str, list[Block]]]:
    """The retrain Lambda's outcome: a job started, one already running, or nothing started."""
    request = record.get("requestPayload") or {}
    who = _who(request if isinstance(request, Mapping) else {})
    error = _failed(record)
    if error is not None:
        error = error[:MAX_REASON_CHARS]
        text = f"Retraining requested by {who} started no job: {error}"
        body = f":x: *Retraining requested by {who} started no job*\n```{error}```"
        return [(text, [_section(body)])]
    payload = record.get("responsePayload") or {}
    job, detail = payload.get("job_name", "?"), payload.get("detail", "")
    if payload.get("status") == "already_running":
        text = f"Retraining requested by {who}: {job} is still in progress, so none was started"
        return [(text, [_section(f":hourglass: {text}.")])]
    text = f"Training job {job} started (requested by {who})"
    return [(text, [_section(f":hourglass_flowing_sand: *{text}*\n_{detail}_")])]


def loader_messages(record: Mapping[str, Any]) -> list[tuple[str, list[Block]]]:
    """What the admin channel should read about one loader invocation: each activation, each
    artifact refused, or the function's own failure. An already-active version says nothing."""
    payload = record.get("responsePayload") or {}
    error = _failed(record)
    if error is not None:
        sources = [
            f"s3://{r['s3']['bucket']['name']}/{r['s3']['object']['key']}"
            for r in (record.get("requestPayload") or {}).get("Records", [])
            if "s3" in r
        ]
        return [load_failed_message(", ".join(sources) or "the loader", error)]
    messages = []
    for result in payload.get("results", []):
        if not result.get("loaded"):
            messages.append(load_failed_message(result.get("source", "?"), result.get("error", "")))
        elif result.get("activated"):
            messages.append(
                activation_message(
                    str(result.get("version")),
                    int(result.get("movies") or 0),
                    detail=str(result.get("summary") or ""),
                )
            )
    return messages


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

    from bot.store import open_store
    from infra.store_url import configured_store_url

    settings = Settings.from_env()
    if is_destination_record(event):
        return notify_outcome(event, settings=settings)
    store_url = configured_store_url()
    store = open_store(store_url, endpoint_url=settings.aws_endpoint_url) if store_url else None
    try:
        return notify(event, settings=settings, s3=boto3.client("s3"), store=store)
    finally:
        if store is not None:
            store.close()
