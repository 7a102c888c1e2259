"""Admin use cases: status, retrain, report. No Slack here: the listeners turn the replies
into messages and files.

Who is an admin comes from Settings.admins (MOVIEBOT_ADMINS); anyone else is refused politely
and the attempt is logged. Retraining goes through a `Retrainer`: in-process on a laptop
(LocalRetrainer), or the retrain Lambda in AWS (LambdaRetrainer), which starts SageMaker.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from bot import text as t
from bot.blocks import model_summary
from bot.config import DEFAULT_MAX_RUNTIME_SECONDS, Settings
from bot.models import RunState, TrainingRun
from bot.store.base import Store

log = logging.getLogger(__name__)

IMDB_BASICS = "title.basics.tsv.gz"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RetrainStart:
    status: Literal["started", "already_running", "failed"]
    detail: str = ""
    run_id: str | None = None


class Retrainer(Protocol):
    def start(self, requested_by: str) -> RetrainStart: ...


# SageMaker ends a job within its maximum runtime, or (managed spot) within MaxWaitTimeInSeconds,
# which the retrain Lambda sets to twice that; so a run still recorded as in progress after
# twice the maximum runtime has ended, and only its end was never recorded.
STALE_RUN_FACTOR = 2

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _started(run: TrainingRun) -> datetime | None:
    try:
        started = datetime.fromisoformat(run.started_at)
    except ValueError:
        return None
    return started if started.tzinfo else started.replace(tzinfo=UTC)


def _already_running(store: Store, max_runtime_seconds: int, now: datetime) -> RetrainStart | None:
    """The answer to a retrain request while the store shows a run in progress, else None.

    A run that cannot still be going (older than its job could live, or with no readable start)
    does not count: a killed process or a lost state-change event must not block retraining
    forever. The retrain Lambda, which can ask SageMaker, records such a run's end."""
    run = store.latest_run()
    if run is None or run.state is not RunState.IN_PROGRESS:
        return None
    started = _started(run)
    limit = timedelta(seconds=max_runtime_seconds * STALE_RUN_FACTOR)
    if started is None or now - started > limit:
        log.warning(
            "run %s, in progress since %s, is past its maximum runtime: it no longer blocks",
            run.run_id,
            run.started_at,
        )
        return None
    return RetrainStart("already_running", f"run {run.run_id} started {run.started_at}", run.run_id)


# Trains into model_dir and returns it (the artifact directory); the default runs training.train.
TrainFunction = Callable[[Path, Path], Path]


def train_in_process(data_dir: Path, model_dir: Path) -> Path:
    from training.train import main as train_main  # training needs pandas: import only here

    code = train_main(["--data-dir", str(data_dir), "--model-dir", str(model_dir)])
    if code:
        raise RuntimeError(f"training exited with {code}")
    return model_dir


