"""`LocalRetrainer`: the retrain on a laptop, training in a background thread of this process
in a temporary directory, then loading the result into the store.

It is handed what it runs (train, write the demo data, load) so that it imports neither
training nor the loader; bot/tools/training_runner.py gives it the real ones."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.retrainers.base import RetrainStart, already_running
from bot.adapters.store.base import RunLog
from bot.core import text as t
from bot.core.clock import Clock, utc_now, utc_now_iso
from bot.core.models import RunState, TrainingRun

log = logging.getLogger(__name__)

# Its presence in the data directory means the IMDb dumps are there; else the demo catalogue.
IMDB_BASICS = "title.basics.tsv.gz"

# (data directory, model directory) -> the artifact directory it trained into.
TrainFunction = Callable[[Path, Path], Path]
# Writes the offline demo catalogue, in IMDb's layout, into the directory given.
DemoDataFunction = Callable[[Path], None]
# Loads the artifact in the directory given into the store; returns the version now active.
LoadFunction = Callable[[Path], str]


class LocalRetrainer:
    """Trains in a background thread of this process, loads the result, records the run.

    One run at a time: a lock in this process, and the store's latest run for others.
    """

    def __init__(
        self,
        store: RunLog,
        *,
        data_dir: Path,
        max_runtime_seconds: int,
        train: TrainFunction,
        demo_data: DemoDataFunction,
        load: LoadFunction,
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._data_dir = data_dir
        self._max_runtime_seconds = max_runtime_seconds
        self._train = train
        self._demo_data = demo_data
        self._load = load
        self._clock = clock
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_run: TrainingRun | None = None

    def start(self, requested_by: str) -> RetrainStart:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return RetrainStart("already_running", "a training run started here is still going")
            running = already_running(
                self._store.latest_run(), self._max_runtime_seconds, self._clock()
            )
            if running is not None:
                return running
            run = TrainingRun(
                run_id=f"local-{datetime.now(UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
                state=RunState.IN_PROGRESS,
                started_at=utc_now_iso(),
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

    def _data(self, work: Path) -> Path:
        if (self._data_dir / IMDB_BASICS).exists():
            return self._data_dir
        demo = work / "demo-data"
        self._demo_data(demo)
        return demo

    def _run(self, run: TrainingRun) -> None:
        work = Path(tempfile.mkdtemp(prefix="moviebot-retrain-"))
        try:
            model_dir = self._train(self._data(work), work / "model")
            version = self._load(model_dir)
            done = TrainingRun(
                run.run_id,
                RunState.COMPLETED,
                run.started_at,
                utc_now_iso(),
                "loaded and active",
                version,
            )
        except Exception as exc:  # the run must end recorded, whatever went wrong
            log.exception("local retrain %s failed", run.run_id)
            done = TrainingRun(
                run.run_id, RunState.FAILED, run.started_at, utc_now_iso(), t.clean(exc, 300)
            )
        finally:
            # The store holds all the bot needs of the model, its report included.
            shutil.rmtree(work, ignore_errors=True)
        self._store.record_run(done)
        self.last_run = done
