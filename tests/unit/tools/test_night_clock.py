"""The laptop's night timer (`serve` runs it in a thread): it closes the nights whose closing
time has passed, updates their message and announces the winner, and leaves the rest open."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.adapters.store.sqlite import SqliteStore
from bot.bootstrap import build_services
from bot.config import Settings
from bot.slack.services import Services
from bot.tools.local_slack import LocalSlackApi
from bot.tools.night_clock import NightClock
from bot.usecases.loader import load_artifact
from tests.e2e import slack_requests as sr


@pytest.fixture
def services(tmp_path: Path, sample_artifact: Path) -> Iterator[Services]:
    store = SqliteStore(str(tmp_path / "bot.sqlite"))
    load_artifact(sample_artifact, store)
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'bot.sqlite'}", store_configured=True)
    try:
        yield build_services(settings, store=store)
    finally:
        store.close()


def _night(services: Services, now: datetime, closes_in: timedelta) -> str:
    outcome = services.nights.start(sr.CHANNEL, sr.USER, "like heat", now + closes_in)
    assert outcome.night is not None
    services.store.set_message_ts(outcome.night.night_id, "1700000000.000001")
    return outcome.night.night_id


def test_the_clock_thread_closes_only_the_nights_that_are_due(
    services: Services, slack_api: LocalSlackApi
) -> None:
    # Read now, not at import: the start refuses a closing time already past.
    now = datetime.now(UTC)
    soon = _night(services, now, timedelta(minutes=1))
    later = _night(services, now, timedelta(hours=3))
    client = WebClient(token=sr.BOT_TOKEN, base_url=slack_api.url)
    clock = NightClock(services, client, 0.02, clock=lambda: now + timedelta(minutes=2)).start()
    try:
        deadline = time.monotonic() + 10
        while services.store.night(soon).state == "open" and time.monotonic() < deadline:  # type: ignore[union-attr]
            time.sleep(0.02)
    finally:
        clock.stop()
    assert services.store.night(soon).state == "closed"  # type: ignore[union-attr]
    assert services.store.night(later).state == "open"  # type: ignore[union-attr]
    [update] = slack_api.calls("chat.update")
    assert update["ts"] == "1700000000.000001"
    assert "Tonight's film" in str(slack_api.calls("chat.postMessage")[0]["blocks"])


def test_a_failing_tick_is_logged_and_the_clock_goes_on(
    services: Services, slack_api: LocalSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> datetime:
        raise RuntimeError("clock broke")

    client = WebClient(token=sr.BOT_TOKEN, base_url=slack_api.url)
    assert NightClock(services, client, 1.0, clock=broken).tick() == []
    assert "closing due movie nights failed" in caplog.text
