"""Powertools' Logger, Metrics and Tracer, created once for every Lambda of the stack (the bot,
the loader, the retrainer, notify): one service name, one metrics namespace, JSON log lines.

Here in bot/ because the bot Lambda ships bot/ only; infra/ imports it from here. Creating them
does no I/O: the Tracer stays off outside Lambda (and wherever POWERTOOLS_TRACE_DISABLED is set),
and then records through a provider that does nothing rather than X-Ray's, whose import alone
costs a local cold start ~0.5 s.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit

from bot.adapters.untraced import UntracedProvider

SERVICE = "moviebot"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=SERVICE, service=SERVICE)


def _tracer() -> Tracer:
    # Powertools' own rule for "off" (outside Lambda, SAM local, POWERTOOLS_TRACE_DISABLED).
    if Tracer._is_tracer_disabled():
        return Tracer(service=SERVICE, disabled=True, provider=UntracedProvider())
    return Tracer(service=SERVICE)


tracer = _tracer()


# The project's own loggers (`logging.getLogger(__name__)` in bot/ and infra/).
PROJECT_LOGGERS = ("bot", "infra")


def configure_logging(level: str, also: Iterable[str] = ()) -> None:
    """Log at `level`, and send the records of the project's plain `logging` loggers (and of
    the libraries named in `also`) through the Powertools logger: under the Lambda runtime
    `logging.basicConfig` does nothing, so they would otherwise reach CloudWatch unstructured,
    and nothing below WARNING at all."""
    logger.setLevel(level)
    copy_config_to_registered_loggers(source_logger=logger, include={*PROJECT_LOGGERS, *also})


class PowertoolsTelemetry:
    """The listeners' Telemetry (bot/adapters/telemetry.py) as Powertools metrics."""

    def __init__(self, sink: Metrics = metrics) -> None:
        self._metrics = sink

    def count(self, name: str, value: int = 1) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def timing(self, name: str, milliseconds: float) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=milliseconds)
