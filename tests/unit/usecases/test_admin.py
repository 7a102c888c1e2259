"""Admin commands: who may, and what each finds. What each says in Slack is tested in
tests/unit/slack/test_admin_text.py; the retrainers in tests/unit/adapters/."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.store.sqlite import SqliteStore
from bot.config import Settings
from bot.core.models import RunState, TrainingRun
from bot.slack.admin_text import admin_reply_text
from bot.usecases.admin import (
    AdminService,
    NoReport,
    Refused,
    Report,
    RetrainStart,
    Status,
    Usage,
)
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import write_artifact
from tests.fixtures.mrkdwn import HOSTILE, assert_defused


class CountingRetrainer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def start(self, requested_by: str) -> RetrainStart:
        self.calls.append(requested_by)
        return RetrainStart("started", "ok")


def _admin(tmp_path: Path) -> tuple[AdminService, CountingRetrainer, SqliteStore]:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    retrainer = CountingRetrainer()
    settings = Settings(admins=frozenset({"UADMIN"}))
    return AdminService(settings, store, retrainer), retrainer, store


def test_non_admins_are_refused_before_anything_runs(tmp_path: Path) -> None:
    admin, retrainer, _ = _admin(tmp_path)
    for user in ("UALICE", "", "uadmin"):
        assert admin.handle(user, "retrain") == Refused()
    assert retrainer.calls == []


def test_unknown_or_empty_subcommands_list_the_commands(tmp_path: Path) -> None:
    admin, retrainer, _ = _admin(tmp_path)
    for text in ("", "delete everything", "<!channel>"):
        assert admin.handle("UADMIN", text) == Usage()
    assert admin.handle("UADMIN", "  RETRAIN now") == RetrainStart("started", "ok")
    assert retrainer.calls == ["UADMIN"]


def test_status_without_a_model_or_runs_says_so(tmp_path: Path) -> None:
    admin, _, _ = _admin(tmp_path)
    assert admin.handle("UADMIN", "status") == Status(model=None, run=None, schedule=None)


def test_status_returns_the_model_in_service_and_the_latest_run(tmp_path: Path) -> None:
    admin, _, store = _admin(tmp_path)
    load_artifact(write_artifact(tmp_path / "model", version="v-st"), store)
    run = TrainingRun("job-2", RunState.COMPLETED, "2026-11-21T10:00:00Z", version="v-st")
    store.record_run(run)
    status = admin.handle("UADMIN", "status")
    assert isinstance(status, Status) and status.model is not None
    assert (status.model.version, status.run) == ("v-st", run)


def test_report_without_report_files_explains(tmp_path: Path) -> None:
    admin, _, _ = _admin(tmp_path)
    assert admin.handle("UADMIN", "report") == NoReport(model=None)


def test_report_comes_from_the_version_in_service(tmp_path: Path) -> None:
    admin, _, store = _admin(tmp_path)
    model = write_artifact(tmp_path / "model", version="v-rep")
    (model / "report").mkdir()
    (model / "report" / "report.md").write_text("# Clusters", encoding="utf-8")
    (model / "report" / "cluster_sizes.png").write_bytes(b"\x89PNG sizes")
    (model / "report" / "metrics.json").write_text('{"silhouette": 0.31}', encoding="utf-8")
    load_artifact(model, store)
    reply = admin.handle("UADMIN", "report")
    assert isinstance(reply, Report) and reply.metrics == {"silhouette": 0.31}
    assert [(f.name, f.title, f.content) for f in reply.files] == [
        ("report.md", "Cluster report", b"# Clusters"),
        ("cluster_sizes.png", "cluster sizes", b"\x89PNG sizes"),
    ]


class ScriptedRetrainer:
    def __init__(self, answer: RetrainStart) -> None:
        self.answer = answer

    def start(self, requested_by: str) -> RetrainStart:
        return self.answer


def test_run_details_versions_and_retrain_errors_are_escaped(tmp_path: Path) -> None:
    admin, _, store = _admin(tmp_path)
    store.record_run(
        TrainingRun(HOSTILE, RunState.FAILED, HOSTILE, HOSTILE, f"{HOSTILE}\n{HOSTILE}", HOSTILE)
    )
    assert_defused(admin_reply_text(admin.handle("UADMIN", "status")))
    settings = Settings(admins=frozenset({"UADMIN"}))
    for answer in (
        RetrainStart("failed", HOSTILE),
        RetrainStart("already_running", HOSTILE),
        RetrainStart("started", HOSTILE),
    ):
        retrainer = ScriptedRetrainer(answer)
        reply = AdminService(settings, store, retrainer).handle("UADMIN", "retrain")
        assert_defused(admin_reply_text(reply))
