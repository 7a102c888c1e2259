"""What the admin channel reads: Block Kit messages about training jobs, model loads and
retrain requests. Pure functions of the events; posting is infra/admin_channel.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlparse

from bot.core.manifest import Manifest
from infra.job_event import JobEvent, duration_text

MAX_METRICS_SHOWN = 4
LARGEST_CLUSTERS_SHOWN = 3
PREFERRED_METRICS = ("silhouette", "inertia", "explained_variance_total", "smallest_cluster")
MAX_REASON_CHARS = 1500
Block = dict[str, Any]
Message = tuple[str, list[Block]]  # the notification text and the blocks


def s3_console_url(uri: str) -> str:
    parsed = urlparse(uri)
    return (
        f"https://s3.console.aws.amazon.com/s3/object/{parsed.netloc}"
        f"?prefix={quote(parsed.path.lstrip('/'))}"
    )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def manifest_summary(manifest: Manifest) -> list[str]:
    """A few lines an admin can read at a glance: counts, k, the telling metrics, and the
    largest clusters by the names the training report gave them."""
    lines: list[str] = []
    if manifest.counts:
        lines.append(", ".join(f"{_fmt(v)} {k}" for k, v in manifest.counts.items()))
    if manifest.k is not None:
        lines.append(f"{_fmt(manifest.k)} clusters")
    if manifest.metrics is not None:
        scalars = manifest.scalar_metrics
        ordered = [k for k in PREFERRED_METRICS if k in scalars]
        ordered += [k for k in scalars if k not in ordered and k not in counts_keys(manifest)]
        if ordered:
            shown = ordered[:MAX_METRICS_SHOWN]
            lines.append(", ".join(f"{key} {_fmt(scalars[key])}" for key in shown))
        names, sizes = manifest.clusters, manifest.cluster_sizes
        if names is not None and sizes:
            largest = sorted(range(len(sizes)), key=lambda c: -sizes[c])[:LARGEST_CLUSTERS_SHOWN]
            named = [f"{names.get(str(c), f'cluster {c}')} ({_fmt(sizes[c])})" for c in largest]
            lines.append("largest clusters: " + "; ".join(named))
    if manifest.seconds is not None:
        lines.append(f"trained in {manifest.seconds:.0f} s")
    return lines


def counts_keys(manifest: Manifest) -> set[str]:
    """Metric names that repeat a count already shown (movies, k)."""
    return {"k", *manifest.counts}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def completed_message(job: JobEvent, manifest: Manifest | None) -> Message:
    version = manifest.version if manifest else None
    text = f"Training job {job.name} completed in {duration_text(job)}"
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


def ended_badly_message(job: JobEvent) -> Message:
    reason = job.failure_reason or job.secondary_status or "no reason given"
    reason = reason[:MAX_REASON_CHARS]
    verb = "failed" if job.status == "Failed" else job.status.lower()
    text = f"Training job {job.name} {verb} after {duration_text(job)}: {reason}"
    body = (
        f":x: *Training job {job.name} {verb}* after {duration_text(job)}\n```{reason}```\n"
        "The bot keeps serving the current model."
    )
    return text, [_section(body), _context(f"<{job.console_url}|Training job and logs>")]


def activation_message(
    version: str,
    movies: int,
    seconds: float | None = None,
    manifest: Manifest | None = None,
    detail: str = "",
) -> Message:
    text = f"Now serving model {version}: {movies:,} movies"
    if seconds is not None:
        text += f" (loaded in {seconds:.0f} s)"
    body = [f":rocket: *{text}*"]
    if manifest:
        body += [f"• {line}" for line in manifest_summary(manifest)]
    if detail:
        body.append(f"_{detail}_")
    return text, [_section("\n".join(body))]


def load_failed_message(source: str, error: str) -> Message:
    error = error[:MAX_REASON_CHARS]
    text = f"Model not loaded from {source}: {error}"
    body = (
        f":warning: *Model not loaded* from `{source}`\n```{error}```\n"
        "The bot keeps serving the current model."
    )
    return text, [_section(body)]


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


def retrain_messages(record: Mapping[str, Any]) -> list[Message]:
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


def loader_messages(record: Mapping[str, Any]) -> list[Message]:
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
