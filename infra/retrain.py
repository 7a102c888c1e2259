"""The retrain Lambda's handler: EventBridge Scheduler invokes it (its input: `{"source":
"schedule", "requested_by": "schedule"}`), and so does the bot's `/movie-admin retrain`
(`{"requested_by": "U123"}`, asynchronously: the IMDb refresh can take minutes). The work is
infra/retraining.py. Its answer (started / already running) and any error go to the notify
function as Lambda destination records, so the admin channel hears about them.

Metrics: RetrainsStarted, RetrainAlreadyRunning, RetrainsFailed (no job started: an error)."""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.common import DictWrapper
from aws_lambda_powertools.utilities.typing import LambdaContext

from bot.adapters.observability import configure_logging, logger, metrics, tracer
from bot.adapters.store import open_store
from bot.config import RetrainSettings
from infra.retraining import retrain

RESULT_METRICS = {"started": "RetrainsStarted", "already_running": "RetrainAlreadyRunning"}


class RetrainRequest(DictWrapper):
    """Who asked for a retrain: the bot's admin, or "schedule" (Scheduler sends its input as
    is, not an EventBridge event); an EventBridge event names its source."""

    @property
    def requested_by(self) -> str:
        return str(self.get("requested_by") or self.get("source") or "unknown")


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any] | None, context: LambdaContext) -> dict[str, str]:
    settings = RetrainSettings.from_env()
    configure_logging(settings.log_level)
    request = RetrainRequest(event or {})
    store = (
        open_store(settings.store_url, endpoint_url=settings.aws_endpoint_url)
        if settings.store_url
        else None
    )
    try:
        result = retrain(
            settings,
            sagemaker=boto3.client("sagemaker"),
            s3=boto3.client("s3"),
            store=store,
            requested_by=request.requested_by,
        )
    except Exception:
        # Raised on: the template's OnFailure destination tells the admin channel.
        metrics.add_metric(name="RetrainsFailed", unit=MetricUnit.Count, value=1)
        raise
    finally:
        if store is not None:
            store.close()
    metrics.add_metric(name=RESULT_METRICS[result.status], unit=MetricUnit.Count, value=1)
    return result.to_dict()
