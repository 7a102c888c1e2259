"""`build_services` picks the retrainer: the retrain Lambda when configured, else the
in-process one the laptop's entry points hand it, else none (it never imports training)."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.retrainers.base import NoRetrainer, RetrainStart
from bot.adapters.retrainers.lambda_retrainer import LambdaRetrainer
from bot.adapters.store import Store
from bot.adapters.store.sqlite import SqliteStore
from bot.bootstrap import build_services, choose_retrainer
from bot.config import Settings


class LocalStandIn:
    """Stands for the in-process retrainer: notes the store it was built for."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start(self, requested_by: str) -> RetrainStart:
        return RetrainStart("started", "in-process")


def test_the_bot_reads_the_training_max_runtime() -> None:
    assert Settings.from_env({}).training_max_runtime_seconds == 3600
    assert Settings.from_env({"MOVIEBOT_MAX_RUNTIME": "7200"}).training_max_runtime_seconds == 7200
    retrainer = choose_retrainer(
        Settings.from_env({"MOVIEBOT_MAX_RUNTIME": "900", "MOVIEBOT_RETRAIN_FUNCTION": "f"}),
        SqliteStore(":memory:"),
    )
    assert isinstance(retrainer, LambdaRetrainer) and retrainer._max_runtime_seconds == 900


def test_without_a_retrain_function_or_an_in_process_one_retraining_is_not_available(
    tmp_path: Path,
) -> None:
    settings = Settings(store_url=f"sqlite:///{tmp_path / 's.sqlite'}", admins=frozenset({"UA"}))
    services = build_services(settings)
    assert isinstance(services.retrainer, NoRetrainer)
    reply = services.admin.handle("UA", "retrain")
    assert isinstance(reply, RetrainStart)
    assert reply.status == "failed" and "not available" in reply.detail
    assert services.store.latest_run() is None  # nothing was started, nothing recorded


def test_the_in_process_retrainer_is_built_for_the_store_unless_a_function_is_configured(
    tmp_path: Path,
) -> None:
    settings = Settings(store_url=f"sqlite:///{tmp_path / 's.sqlite'}")
    services = build_services(settings, local_retrainer=LocalStandIn)
    assert isinstance(services.retrainer, LocalStandIn)
    assert services.retrainer.store is services.store
    store = SqliteStore(":memory:")
    configured = Settings(retrain_function="moviebot-retrain")
    assert isinstance(choose_retrainer(configured, store, local=LocalStandIn), LambdaRetrainer)
