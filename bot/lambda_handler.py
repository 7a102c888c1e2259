"""The bot's Lambda entry (a Function URL is Slack's Request URL for everything).

Bolt's SlackRequestHandler with process_before_response=True: every listener acks at once and
does its work in a lazy listener, which Bolt runs by invoking this same function again
asynchronously. Powertools gives structured logs (never tokens or message text at info),
metrics (matches, misses, declines, latency) and traces. In AWS the bot token and signing
secret come from Secrets Manager (MOVIEBOT_SLACK_SECRET) through Powertools Parameters, cached.

Nothing is built at import: the first request builds the app and keeps it for the container,
rebuilding it when the credentials change (a rotated secret). While they are missing, every
request gets a 503 and the log says what is missing.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_bolt.adapter.aws_lambda.lazy_listener_runner import LambdaLazyListenerRunner

from bot.app import build_app
from bot.bootstrap import Services, build_services
from bot.config import Settings
from bot.slack_secret import MissingCredentials, SlackCredentials, read_credentials

SERVICE = "moviebot"
# At most one uncached read of the secret per this many seconds, on a refused signature.
FORCED_READ_INTERVAL_SECONDS = 10.0
NOT_CONFIGURED = "moviebot is not configured yet: an admin must set its Slack credentials."

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=SERVICE, service=SERVICE)
tracer = Tracer(service=SERVICE)


class PowertoolsTelemetry:
    def __init__(self, sink: Metrics) -> None:
        self._metrics = sink

    def count(self, name: str, value: int = 1) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def timing(self, name: str, milliseconds: float) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=milliseconds)


def build_handler(
    settings: Settings, services: Services, lambda_client: Any | None = None
) -> SlackRequestHandler:
    """The Bolt handler for `settings`, whose Slack credentials are already resolved."""
    handler = SlackRequestHandler(build_app(settings, services, process_before_response=True))
    # Its DEBUG line dumps every event (user text, response_url) before the signature is checked.
    handler.logger.setLevel(max(handler.logger.getEffectiveLevel(), logging.INFO))
    if lambda_client is not None:
        # Where the lazy self-invocation goes (tests and benchmarks route it in-process).
        runner = handler.app.listener_runner.lazy_listener_runner
        if isinstance(runner, LambdaLazyListenerRunner):
            runner.lambda_client = lambda_client
    return handler


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
            credentials = read_credentials(self._settings)
            response = self._handler_for(credentials).handle(event, context)
            if response["statusCode"] == HTTPStatus.UNAUTHORIZED and self._may_force_read():
                # Slack may already sign with a rotated secret that the cache predates.
                fresh = read_credentials(self._settings, force=True)
                if fresh != credentials:
                    response = self._handler_for(fresh).handle(event, context)
            return response
        except MissingCredentials as exc:
            logger.error(f"refusing Slack requests: {exc}")
            return _not_configured()

    def _handler_for(self, credentials: SlackCredentials) -> SlackRequestHandler:
        with self._lock:
            if self._built is None or self._built[0] != credentials:
                if self._built is not None:
                    logger.info("the Slack credentials changed: rebuilding the app")
                settings = credentials.apply(self._settings)
                if self._services is None:
                    self._services = build_services(
                        settings,
                        telemetry=PowertoolsTelemetry(metrics),
                        lambda_client=self._lambda_client,
                    )
                handler = build_handler(settings, self._services, self._lambda_client)
                self._built = (credentials, handler)
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


_lock = threading.Lock()
_bot: _Bot | None = None
_lambda_client: Any | None = None


def use_lambda_client(client: Any | None) -> None:
    """Route lazy self-invocations to `client` (e.g. an in-process stand-in) and rebuild."""
    global _lambda_client
    _lambda_client = client
    reset()


def reset() -> None:
    global _bot
    with _lock:
        _bot = None


def _current() -> _Bot:
    global _bot
    with _lock:
        if _bot is None:
            settings = Settings.from_env()
            logger.setLevel(settings.log_level)
            copy_config_to_registered_loggers(source_logger=logger, include={"bot", "slack_bolt"})
            _bot = _Bot(settings, _lambda_client)
        return _bot


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    headers = event.get("headers") or {}
    lazy = bool(headers.get("x-slack-bolt-lazy-only"))
    logger.append_keys(lazy=lazy, retry=headers.get("x-slack-retry-num"))
    metrics.add_metric(name="LazyRuns" if lazy else "Requests", unit=MetricUnit.Count, value=1)
    return _current().handle(event, context)
