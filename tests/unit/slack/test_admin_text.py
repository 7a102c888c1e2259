"""What `/movie-admin` replies say in Slack, from what the admin use cases found; anything a
run, a model or a report carries is escaped."""

from __future__ import annotations

from bot.core.manifest import Manifest
from bot.core.models import ModelVersion, RunState, TrainingRun
from bot.slack.admin_text import admin_reply_text, model_summary
from bot.usecases.admin import NoReport, Refused, Report, RetrainStart, Status, Usage

MODEL = ModelVersion(
    "v-9", Manifest("v-9", created_at="2026-11-20T00:00:00Z", counts={"movies": 720000})
)


def test_refusal_and_usage() -> None:
    assert "for the bot's admins" in admin_reply_text(Refused())
    assert "/movie-admin status" in admin_reply_text(Usage())


def test_status_without_a_model_or_runs_says_so() -> None:
    text = admin_reply_text(Status(model=None, run=None, schedule=None))
    assert "No model is loaded yet." in text and "None recorded yet." in text
    assert "retrain on request" in text


def test_status_shows_the_model_the_run_and_the_schedule_escaped() -> None:
    run = TrainingRun(
        "job-<1>",
        RunState.FAILED,
        "2026-11-21T10:00:00Z",
        "2026-11-21T11:00:00Z",
        "<!channel> broke",
        "v-10",
    )
    text = admin_reply_text(Status(MODEL, run, "rate(7 days)"))
    assert text.startswith("*Model in service*\n*Version* v-9\n*Trained* 2026-11-20T00:00:00Z")
    assert "*Titles* 720,000" in text
    assert "job-&lt;1&gt;: *Failed*, started 2026-11-21T10:00:00Z" in text
    assert "ended 2026-11-21T11:00:00Z" in text and "produced v-10" in text
    assert "&lt;!channel&gt; broke" in text and "<!channel>" not in text
    assert text.endswith("*Schedule*\nrate(7 days)")


def test_retrain_replies_say_what_happened() -> None:
    assert admin_reply_text(RetrainStart("started", "ok")).startswith("Training started")
    busy = admin_reply_text(RetrainStart("already_running", "run job-1 started <now>"))
    assert "already in progress (run job-1 started &lt;now&gt;)" in busy
    assert "could not start" in admin_reply_text(RetrainStart("failed", "ConnectionError"))


def test_report_replies() -> None:
    missing = admin_reply_text(NoReport(MODEL))
    assert "not available here" in missing and "*Version* v-9" in missing
    assert "not available here.\nNo model is loaded yet." in admin_reply_text(NoReport(None))
    text = admin_reply_text(Report({"silhouette": 0.31, "note": "*big*"}))
    assert text == "*Cluster report*\nsilhouette 0.31, note \u2217big\u2217"
    assert admin_reply_text(Report({})) == "*Cluster report*"


def test_model_summary_shows_the_counts_and_k_the_manifest_has() -> None:
    model = ModelVersion("v-1", Manifest("v-1", counts={"movies": 12}, k=3))
    assert model_summary(model) == "*Version* v-1\n*Titles* 12\n*Clusters* 3"
    bare = model_summary(ModelVersion("v-2", Manifest("v-2")))
    assert bare == "*Version* v-2"
