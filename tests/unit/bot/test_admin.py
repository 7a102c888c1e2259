"""Admin commands: who may, what each says, and the AWS retrainer's single flight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.admin import AdminService, LambdaRetrainer, LocalRetrainer, RetrainStart
from bot.bootstrap import choose_retrainer
from bot.config import Settings
from bot.loader import load_artifact
from bot.models import RunState, TrainingRun
from bot.store.sqlite import SqliteStore
from tests.e2e.slack_requests import InProcessLambda
from tests.fixtures.artifacts import write_artifact
from tests.fixtures.mrkdwn import HOSTILE, assert_defused


class CountingRetrainer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def start(self, requested_by: str) -> RetrainStart:
        self.calls.append(requested_by)
        return RetrainStart("started", "ok")


class FailingLambda:
    def invoke(self, **kwargs: object) -> None:
        raise ConnectionError("no route")


def _admin(tmp_path: Path) -> tuple[AdminService, CountingRetrainer, SqliteStore]:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    retrainer = CountingRetrainer()
    settings = Settings(admins=frozenset({"UADMIN"}))
    return AdminService(settings, store, retrainer), retrainer, store


def test_non_admins_are_refused_before_anything_runs(tmp_path: Path) -> None:
    admin, retrainer, _ = _admin(tmp_path)
    for user in ("UALICE", "", "uadmin"):
        reply = admin.handle(user, "retrain")
        assert reply.refused and "for the bot's admins" in reply.text
    assert retrainer.calls == []


def test_unknown_or_empty_subcommands_list_the_commands(tmp_path: Path) -> None:
    admin, retrainer, _ = _admin(tmp_path)
    for text in ("", "delete everything", "<!channel>"):
        reply = admin.handle("UADMIN", text)
        assert not reply.refused and "/movie-admin status" in reply.text
    assert admin.handle("UADMIN", "  RETRAIN now").text.startswith("Training started")
    assert retrainer.calls == ["UADMIN"]


def test_status_without_a_model_or_runs_says_so(tmp_path: Path) -> None:
    admin, _, _ = _admin(tmp_path)
    text = admin.handle("UADMIN", "status").text
    assert "No model is loaded yet." in text and "None recorded yet." in text
    assert "retrain on request" in text


def test_report_without_report_files_explains(tmp_path: Path) -> None:
    admin, _, _ = _admin(tmp_path)
    reply = admin.handle("UADMIN", "report")
    assert reply.files == [] and "not available here" in reply.text


def test_report_comes_from_the_version_in_service(tmp_path: Path) -> None:
    admin, _, store = _admin(tmp_path)
    model = write_artifact(tmp_path / "model", version="v-rep")
    (model / "report").mkdir()
    (model / "report" / "report.md").write_text("# Clusters", encoding="utf-8")
    (model / "report" / "cluster_sizes.png").write_bytes(b"\x89PNG sizes")
    (model / "report" / "metrics.json").write_text('{"silhouette": 0.31}', encoding="utf-8")
    load_artifact(model, store)
    reply = admin.handle("UADMIN", "report")
    assert "silhouette 0.31" in reply.text
    assert [(f.name, f.title, f.content) for f in reply.files] == [
        ("report.md", "Cluster report", b"# Clusters"),
        ("cluster_sizes.png", "cluster sizes", b"\x89PNG sizes"),
    ]


def test_lambda_retrainer_refuses_while_a_run_is_in_progress_and_reports_failures(
    tmp_path: Path,
) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    failed = LambdaRetrainer("moviebot-retrain", store, client=FailingLambda()).start("UADMIN")
    assert failed.status == "failed" and "ConnectionError" in failed.detail
    store.record_run(TrainingRun("job-1", RunState.IN_PROGRESS, "2026-11-21T10:00:00Z"))
    soon = datetime(2026, 11, 21, 10, 5, tzinfo=UTC)
    busy = LambdaRetrainer(
        "moviebot-retrain", store, client=FailingLambda(), clock=lambda: soon
    ).start("UADMIN")
    assert busy.status == "already_running" and busy.run_id == "job-1"


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
    assert_defused(admin.handle("UADMIN", "status").text)
    settings = Settings(admins=frozenset({"UADMIN"}))
    for answer in (
        RetrainStart("failed", HOSTILE),
        RetrainStart("already_running", HOSTILE),
        RetrainStart("started", HOSTILE),
    ):
        retrainer = ScriptedRetrainer(answer)
        assert_defused(AdminService(settings, store, retrainer).handle("UADMIN", "retrain").text)


def test_a_run_left_in_progress_long_ago_does_not_block(tmp_path: Path) -> None:
    """A process killed mid-run or a lost state-change event leaves IN_PROGRESS behind."""
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    store.record_run(TrainingRun("job-old", RunState.IN_PROGRESS, "2020-01-01T00:00:00+00:00"))
    client = InProcessLambda()
    assert LambdaRetrainer("moviebot-retrain", store, client=client).start("UADMIN").status == (
        "started"
    )
    assert len(client.invocations) == 1


@pytest.mark.parametrize("started_at", ["2030-01-02T03:00:00Z", "2030-01-02T03:00:00+00:00"])
def test_a_run_blocks_until_its_job_can_no_longer_be_running(
    tmp_path: Path, started_at: str
) -> None:
    """Twice the maximum runtime: a spot job may wait that long (MaxWaitTimeInSeconds)."""
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    store.record_run(TrainingRun("job-1", RunState.IN_PROGRESS, started_at))
    t0 = datetime(2030, 1, 2, 3, 0, 0, tzinfo=UTC)
    client = InProcessLambda()

    def retrainer_at(now: datetime) -> LambdaRetrainer:
        return LambdaRetrainer(
            "moviebot-retrain", store, client=client, max_runtime_seconds=1800, clock=lambda: now
        )

    busy = retrainer_at(t0 + timedelta(seconds=3600)).start("UADMIN")
    assert busy.status == "already_running" and busy.run_id == "job-1"
    assert client.invocations == []
    assert retrainer_at(t0 + timedelta(seconds=3601)).start("UADMIN").status == "started"
    assert len(client.invocations) == 1


def test_the_local_retrainer_ignores_a_stale_run_too(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    store.record_run(TrainingRun("local-1", RunState.IN_PROGRESS, "2030-01-02T03:00:00Z"))
    settings = Settings(training_max_runtime_seconds=600)
    t0 = datetime(2030, 1, 2, 3, 0, 0, tzinfo=UTC)

    def fails(data_dir: Path, model_dir: Path) -> Path:
        raise RuntimeError("no data here")

    def retrainer_at(now: datetime) -> LocalRetrainer:
        return LocalRetrainer(settings, store, train=fails, clock=lambda: now)

    assert retrainer_at(t0 + timedelta(minutes=20)).start("UADMIN").status == "already_running"
    late = retrainer_at(t0 + timedelta(minutes=21))
    started = late.start("UADMIN")
    late.wait(30)
    assert started.status == "started"
    assert late.last_run is not None and late.last_run.run_id == started.run_id


def test_the_bot_reads_the_training_max_runtime() -> None:
    assert Settings.from_env({}).training_max_runtime_seconds == 3600
    assert Settings.from_env({"MOVIEBOT_MAX_RUNTIME": "7200"}).training_max_runtime_seconds == 7200
    retrainer = choose_retrainer(
        Settings.from_env({"MOVIEBOT_MAX_RUNTIME": "900", "MOVIEBOT_RETRAIN_FUNCTION": "f"}),
        SqliteStore(":memory:"),
    )
    assert isinstance(retrainer, LambdaRetrainer) and retrainer._max_runtime_seconds == 900
