"""`build_services(settings)`: the one place that wires the store, the title index cache, the
movie service, the admin service and the retrainer together into `Services` (defined in
bot/slack/services.py, the layer that uses it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.adapters.dedupe import StoreDeduper
from bot.adapters.night_timer import NightTimer, NoNightTimer, SchedulerNightTimer
from bot.adapters.retrainers.base import NoRetrainer, Retrainer
from bot.adapters.retrainers.lambda_retrainer import LambdaRetrainer
from bot.adapters.store import Store, open_store
from bot.adapters.telemetry import NullTelemetry, Telemetry
from bot.config import Settings
from bot.slack.services import Services
from bot.usecases.admin import AdminService

# Builds the in-process retrainer for the store chosen here. The laptop's entry points pass
# bot.tools.training_runner's, so that this module (shipped in the bot Lambda) never imports
# training.
RetrainerFactory = Callable[[Store], Retrainer]


def choose_retrainer(
    settings: Settings,
    store: Store,
    lambda_client: Any | None = None,
    local: RetrainerFactory | None = None,
) -> Retrainer:
    """The retrain Lambda when configured (AWS), else the in-process one when given (laptop),
    else none: the admin hears that retraining is not available."""
    if settings.retrain_function:
        return LambdaRetrainer(
            settings.retrain_function,
            store,
            client=lambda_client,
            max_runtime_seconds=settings.training_max_runtime_seconds,
        )
    if local is not None:
        return local(store)
    return NoRetrainer()


def choose_night_timer(settings: Settings) -> NightTimer:
    """EventBridge Scheduler when the stack set it up (AWS); else none: the laptop's servers
    poll for due nights themselves."""
    group, role, target = (
        settings.night_schedule_group,
        settings.night_scheduler_role,
        settings.night_close_target,
    )
    if group and role and target:
        return SchedulerNightTimer(group, role, target)
    return NoNightTimer()


def build_services(
    settings: Settings,
    *,
    store: Store | None = None,
    retrainer: Retrainer | None = None,
    local_retrainer: RetrainerFactory | None = None,
    telemetry: Telemetry | None = None,
    lambda_client: Any | None = None,
) -> Services:
    from bot.adapters.index_cache import IndexCache
    from bot.usecases.movies import MovieService
    from bot.usecases.night import MovieNights

    store = (
        store
        if store is not None
        else open_store(settings.store_url, endpoint_url=settings.aws_endpoint_url)
    )
    retrainer = (
        retrainer
        if retrainer is not None
        else choose_retrainer(settings, store, lambda_client, local_retrainer)
    )

    movies = MovieService(store, IndexCache(store, settings.cache_dir))
    return Services(
        settings=settings,
        store=store,
        movies=movies,
        admin=AdminService(settings, store, retrainer),
        retrainer=retrainer,
        dedupe=StoreDeduper(store),
        quota=store,
        nights=MovieNights(store, movies),
        night_timer=choose_night_timer(settings),
        telemetry=telemetry if telemetry is not None else NullTelemetry(),
    )
