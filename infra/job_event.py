"""SageMaker's "Training Job State Change" event, as EventBridge delivers it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent

from bot.core.clock import format_utc, parse_utc

DETAIL_TYPE = "SageMaker Training Job State Change"
ENDED = {"Completed", "Failed", "Stopped"}


@dataclass(frozen=True)
class JobEvent:
    name: str
    status: str
    region: str
    failure_reason: str = ""
    secondary_status: str = ""
    artifact_uri: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    billable_seconds: int | None = None

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> JobEvent:
        """The job in an EventBridge event (or its plain dict); ValueError for another event."""
        change = event if isinstance(event, EventBridgeEvent) else EventBridgeEvent(dict(event))
        if change.get("detail-type") != DETAIL_TYPE:
            raise ValueError(f"not a {DETAIL_TYPE!r} event: {change.get('detail-type')!r}")
        # EventBridge always sends these; the job's own fields are read with care.
        detail = change.detail
        return cls(
            name=str(detail["TrainingJobName"]),
            status=str(detail["TrainingJobStatus"]),
            region=change.region,
            failure_reason=str(detail.get("FailureReason") or ""),
            secondary_status=str(detail.get("SecondaryStatus") or ""),
            artifact_uri=(detail.get("ModelArtifacts") or {}).get("S3ModelArtifacts"),
            created_at=_iso(detail.get("CreationTime")),
            started_at=_iso(detail.get("TrainingStartTime") or detail.get("CreationTime")),
            ended_at=_iso(detail.get("TrainingEndTime") or change.time),
            billable_seconds=detail.get("BillableTimeInSeconds"),
        )

    @property
    def console_url(self) -> str:
        return (
            f"https://{self.region}.console.aws.amazon.com/sagemaker/home"
            f"?region={self.region}#/jobs/{quote(self.name)}"
        )


def _iso(value: Any) -> str | None:
    """EventBridge carries SageMaker times as epoch milliseconds; accept ISO strings too."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return format_utc(datetime.fromtimestamp(value / 1000, UTC))
    return str(value)


def duration_text(job: JobEvent) -> str:
    start = parse_utc(job.started_at) if job.started_at else None
    end = parse_utc(job.ended_at) if job.ended_at else None
    if start is not None and end is not None:
        return f"{max(0, round((end - start).total_seconds() / 60))} min"
    if job.billable_seconds is not None:
        return f"{round(job.billable_seconds / 60)} billable min"
    return "unknown time"
