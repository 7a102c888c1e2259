"""The notify function's handler: EventBridge sends it "SageMaker Training Job State Change" for
this stack's jobs, and Lambda sends it the loader's and the retrainer's outcomes as destination
records. What it posts and records is infra/notifying.py.

Metrics: TrainingJobsEnded (dimension: status), AdminMessagesPosted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from bot.adapters.observability import SERVICE, configure_logging, logger, metrics, tracer
from bot.adapters.store import open_store
from bot.config import Settings
from infra.job_event import ENDED, JobEvent
from infra.notifying import notify, notify_outcome


def is_destination_record(event: Mapping[str, Any]) -> bool:
    """A Lambda destination record (an asynchronous invocation's outcome)."""
    return "requestContext" in event and "responsePayload" in event


def _job_ended(status: str) -> None:
    # A metric of its own: its status dimension must not split the function's other metrics.
    with single_metric(
        name="TrainingJobsEnded", unit=MetricUnit.Count, value=1, namespace=SERVICE
    ) as metric:
        metric.add_dimension(name="service", value=SERVICE)
        metric.add_dimension(name="status", value=status)


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if is_destination_record(event):
        answer = notify_outcome(event, settings=settings)
    else:
        job = JobEvent.from_event(EventBridgeEvent(event))
        store_url = settings.configured_store_url
        store = open_store(store_url, endpoint_url=settings.aws_endpoint_url) if store_url else None
        try:
            answer = notify(job, settings=settings, s3=boto3.client("s3"), store=store)
        finally:
            if store is not None:
                store.close()
        if job.status in ENDED:
            _job_ended(job.status)
    metrics.add_metric(
        name="AdminMessagesPosted", unit=MetricUnit.Count, value=int(answer["posted"])
    )
    return answer
