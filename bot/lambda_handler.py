"""The bot's Lambda entry (a Function URL is Slack's Request URL for everything).

Bolt's SlackRequestHandler with process_before_response=True: every listener acks at once and
does its work in a lazy listener, which Bolt runs by invoking this same function again
asynchronously. Powertools gives structured logs (never tokens or message text at info),
metrics (matches, misses, declines, latency) and traces. In AWS the bot token and signing
secret come from Secrets Manager (MOVIEBOT_SLACK_SECRET) through Powertools Parameters, cached.

A movie night's closing schedule (EventBridge Scheduler) invokes this function too, with
`bot.adapters.night_timer.close_night_event`: that closes the night instead.

Nothing is built at import: `handler` is one container's `lambda_entry()`, whose first request
builds the app and keeps it, rebuilding it when the credentials change (a rotated secret). While
they are missing, every request gets a 503 and the log says what is missing.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_bolt.adapter.aws_lambda.lazy_listener_runner import LambdaLazyListenerRunner

from bot.adapters.night_timer import night_of_event
from bot.adapters.observability import (
    PowertoolsTelemetry,
    configure_logging,
    logger,
    metrics,
    tracer,
)
from bot.adapters.slack_secret import MissingCredentials, SlackCredentials, read_credentials
from bot.bootstrap import Services, build_services
from bot.config import Settings
from bot.core.clock import utc_now
from bot.slack import night_flow
from bot.slack.app import build_app

# At most one uncached read of the secret per this many seconds, on a refused signature.
FORCED_READ_INTERVAL_SECONDS = 10.0
NOT_CONFIGURED = "moviebot is not configured yet: an admin must set its Slack credentials."

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def build_handler(
    settings: Settings, services: Services, lambda_client: Any | None = None
) -> SlackRequestHandler:
    """The Bolt handler for `settings`, whose Slack credentials are already resolved."""
    bolt = SlackRequestHandler(build_app(settings, services, process_before_response=True))
    # Its DEBUG line dumps every event (user text, response_url) before the signature is checked.
    bolt.logger.setLevel(max(bolt.logger.getEffectiveLevel(), logging.INFO))
    if lambda_client is not None:
        # Where the lazy self-invocation goes (tests and benchmarks route it in-process).
        runner = bolt.app.listener_runner.lazy_listener_runner
        if isinstance(runner, LambdaLazyListenerRunner):
            runner.lambda_client = lambda_client
    return bolt


class _Bot:
    """The container's bot: services built once, the Bolt handler rebuilt whenever the Slack
    credentials change (a rotated secret), and a clean refusal while they are missing."""

    def __init__(self, settings: Settings, lambda_client: Any | None) -> None:
        self._settings = settings
        self._lambda_client = lambda_client
        self._lock = threading.Lock()
        self._services: Services | None = None
        self._built: tuple[SlackCredentials, SlackRequestHandler] | None = None
        self._forced_at = -math.inf

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            # Cached by Powertools for SECRET_MAX_AGE_SECONDS, then read again.
            credentials = self._credentials()
            response = self._handler_for(credentials).handle(event, context)
            if response["statusCode"] == HTTPStatus.UNAUTHORIZED and self._may_force_read():
                # Slack may already sign with a rotated secret that the cache predates.
                fresh = self._credentials(force=True)
                if fresh != credentials:
                    response = self._handler_for(fresh).handle(event, context)
            return response
        except MissingCredentials as exc:
            logger.error(f"refusing Slack requests: {exc}")
            return _not_configured()

    def close_night(self, night_id: str) -> dict[str, Any]:
        """A night's closing schedule ran (bot.adapters.night_timer): close it, update its
        message and announce the winner, with the same services and Slack client as a click."""
        bolt = self._handler_for(self._credentials())
        assert self._services is not None  # built with the handler
        night_flow.close_by_timer(self._services, bolt.app.client, night_id, utc_now())
        return {"closed": night_id}

    def _credentials(self, *, force: bool = False) -> SlackCredentials:
        return read_credentials(
            self._settings.slack_secret_name,
            bot_token=self._settings.slack_bot_token,
            signing_secret=self._settings.slack_signing_secret,
            force=force,
        )

    def _handler_for(self, credentials: SlackCredentials) -> SlackRequestHandler:
        with self._lock:
            if self._built is None or self._built[0] != credentials:
                if self._built is not None:
                    logger.info("the Slack credentials changed: rebuilding the app")
                settings = self._settings.with_slack_credentials(
                    credentials.bot_token, credentials.signing_secret
                )
                if self._services is None:
                    self._services = build_services(
                        settings,
                        telemetry=PowertoolsTelemetry(),
                        lambda_client=self._lambda_client,
                    )
                bolt = build_handler(settings, self._services, self._lambda_client)
                self._built = (credentials, bolt)
            return self._built[1]

    def _may_force_read(self) -> bool:
        # A flood of forged requests must not become a flood of Secrets Manager reads.
        with self._lock:
            now = time.monotonic()
            if now - self._forced_at < FORCED_READ_INTERVAL_SECONDS:
                return False
            self._forced_at = now
            return True


def _not_configured() -> dict[str, Any]:
    # 503: the fault is ours, not the caller's; the body names nothing about the setup.
    return {
        "statusCode": HTTPStatus.SERVICE_UNAVAILABLE.value,
        "headers": {"content-type": "text/plain"},
        "body": NOT_CONFIGURED,
    }


class _Container:
    """What one Lambda container keeps between requests: its bot, built from the environment at
    the first request (nothing at import)."""

    def __init__(self, lambda_client: Any | None) -> None:
        self._lambda_client = lambda_client
        self._lock = threading.Lock()
        self._bot: _Bot | None = None

    def bot(self) -> _Bot:
        with self._lock:
            if self._bot is None:
                settings = Settings.from_env()
                configure_logging(settings.log_level, also=("slack_bolt",))
                self._bot = _Bot(settings, self._lambda_client)
            return self._bot


def lambda_entry(lambda_client: Any | None = None) -> LambdaHandler:
    """The Lambda entry of one container. Bolt's lazy self-invocations go through
    `lambda_client` (boto3's Lambda client when None; in-process elsewhere)."""
    container = _Container(lambda_client)

    @metrics.log_metrics
    @tracer.capture_lambda_handler(capture_response=False)
    @logger.inject_lambda_context(log_event=False)
    def entry(event: dict[str, Any], context: Any) -> dict[str, Any]:
        headers = event.get("headers") or {}
        lazy = bool(headers.get("x-slack-bolt-lazy-only"))
        night_id = night_of_event(event)
        if night_id is not None:
            logger.append_keys(night=night_id)
            return container.bot().close_night(night_id)
        logger.append_keys(lazy=lazy, retry=headers.get("x-slack-retry-num"))
        metrics.add_metric(name="LazyRuns" if lazy else "Requests", unit=MetricUnit.Count, value=1)
        return container.bot().handle(event, context)

    return entry


# What template.yaml names (bot.lambda_handler.handler).
handler = lambda_entry()
