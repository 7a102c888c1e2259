"""`build_services(settings)`: the one place that wires the store, the title index cache, the
movie service, the admin service and the retrainer together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.admin import AdminService, LambdaRetrainer, LocalRetrainer, Retrainer
from bot.config import Settings
from bot.dedupe import EventDeduper, StoreDeduper
from bot.store import Store, open_store
from bot.telemetry import NullTelemetry, Telemetry

if TYPE_CHECKING:
    from bot.service import MovieService


@dataclass
class Services:
    settings: Settings
    store: Store
    movies: MovieService
    admin: AdminService
    retrainer: Retrainer
    dedupe: EventDeduper
    telemetry: Telemetry = field(default_factory=NullTelemetry)


def choose_retrainer(
    settings: Settings, store: Store, lambda_client: Any | None = None
) -> Retrainer:
    """The retrain Lambda when configured (AWS), else training in this process (laptop)."""
    if settings.retrain_function:
        return LambdaRetrainer(
            settings.retrain_function,
            store,
            client=lambda_client,
            max_runtime_seconds=settings.training_max_runtime_seconds,
        )
    return LocalRetrainer(settings, store)


def build_services(
    settings: Settings,
    *,
    store: Store | None = None,
    retrainer: Retrainer | None = None,
    telemetry: Telemetry | None = None,
    lambda_client: Any | None = None,
) -> Services:
    from bot.index_cache import IndexCache
    from bot.service import MovieService

    store = (
        store
        if store is not None
        else open_store(settings.store_url, endpoint_url=settings.aws_endpoint_url)
    )
    retrainer = (
        retrainer if retrainer is not None else choose_retrainer(settings, store, lambda_client)
    )

    return Services(
        settings=settings,
        store=store,
        movies=MovieService(store, IndexCache(store, settings.cache_dir)),
        admin=AdminService(settings, store, retrainer),
        retrainer=retrainer,
        dedupe=StoreDeduper(store),
        telemetry=telemetry if telemetry is not None else NullTelemetry(),
    )
