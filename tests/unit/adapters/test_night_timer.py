"""A night's closing time in AWS: a one-time EventBridge Scheduler schedule (moto: there is no
local Scheduler) that invokes the bot's function with the event it routes to the close."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import boto3
from moto import mock_aws

from bot.adapters.night_timer import (
    SchedulerNightTimer,
    at_expression,
    close_night_event,
    night_of_event,
    schedule_name,
)

TARGET = "arn:aws:lambda:eu-west-1:123456789012:function:moviebot-bot"
ROLE = "arn:aws:iam::123456789012:role/moviebot-night-scheduler"


def test_a_closing_time_becomes_a_one_time_schedule_deleted_after_it_runs() -> None:
    with mock_aws():
        client = boto3.client("scheduler", region_name="eu-west-1")
        client.create_schedule_group(Name="moviebot-nights")
        timer = SchedulerNightTimer("moviebot-nights", ROLE, TARGET, client=client)
        closes = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)
        assert timer.schedule("n/1 2", closes)
        got = client.get_schedule(Name=schedule_name("n/1 2"), GroupName="moviebot-nights")
    assert got["ScheduleExpression"] == "at(2026-12-01T21:30:00)"
    assert got["ScheduleExpressionTimezone"] == "UTC"
    assert got["ActionAfterCompletion"] == "DELETE"
    assert got["Target"]["Arn"] == TARGET and got["Target"]["RoleArn"] == ROLE
    assert night_of_event(json.loads(got["Target"]["Input"])) == "n/1 2"


def test_a_failed_schedule_is_reported_not_raised() -> None:
    with mock_aws():
        client = boto3.client("scheduler", region_name="eu-west-1")
        timer = SchedulerNightTimer("no-such-group", ROLE, TARGET, client=client)
        assert not timer.schedule("n1", datetime(2026, 12, 1, tzinfo=UTC))


def test_at_expression_is_utc_whatever_the_zone() -> None:
    paris = timezone(timedelta(hours=1))
    assert at_expression(datetime(2026, 12, 1, 22, 0, tzinfo=paris)) == "at(2026-12-01T21:00:00)"


def test_schedule_names_are_valid_and_short() -> None:
    name = schedule_name("x" * 100 + "/:#")
    assert len(name) <= 64 and name.startswith("night-")
    assert all(c.isalnum() or c in "-_." for c in name)


def test_only_the_schedules_event_names_a_night() -> None:
    assert night_of_event(close_night_event("n1")) == "n1"
    assert night_of_event({"source": "slack", "night_id": "n1"}) is None
    assert night_of_event({"source": "moviebot.night"}) is None


def test_a_cancelled_closing_time_leaves_no_schedule_and_a_missing_one_is_fine() -> None:
    with mock_aws():
        client = boto3.client("scheduler", region_name="eu-west-1")
        client.create_schedule_group(Name="moviebot-nights")
        timer = SchedulerNightTimer("moviebot-nights", ROLE, TARGET, client=client)
        assert timer.schedule("n1", datetime(2026, 12, 1, 21, 30, tzinfo=UTC))
        timer.cancel("n1")
        listed = client.list_schedules(GroupName="moviebot-nights")["Schedules"]
        timer.cancel("n1")  # gone already (run, or cancelled): nothing to do
        timer.cancel("never-scheduled")
    assert listed == []
