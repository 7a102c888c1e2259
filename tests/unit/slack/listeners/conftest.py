"""Listeners called directly, as Bolt would call them: their Slack arguments are Bolt's own
(Ack, Respond) and a WebClient, both reaching the local Web API stand-in (`slack_api`), and
their context holds services over a real SQLite store with the sample artifact loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.adapters.store.sqlite import SqliteStore
from bot.bootstrap import build_services
from bot.config import Settings
from bot.slack.context import put_services
from bot.slack.services import Services
from bot.tools.local_slack import LocalSlackApi
from bot.usecases.loader import load_artifact
from tests.e2e import slack_requests as sr
from tests.unit.slack.listeners.fakes import CountingTelemetry, IdleRetrainer


@pytest.fixture
def telemetry() -> CountingTelemetry:
    return CountingTelemetry()


@pytest.fixture
def services(
    tmp_path: Path, sample_artifact: Path, telemetry: CountingTelemetry
) -> Iterator[Services]:
    path = tmp_path / "bot.sqlite"
    store = SqliteStore(str(path))
    load_artifact(sample_artifact, store)
    settings = Settings(
        store_url=f"sqlite:///{path}",
        store_configured=True,
        cache_dir=tmp_path / "cache",
        admins=frozenset({sr.ADMIN}),
    )
    try:
        yield build_services(settings, store=store, retrainer=IdleRetrainer(), telemetry=telemetry)
    finally:
        store.close()


@pytest.fixture
def context(services: Services) -> BoltContext:
    """What the app's middleware leaves in every request's context."""
    context = BoltContext()
    put_services(context, services)
    return context


@pytest.fixture
def client(slack_api: LocalSlackApi) -> WebClient:
    return WebClient(token=sr.BOT_TOKEN, base_url=slack_api.url)


@pytest.fixture
def respond(slack_api: LocalSlackApi) -> Respond:
    return Respond(response_url=slack_api.response_url())
