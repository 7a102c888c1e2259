"""The bot's Lambda entry (a Function URL is Slack's Request URL for everything).

Bolt's SlackRequestHandler with process_before_response=True: every listener acks at once and
does its work in a lazy listener, which Bolt runs by invoking this same function again
asynchronously. Powertools gives structured logs (never tokens or message text at info),
metrics (matches, misses, declines, latency) and traces. In AWS the bot token and signing
secret come from Secrets Manager (MOVIEBOT_SLACK_SECRET) through Powertools Parameters, cached.

Nothing is built at import: the first request builds the app and keeps it for the container.
"""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_bolt.adapter.aws_lambda.lazy_listener_runner import LambdaLazyListenerRunner

from bot.adapters.slack_secret import with_slack_secret
from bot.bootstrap import Services, build_services
from bot.config import Settings
from bot.slack.app import build_app

SERVICE = "moviebot"

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
    settings: Settings, services: Services | None = None, lambda_client: Any | None = None
) -> SlackRequestHandler:
    settings = with_slack_secret(settings)
    services = services or build_services(
        settings, telemetry=PowertoolsTelemetry(metrics), lambda_client=lambda_client
    )
    handler = SlackRequestHandler(build_app(settings, services, process_before_response=True))
    if lambda_client is not None:
        # Where the lazy self-invocation goes (tests and benchmarks route it in-process).
        runner = handler.app.listener_runner.lazy_listener_runner
        if isinstance(runner, LambdaLazyListenerRunner):
            runner.lambda_client = lambda_client
    return handler


_lock = threading.Lock()
_handler: SlackRequestHandler | None = None
_lambda_client: Any | None = None


def use_lambda_client(client: Any | None) -> None:
    """Route lazy self-invocations to `client` (e.g. an in-process stand-in) and rebuild."""
    global _lambda_client
    _lambda_client = client
    reset()


def reset() -> None:
    global _handler
    with _lock:
        _handler = None


def _current() -> SlackRequestHandler:
    global _handler
    with _lock:
        if _handler is None:
            settings = Settings.from_env()
            logger.setLevel(settings.log_level)
            copy_config_to_registered_loggers(source_logger=logger, include={"bot", "slack_bolt"})
            _handler = build_handler(settings, lambda_client=_lambda_client)
        return _handler


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    headers = event.get("headers") or {}
    lazy = bool(headers.get("x-slack-bolt-lazy-only"))
    logger.append_keys(lazy=lazy, retry=headers.get("x-slack-retry-num"))
    metrics.add_metric(name="LazyRuns" if lazy else "Requests", unit=MetricUnit.Count, value=1)
    return _current().handle(event, context)
