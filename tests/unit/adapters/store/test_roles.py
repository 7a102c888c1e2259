"""The store's roles: `Store` is exactly their union, each method belongs to one role, both
backends implement all of it, and each client asks for the narrowest role it uses."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol, get_type_hints

import pytest

from bot.adapters import dedupe, index_cache
from bot.adapters.retrainers import lambda_retrainer, local_retrainer
from bot.adapters.store import base
from bot.adapters.store.dynamodb import DynamoStore
from bot.adapters.store.sqlite import SqliteStore
from bot.usecases import admin, loader, movies
from infra import notifying, retraining

ROLES = (
    base.ActiveModel,
    base.ModelReader,
    base.ReportReader,
    base.MarkStore,
    base.ThreadStore,
    base.NightStore,
    base.EventClaims,
    base.QuestionQuota,
    base.RunLog,
    base.VersionWriter,
)


def _methods(protocol: type) -> set[str]:
    """The methods `protocol` declares itself (not those of the roles it extends)."""
    return {
        name
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }


def test_the_store_is_the_union_of_its_roles_and_no_method_has_two() -> None:
    declared = [name for role in ROLES for name in _methods(role)]
    assert len(declared) == len(set(declared))
    assert set(declared) | {"close"} == {
        name for name in dir(base.Store) if not name.startswith("_")
    }
    assert all(role in base.Store.__mro__ for role in ROLES)


@pytest.mark.parametrize("backend", [SqliteStore, DynamoStore])
def test_both_backends_implement_every_method(backend: type) -> None:
    wanted = {name for name in dir(base.Store) if not name.startswith("_")}
    assert wanted <= {name for name in dir(backend) if callable(getattr(backend, name))}


@pytest.mark.parametrize(
    ("client", "parameter", "role"),
    [
        (dedupe.StoreDeduper, "store", base.EventClaims),
        (index_cache.IndexCache, "store", base.ModelReader),
        (local_retrainer.LocalRetrainer, "store", base.RunLog),
        (lambda_retrainer.LambdaRetrainer, "store", base.RunLog),
        (movies.MovieService, "store", movies.MovieStore),
        (admin.AdminService, "store", admin.AdminStore),
        (loader.load_artifact, "store", loader.LoadTarget),
        (notifying.record_end, "store", base.RunLog),
        (retraining.record_unannounced_end, "store", base.RunLog),
        (retraining.record_not_started, "store", base.RunLog),
    ],
)
def test_each_client_asks_for_a_role_not_the_whole_store(
    client: Callable[..., Any], parameter: str, role: type
) -> None:
    target = client.__init__ if isinstance(client, type) else client  # type: ignore[misc]
    assert get_type_hints(target)[parameter] is role


@pytest.mark.parametrize(
    ("composite", "roles"),
    [
        (movies.MovieStore, {base.ModelReader, base.MarkStore, base.ThreadStore}),
        (admin.AdminStore, {base.ActiveModel, base.ReportReader, base.RunLog}),
        (loader.LoadTarget, {base.ActiveModel, base.VersionWriter}),
    ],
)
def test_a_clients_store_only_combines_roles(composite: type, roles: set[type]) -> None:
    assert not _methods(composite)
    assert set(composite.__bases__) - {Protocol} == roles
