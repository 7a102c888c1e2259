"""What the admin channel reads: Block Kit messages about training jobs, model loads and
retrain requests. Pure functions of the events; posting is infra/admin_channel.py.

Everything that comes from outside (job names, failure reasons, S3 keys, versions, error
messages, the manifest's names) is escaped with bot/text.py: a reason such as `<!channel>`
must not ping the channel, nor `<http://x|y>` make a link."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlparse

from bot import text as t
from infra.job_event import JobEvent, duration_text

MAX_METRICS_SHOWN = 4
LARGEST_CLUSTERS_SHOWN = 3
PREFERRED_METRICS = ("silhouette", "inertia", "explained_variance_total", "smallest_cluster")
MAX_REASON_CHARS = 1500  # escaped; with the rest it stays under a section's 3000
NAME_CHARS = 200  # a job name, a version, an S3 path, a manifest's name
DETAIL_CHARS = 500  # the loader's one-line summary
Block = dict[str, Any]
Message = tuple[str, list[Block]]  # the notification text and the blocks


def s3_console_url(uri: str) -> str:
    parsed = urlparse(uri)
    return (
        f"https://s3.console.aws.amazon.com/s3/object/{parsed.netloc}"
        f"?prefix={quote(parsed.path.lstrip('/'))}"
    )


def _name(value: Any) -> str:
    return t.mrkdwn(value, NAME_CHARS)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return _name(value)


def manifest_summary(manifest: Mapping[str, Any]) -> list[str]:
    """A few lines an admin can read at a glance: counts, k, the telling metrics, and the
    largest clusters by the names the training report gave them."""
    lines: list[str] = []
    counts = manifest.get("counts")
    if isinstance(counts, Mapping) and counts:
        lines.append(", ".join(f"{_fmt(v)} {_name(k)}" for k, v in counts.items()))
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
            lines.append(", ".join(f"{_name(key)} {_fmt(scalars[key])}" for key in shown))
        names = manifest.get("clusters")
        sizes = metrics.get("cluster_sizes")
        if isinstance(names, Mapping) and isinstance(sizes, list) and sizes:
            largest = sorted(range(len(sizes)), key=lambda c: -sizes[c])[:LARGEST_CLUSTERS_SHOWN]
            named = [
                f"{_name(names.get(str(c), f'cluster {c}'))} ({_fmt(sizes[c])})" for c in largest
            ]
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


def completed_message(job: JobEvent, manifest: Mapping[str, Any] | None) -> Message:
    version = manifest.get("version") if manifest else None
    text = f"Training job {_name(job.name)} completed in {duration_text(job)}"
    if version:
        text += f": model {_name(version)}"
    body = [f":white_check_mark: *{text}*"]
    if manifest:
        body += [f"• {line}" for line in manifest_summary(manifest)]
    else:
        body.append("(the report summary could not be read from the artifact)")
    body.append("The loader is switching the bot to it now; `/movie-admin report` shows the plots.")
    links = t.link(job.console_url, "Training job")
    if job.artifact_uri:
        links += " · " + t.link(s3_console_url(job.artifact_uri), "model.tar.gz")
    return text, [_section("\n".join(body)), _context(links)]


def ended_badly_message(job: JobEvent) -> Message:
    reason = job.failure_reason or job.secondary_status or "no reason given"
    verb = "failed" if job.status == "Failed" else _name(job.status.lower())
    name = _name(job.name)
    text = f"Training job {name} {verb} after {duration_text(job)}: "
    text += t.mrkdwn_lines(reason, MAX_REASON_CHARS)
    body = (
        f":x: *Training job {name} {verb}* after {duration_text(job)}\n"
        f"```{t.code_lines(reason, MAX_REASON_CHARS)}```\n"
        "The bot keeps serving the current model."
    )
    return text, [_section(body), _context(t.link(job.console_url, "Training job and logs"))]


def activation_message(
    version: str,
    movies: int,
    seconds: float | None = None,
    manifest: Mapping[str, Any] | None = None,
    detail: str = "",
) -> Message:
    text = f"Now serving model {_name(version)}: {movies:,} movies"
    if seconds is not None:
        text += f" (loaded in {seconds:.0f} s)"
    body = [f":rocket: *{text}*"]
    if manifest:
        body += [f"• {line}" for line in manifest_summary(manifest)]
    if detail:
        body.append(f"_{t.mrkdwn(detail, DETAIL_CHARS)}_")
    return text, [_section("\n".join(body))]


def load_failed_message(source: str, error: str) -> Message:
    # The source is S3 paths (several at most), shown as code so that a copied key is right.
    text = f"Model not loaded from {t.mrkdwn(source, NAME_CHARS)}: "
    text += t.mrkdwn_lines(error, MAX_REASON_CHARS)
    body = (
        f":warning: *Model not loaded* from `{t.code(source, NAME_CHARS * 2)}`\n"
        f"```{t.code_lines(error, MAX_REASON_CHARS)}```\n"
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
    return f"<@{who}>" if re.fullmatch(r"[UW][A-Z0-9]{2,}", who) else _name(who)


def retrain_messages(record: Mapping[str, Any]) -> list[Message]:
    """The retrain Lambda's outcome: a job started, one already running, or nothing started."""
    request = record.get("requestPayload") or {}
    who = _who(request if isinstance(request, Mapping) else {})
    error = _failed(record)
    if error is not None:
        text = f"Retraining requested by {who} started no job: "
        text += t.mrkdwn_lines(error, MAX_REASON_CHARS)
        body = (
            f":x: *Retraining requested by {who} started no job*\n"
            f"```{t.code_lines(error, MAX_REASON_CHARS)}```"
        )
        return [(text, [_section(body)])]
    payload = record.get("responsePayload") or {}
    job = _name(payload.get("job_name", "?"))
    detail = t.mrkdwn(payload.get("detail", ""), DETAIL_CHARS)
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
