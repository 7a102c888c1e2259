"""The services in Bolt's context: found by every listener, and shared, not copied, with a lazy
listener that Bolt runs in a thread on a deep copy of the context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import BoltContext

from bot.adapters.store.sqlite import SqliteStore
from bot.bootstrap import build_services
from bot.config import Settings
from bot.slack.context import put_services, services_of
from bot.slack.services import Services
from tests.unit.slack.listeners.fakes import IdleRetrainer


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = SqliteStore(tmp_path / "bot.sqlite")
    try:
        yield build_services(
            Settings(cache_dir=tmp_path / "cache"), store=store, retrainer=IdleRetrainer()
        )
    finally:
        store.close()


def test_a_listener_finds_the_services_the_middleware_put(services: Services) -> None:
    context = BoltContext()
    put_services(context, services)
    assert services_of(context) is services


def test_a_lazy_runs_copy_of_the_context_shares_the_same_services(services: Services) -> None:
    context = BoltContext({"user_id": "U0ALICE"})
    put_services(context, services)
    copied = context.to_copyable()  # what Bolt hands a lazy listener run in a thread
    assert copied is not context and copied["user_id"] == "U0ALICE"
    assert services_of(copied) is services


def test_a_context_without_services_says_how_to_build_the_app() -> None:
    with pytest.raises(LookupError, match="build_app"):
        services_of(BoltContext())
