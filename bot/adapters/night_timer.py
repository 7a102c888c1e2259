"""A movie night's closing time, set where the bot runs.

In AWS each closing time is a one-time EventBridge Scheduler schedule (`at(...)`, deleted by
the scheduler once it has run) that invokes the bot's own function with `close_night_event`;
the function closes the night then (bot.lambda_handler). On a laptop nothing is scheduled:
the server's and the terminal chat's timer asks the use case which nights are due."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

log = logging.getLogger(__name__)

# What the schedule sends the bot's function; bot.lambda_handler routes on SOURCE.
SOURCE = "moviebot.night"
_NAME_CHARS = re.compile(r"[^0-9A-Za-z_.-]")
NAME_LIMIT = 64  # EventBridge Scheduler's limit on a schedule's name


class NightTimer(Protocol):
    def schedule(self, night_id: str, closes_at: datetime) -> bool:
        """Arrange for the night to be closed at `closes_at`; False when that failed."""
        ...

    def cancel(self, night_id: str) -> None:
        """The night was closed before its time: nothing is left to close it again."""
        ...


def close_night_event(night_id: str) -> dict[str, str]:
    return {"source": SOURCE, "night_id": night_id}


def night_of_event(event: dict[str, Any]) -> str | None:
    """The night a scheduler invocation closes, or None when the event is not one."""
    if event.get("source") != SOURCE:
        return None
    night_id = event.get("night_id")
    return night_id if isinstance(night_id, str) and night_id else None


def schedule_name(night_id: str) -> str:
    return ("night-" + _NAME_CHARS.sub("-", night_id))[:NAME_LIMIT]


def at_expression(closes_at: datetime) -> str:
    """`at(yyyy-mm-ddThh:mm:ss)` in UTC (the schedule's time zone is set to UTC too)."""
    utc = closes_at.astimezone(UTC) if closes_at.tzinfo else closes_at.replace(tzinfo=UTC)
    return f"at({utc:%Y-%m-%dT%H:%M:%S})"


class NoNightTimer:
    """The laptop's: the timer thread polls for due nights, so nothing is scheduled."""

    def schedule(self, night_id: str, closes_at: datetime) -> bool:
        return True

    def cancel(self, night_id: str) -> None:
        return None


@dataclass
class SchedulerNightTimer:
    group: str
    role_arn: str
    target_arn: str
    client: Any | None = None

    def _scheduler(self) -> Any:
        if self.client is None:
            import boto3

            self.client = boto3.client("scheduler")
        return self.client

    def schedule(self, night_id: str, closes_at: datetime) -> bool:
        try:
            self._scheduler().create_schedule(
                Name=schedule_name(night_id),
                GroupName=self.group,
                ScheduleExpression=at_expression(closes_at),
                ScheduleExpressionTimezone="UTC",
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target={
                    "Arn": self.target_arn,
                    "RoleArn": self.role_arn,
                    "Input": json.dumps(close_night_event(night_id)),
                    # A close is idempotent, but a late retry would only repeat it.
                    "RetryPolicy": {"MaximumRetryAttempts": 2},
                },
            )
        except Exception as exc:
            log.error("could not schedule the closing of night %s: %s", night_id, exc)
            return False
        return True

    def cancel(self, night_id: str) -> None:
        """Delete the night's schedule; one already run (and deleted) or never made is fine.
        A failure is only logged: the night is closed, a late run of the schedule changes
        nothing (bot.slack.night_flow.close_by_timer)."""
        client = self._scheduler()
        try:
            client.delete_schedule(Name=schedule_name(night_id), GroupName=self.group)
        except client.exceptions.ResourceNotFoundException:
            pass
        except Exception as exc:
            log.warning("could not delete the closing schedule of night %s: %s", night_id, exc)
