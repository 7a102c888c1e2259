"""The in-process retrainer: one run at a time, on the IMDb dumps or else the demo catalogue,
loaded once trained, and always recorded as ended. It is handed training, the demo data and
the loader (bot/tools/training_runner.py hands it the real ones); here the loader is the real
one and training writes a real artifact."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.retrainers.local_retrainer import IMDB_BASICS, LocalRetrainer, TrainFunction
from bot.adapters.store.sqlite import SqliteStore
from bot.core.clock import Clock, utc_now
from bot.core.models import RunState, TrainingRun
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import write_artifact


class Training:
    """A training function that writes a real artifact, noting what it was given, once the
    test lets it; and the demo-data function beside it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.release.set()
        self.trained_on: list[Path] = []
        self.demo: list[Path] = []

    def __call__(self, data_dir: Path, model_dir: Path) -> Path:
        assert self.release.wait(20), "the test never released training"
        self.trained_on.append(data_dir)
        assert (data_dir / IMDB_BASICS).exists()
        return write_artifact(model_dir, version="v-local-2")

    def demo_data(self, out: Path) -> None:
        self.demo.append(out)
        out.mkdir(parents=True)
        (out / IMDB_BASICS).write_bytes(b"")


def _retrainer(
    store: SqliteStore,
    data_dir: Path,
    training: Training,
    *,
    train: TrainFunction | None = None,
    max_runtime_seconds: int = 3600,
    clock: Clock = utc_now,
) -> LocalRetrainer:
    return LocalRetrainer(
        store,
        data_dir=data_dir,
        max_runtime_seconds=max_runtime_seconds,
        train=train or training,
        demo_data=training.demo_data,
        load=lambda model_dir: load_artifact(model_dir, store).version,
        clock=clock,
    )


def test_a_run_trains_on_the_demo_catalogue_loads_and_records_its_end(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    training = Training()
    retrainer = _retrainer(store, tmp_path / "no-imdb-here", training)
    started = retrainer.start("UADMIN")
    retrainer.wait(30)
    assert started.status == "started" and started.run_id is not None
    assert training.trained_on == training.demo  # the demo catalogue, in the run's work dir
    assert not training.demo[0].exists()  # ... removed once loaded
    run = store.latest_run()
    assert run == retrainer.last_run
    assert run is not None and run.run_id == started.run_id
    assert (run.state, run.version, run.detail) == (
        RunState.COMPLETED,
        "v-local-2",
        "loaded and active",
    )
    active = store.active()
    assert active is not None and active.version == "v-local-2"


def test_a_run_trains_on_the_imdb_dumps_when_they_are_there(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    imdb = tmp_path / "imdb"
    imdb.mkdir()
    (imdb / IMDB_BASICS).write_bytes(b"")
    training = Training()
    retrainer = _retrainer(store, imdb, training)
    retrainer.start("UADMIN")
    retrainer.wait(30)
    assert training.trained_on == [imdb] and training.demo == []


def test_one_run_at_a_time_in_this_process(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    training = Training()
    training.release.clear()
    retrainer = _retrainer(store, tmp_path, training)
    try:
        assert retrainer.start("UADMIN").status == "started"
        again = retrainer.start("UADMIN")
        assert again.status == "already_running" and retrainer.running()
        assert "started here is still going" in again.detail
    finally:
        training.release.set()
        retrainer.wait(30)
    assert not retrainer.running() and len(training.trained_on) == 1


def test_a_failed_run_is_recorded_with_its_reason(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))

    def fails(data_dir: Path, model_dir: Path) -> Path:
        raise RuntimeError("training exited with 2")

    retrainer = _retrainer(store, tmp_path, Training(), train=fails)
    started = retrainer.start("UADMIN")
    retrainer.wait(30)
    run = store.latest_run()
    assert run is not None and run.run_id == started.run_id
    assert run.state is RunState.FAILED and "training exited with 2" in run.detail
    assert run.ended_at and store.active() is None


def test_the_local_retrainer_ignores_a_stale_run_too(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    store.record_run(TrainingRun("local-1", RunState.IN_PROGRESS, "2030-01-02T03:00:00Z"))
    t0 = datetime(2030, 1, 2, 3, 0, 0, tzinfo=UTC)

    def fails(data_dir: Path, model_dir: Path) -> Path:
        raise RuntimeError("no data here")

    def retrainer_at(now: datetime) -> LocalRetrainer:
        return _retrainer(
            store, tmp_path, Training(), train=fails, max_runtime_seconds=600, clock=lambda: now
        )

    assert retrainer_at(t0 + timedelta(minutes=20)).start("UADMIN").status == "already_running"
    late = retrainer_at(t0 + timedelta(minutes=21))
    started = late.start("UADMIN")
    late.wait(30)
    assert started.status == "started"
    assert late.last_run is not None and late.last_run.run_id == started.run_id