class LocalRetrainer:
    """Trains in a background thread of this process, loads the result, records the run.

    One run at a time: a lock in this process, and the store's latest run for others.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        train: TrainFunction = train_in_process,
        on_finish: Callable[[TrainingRun], None] | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self._settings = settings
        self._store = store
        self._train = train
        self._on_finish = on_finish
        self._clock = clock
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_run: TrainingRun | None = None

    def start(self, requested_by: str) -> RetrainStart:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return RetrainStart("already_running", "a training run started here is still going")
            running = _already_running(
                self._store, self._settings.training_max_runtime_seconds, self._clock()
            )
            if running is not None:
                return running
            run = TrainingRun(
                run_id=f"local-{datetime.now(UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
                state=RunState.IN_PROGRESS,
                started_at=_now(),
                detail=f"requested by {requested_by}",
            )
            self._store.record_run(run)
            self._thread = threading.Thread(
                target=self._run, args=(run,), name="retrain", daemon=True
            )
            self._thread.start()
        return RetrainStart(
            "started", "training in-process; the new model goes live when loaded", run.run_id
        )

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _data_dir(self, work: Path) -> Path:
        if (self._settings.data_dir / IMDB_BASICS).exists():
            return self._settings.data_dir
        from training.demo_data import main as demo_main  # the offline demo catalogue

        demo = work / "demo-data"
        demo_main(["--out", str(demo)])
        return demo

    def _run(self, run: TrainingRun) -> None:
        from bot.loader import load_artifact

        work = Path(tempfile.mkdtemp(prefix="moviebot-retrain-"))
        try:
            model_dir = self._train(self._data_dir(work), work / "model")
            report = load_artifact(model_dir, self._store)
            done = TrainingRun(
                run.run_id,
                RunState.COMPLETED,
                run.started_at,
                _now(),
                "loaded and active",
                report.version,
            )
        except Exception as exc:  # the run must end recorded, whatever went wrong
            log.exception("local retrain %s failed", run.run_id)
            done = TrainingRun(
                run.run_id, RunState.FAILED, run.started_at, _now(), t.clean(exc, 300)
            )
        finally:
            # The store holds all the bot needs of the model, its report included.
            shutil.rmtree(work, ignore_errors=True)
        self._store.record_run(done)
        self.last_run = done
        if self._on_finish is not None:
            self._on_finish(done)


class LambdaRetrainer:
    """Invokes the retrain Lambda (infra/retrain.py) asynchronously; it starts SageMaker and
    keeps the single-flight check authoritative. This side refuses early when the store
    already shows a run in progress."""

    def __init__(
        self,
        function_name: str,
        store: Store,
        client: Any | None = None,
        *,
        max_runtime_seconds: int = DEFAULT_MAX_RUNTIME_SECONDS,
        clock: Clock = _utc_now,
    ) -> None:
        self._function = function_name
        self._store = store
        self._client = client
        self._max_runtime_seconds = max_runtime_seconds
        self._clock = clock

    def start(self, requested_by: str) -> RetrainStart:
        running = _already_running(self._store, self._max_runtime_seconds, self._clock())
        if running is not None:
            return running
        if self._client is None:
            import boto3

            self._client = boto3.client("lambda")
        try:
            self._client.invoke(
                FunctionName=self._function,
                InvocationType="Event",
                Payload=json.dumps({"source": "slack", "requested_by": requested_by}).encode(),
            )
        except Exception as exc:
            log.exception("could not invoke the retrain function")
            return RetrainStart(
                "failed", f"could not start the retrain service: {type(exc).__name__}"
            )
        return RetrainStart(
            "started", "a SageMaker training job is starting; I will load its model when it ends"
        )


@dataclass(frozen=True)
class ReportFile:
    name: str
    title: str
    content: bytes


@dataclass(frozen=True)
class AdminReply:
    text: str  # mrkdwn, already escaped
    refused: bool = False
    files: list[ReportFile] = field(default_factory=list)


REFUSAL = (
    "Sorry, `/movie-admin` is for the bot's admins. "
    "Ask one of them, or use `/movie` to find movies."
)


class AdminService:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        retrainer: Retrainer,
    ) -> None:
        self._settings = settings
        self._store = store
        self._retrainer = retrainer

    def is_admin(self, user_id: str | None) -> bool:
        return bool(user_id) and user_id in self._settings.admins

    def handle(self, user_id: str, command: str) -> AdminReply:
        """`/movie-admin <command>` for `user_id`."""
        word = t.clean(command, 40).lower().split(" ", 1)[0]
        if not self.is_admin(user_id):
            log.warning("refused /movie-admin %s for non-admin user %s", word or "(none)", user_id)
            return AdminReply(REFUSAL, refused=True)
        if word == "status":
            return self.status()
        if word == "retrain":
            return self.retrain(user_id)
        if word == "report":
            return self.report()
        return AdminReply(
            "Admin commands: `/movie-admin status`, `/movie-admin retrain`, `/movie-admin report`."
        )

    def status(self) -> AdminReply:
        lines = [
            "*Model in service*",
            model_summary(self._store.active()),
            "",
            "*Last training run*",
        ]
        run = self._store.latest_run()
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
        lines += [
            "",
            "*Schedule*",
            t.mrkdwn(self._settings.retrain_schedule or "none: retrain on request", 200),
        ]
        return AdminReply("\n".join(lines))

    def retrain(self, user_id: str) -> AdminReply:
        started = self._retrainer.start(user_id)
        detail = t.mrkdwn(started.detail, 300)
        if started.status == "already_running":
            return AdminReply(
                f"A training run is already in progress ({detail}). I did not start another."
            )
        if started.status == "failed":
            return AdminReply(f"I could not start a training run: {detail}")
        return AdminReply(f"Training started: {detail}")

    def report(self) -> AdminReply:
        active = self._store.active()
        stored = self._store.report(active.version) if active is not None else {}
        if not stored:
            return AdminReply(
                "The cluster report of the model in service is not available here.\n"
                + model_summary(active)
            )
        plots = [
            ReportFile(name, name.removesuffix(".png").replace("_", " "), data)
            for name, data in stored.items()
            if name.endswith(".png")
        ]
        files = plots
        if "report.md" in stored:
            files = [ReportFile("report.md", "Cluster report", stored["report.md"]), *plots]
        summary = ""
        try:
            data = json.loads(stored.get("metrics.json", b"{}").decode("utf-8"))
            summary = ", ".join(
                f"{t.mrkdwn(k, 40)} {t.mrkdwn(v, 40)}"
                for k, v in data.items()
                if isinstance(v, int | float | str)
            )
        except (ValueError, AttributeError):
            summary = ""
        text = "*Cluster report*" + (f"\n{summary}" if summary else "")
        return AdminReply(text, files=files)
