"""`LambdaRetrainer`: the retrain in AWS, an asynchronous invoke of the retrain Lambda
(infra/retrain.py), which starts the SageMaker training job."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.adapters.retrainers.base import RetrainStart, already_running
from bot.adapters.store.base import RunLog
from bot.core.clock import Clock, utc_now

log = logging.getLogger(__name__)


class LambdaRetrainer:
    """Invokes the retrain Lambda asynchronously; it starts SageMaker and keeps the single-flight
    check authoritative. This side refuses early when the store already shows a run in
    progress."""

    def __init__(
        self,
        function_name: str,
        store: RunLog,
        client: Any | None = None,
        *,
        max_runtime_seconds: int,
        clock: Clock = utc_now,
    ) -> None:
        self._function = function_name
        self._store = store
        self._client = client
        self._max_runtime_seconds = max_runtime_seconds
        self._clock = clock

    def start(self, requested_by: str) -> RetrainStart:
        running = already_running(
            self._store.latest_run(), self._max_runtime_seconds, self._clock()
        )
        if running is not None:
            return running
        if self._client is None:
            import boto3

            self._client = boto3.client("lambda")
        try:
            self._client.invoke(
                FunctionName=self._function,
                InvocationType="Event",
                Payload=json.dumps({"source": "slack", "requested_by": requested_by}).encode(),
            )
        except Exception as exc:
            log.exception("could not invoke the retrain function")
            return RetrainStart(
                "failed", f"could not start the retrain service: {type(exc).__name__}"
            )
        return RetrainStart(
            "started", "a SageMaker training job is starting; I will load its model when it ends"
        )
