"""The loader Lambda's handler: S3 invokes it when SageMaker writes `models/.../model.tar.gz`
(an S3 notification; S3's EventBridge event is taken too). It names the archives; loading them
is infra/loading.py. Its answer goes to the notify function as a Lambda destination record.

Metrics: ModelsLoaded and LoadFailed (archives), LoadSeconds (per archive loaded)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any
from urllib.parse import unquote_plus

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.data_classes.s3_event import S3EventBridgeNotificationEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from bot.adapters.observability import configure_logging, logger, metrics, tracer
from bot.config import Settings
from infra.loading import LoadOutcome, load_models
from infra.model_archive import ARCHIVE_NAME


def _notified(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if "Records" in event:
        for record in S3Event(dict(event)).records:
            # A record without a bucket or key is nothing of ours. S3 sends the key URL-encoded.
            with suppress(KeyError):
                found.append((record.s3.bucket.name, unquote_plus(record.s3.get_object.key)))
    if "detail" in event:
        detail = S3EventBridgeNotificationEvent(dict(event)).detail
        with suppress(KeyError):
            found.append((detail.bucket.name, detail.object.key))
    return found


def model_objects(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of each model.tar.gz in an S3 notification (or EventBridge) event."""
    return [(bucket, key) for bucket, key in _notified(event) if key.endswith(ARCHIVE_NAME)]


def _measure(outcomes: list[LoadOutcome]) -> None:
    for outcome in outcomes:
        if outcome.report is None:
            metrics.add_metric(name="LoadFailed", unit=MetricUnit.Count, value=1)
        else:
            metrics.add_metric(name="ModelsLoaded", unit=MetricUnit.Count, value=1)
            metrics.add_metric(name="LoadSeconds", unit=MetricUnit.Seconds, value=outcome.seconds)


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    outcomes = load_models(model_objects(event), settings, s3=boto3.client("s3"))
    _measure(outcomes)
    return {"results": [outcome.to_dict() for outcome in outcomes]}
