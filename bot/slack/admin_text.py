"""The words of `/movie-admin` replies, in escaped mrkdwn, from what the admin use cases found;
and the summary of the model in service, which the Home tab shows too."""

from __future__ import annotations

from typing import assert_never

from bot.core import text as t
from bot.core.models import ModelVersion
from bot.usecases.admin import (
    AdminReply,
    NoReport,
    Refused,
    Report,
    RetrainStart,
    Status,
    Usage,
)

REFUSAL = (
    "Sorry, `/movie-admin` is for the bot's admins. "
    "Ask one of them, or use `/movie` to find movies."
)
USAGE = "Admin commands: `/movie-admin status`, `/movie-admin retrain`, `/movie-admin report`."


def admin_reply_text(reply: AdminReply) -> str:
    match reply:
        case Refused():
            return REFUSAL
        case Usage():
            return USAGE
        case Status():
            return _status(reply)
        case RetrainStart():
            return _retrain(reply)
        case NoReport():
            return (
                "The cluster report of the model in service is not available here.\n"
                + model_summary(reply.model)
            )
        case Report():
            return _report(reply)
        case _:
            assert_never(reply)


def _status(status: Status) -> str:
    lines = ["*Model in service*", model_summary(status.model), "", "*Last training run*"]
    run = status.run
    if run is None:
        lines.append("None recorded yet.")
    else:
        started = t.mrkdwn(run.started_at, 40)
        lines.append(f"{t.mrkdwn(run.run_id, 100)}: *{run.state.value}*, started {started}")
        if run.ended_at:
            lines.append(f"ended {t.mrkdwn(run.ended_at, 40)}")
        if run.detail:
            lines.append(t.mrkdwn(run.detail, 300))
        if run.version:
            lines.append(f"produced {t.mrkdwn(run.version, 100)}")
    lines += ["", "*Schedule*", t.mrkdwn(status.schedule or "none: retrain on request", 200)]
    return "\n".join(lines)


def _retrain(started: RetrainStart) -> str:
    detail = t.mrkdwn(started.detail, 300)
    if started.status == "already_running":
        return f"A training run is already in progress ({detail}). I did not start another."
    if started.status == "failed":
        return f"I could not start a training run: {detail}"
    return f"Training started: {detail}"


def _report(report: Report) -> str:
    summary = ", ".join(f"{t.mrkdwn(k, 40)} {t.mrkdwn(v, 40)}" for k, v in report.metrics.items())
    return "*Cluster report*" + (f"\n{summary}" if summary else "")


def model_summary(model: ModelVersion | None) -> str:
    if model is None:
        return "No model is loaded yet."
    titles = model.manifest.counts.get("movies")
    clusters = model.manifest.k
    lines = [f"*Version* {t.mrkdwn(model.version, 100)}"]
    if model.created_at:
        lines.append(f"*Trained* {t.mrkdwn(model.created_at, 60)}")
    if titles is not None:
        lines.append(f"*Titles* {titles:,}")
    if clusters is not None:
        lines.append(f"*Clusters* {clusters:,}")
    return "\n".join(lines)
