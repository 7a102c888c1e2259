"""Training in this process, for the laptop's entry points (`python -m bot chat`, `serve`):
`local_retrainer(settings, store)` is the `LocalRetrainer` wired to training.train, the demo
catalogue and the loader. The only bot module that imports training; the bot Lambda never
ships it, and bot.bootstrap is handed this retrainer rather than importing it."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.retrainers.local_retrainer import LocalRetrainer, TrainFunction
from bot.adapters.store.base import Store
from bot.config import Settings
from bot.core.clock import Clock, utc_now
from bot.usecases.loader import load_artifact


def train_in_process(data_dir: Path, model_dir: Path) -> Path:
    # Imported when a run starts: training needs pandas and scikit-learn, slow to import, and
    # a chat or server that never retrains should not pay for them.
    from training.train import main as train_main

    code = train_main(["--data-dir", str(data_dir), "--model-dir", str(model_dir)])
    if code:
        raise RuntimeError(f"training exited with {code}")
    return model_dir


def write_demo_data(out: Path) -> None:
    from training.demo_data import main as demo_main  # the offline demo catalogue

    demo_main(["--out", str(out)])


def local_retrainer(
    settings: Settings,
    store: Store,
    *,
    train: TrainFunction = train_in_process,
    clock: Clock = utc_now,
) -> LocalRetrainer:
    """Trains on settings.data_dir (the demo catalogue when the IMDb dumps are not there) and
    loads the result into `store`."""
    return LocalRetrainer(
        store,
        data_dir=settings.data_dir,
        max_runtime_seconds=settings.training_max_runtime_seconds,
        train=train,
        demo_data=write_demo_data,
        load=lambda model_dir: load_artifact(model_dir, store).version,
        clock=clock,
    )
