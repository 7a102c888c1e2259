"""The notify and loader Lambdas driven with the events AWS sends: an S3 put of model.tar.gz
(moto S3), EventBridge's "SageMaker Training Job State Change", and the loader's Lambda
destination record; the store is DynamoDB Local, Slack is the local Web API stand-in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.adapters.store.dynamodb import DynamoStore
from bot.core.models import RunState, TrainingRun
from bot.tools.local_slack import LocalSlackApi
from infra import loader, notify
from tests.fixtures.artifacts import write_artifact
from tests.fixtures.aws_events import JOB, lambda_context, s3_put_event, sagemaker_state_change
from tests.fixtures.lambda_output import LambdaOutput
from tests.integration.infra.conftest_helpers import BUCKET, REGION, model_tarball

KEY = f"models/{JOB}/output/model.tar.gz"
ADMIN_CHANNEL = "C0ADMINS"
LOADER = lambda_context("moviebot-loader")
NOTIFY = lambda_context("moviebot-notify")


def state_change(status: str, **detail: Any) -> dict[str, Any]:
    artifacts = {"S3ModelArtifacts": f"s3://{BUCKET}/{KEY}"}
    return sagemaker_state_change(
        status, job=JOB, region=REGION, ModelArtifacts=artifacts, **detail
    )


def destination_record(
    request: dict[str, Any], response: dict[str, Any], condition: str
) -> dict[str, Any]:
    """What Lambda sends a destination after an asynchronous invocation."""
    return {
        "version": "1.0",
        "timestamp": "2030-01-02T04:11:00.000Z",
        "requestContext": {
            "requestId": "c2a6f2ae-7dbb-4d22-8782-d0485c9877e2",
            "functionArn": f"arn:aws:lambda:{REGION}:123456789012:function:moviebot-loader:$LATEST",
            "condition": condition,
            "approximateInvokeCount": 1,
        },
        "requestPayload": request,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": response,
    }


@pytest.fixture
def env(
    aws: None,
    dynamodb_local: str,
    dynamodb_table: str,
    slack_api: LocalSlackApi,
    monkeypatch: pytest.MonkeyPatch,
) -> DynamoStore:
    """The environment template.yaml gives the loader and notify, pointed at local stand-ins."""
    for name, value in {
        "MOVIEBOT_STORE": f"dynamodb://{dynamodb_table}",
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_local,
        "MOVIEBOT_ADMIN_CHANNEL": ADMIN_CHANNEL,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": slack_api.url,
    }.items():
        monkeypatch.setenv(name, value)
    return DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)


def upload_model(tmp_path: Path, version: str = "v-2030-01-02", **manifest: Any) -> int:
    model_dir = write_artifact(tmp_path / version, version=version, **manifest)
    body = model_tarball(model_dir)
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=KEY, Body=body)
    return len(body)


def test_completed_job_posts_the_summary_and_closes_the_run(
    env: DynamoStore, slack_api: LocalSlackApi, tmp_path: Path
) -> None:
    upload_model(tmp_path, metrics={"silhouette": 0.25})
    # what the retrain Lambda recorded when it started the job
    env.record_run(TrainingRun(JOB, RunState.IN_PROGRESS, "2030-01-02T03:04:05Z", detail="x"))

    answer = notify.handler(state_change("Completed"), NOTIFY)

    assert answer == {"job": JOB, "status": "Completed", "posted": True}
    (post,) = slack_api.calls("chat.postMessage")
    assert post["channel"] == ADMIN_CHANNEL
    assert "completed in 60 min: model v-2030-01-02" in post["text"]
    blocks = json.dumps(post["blocks"])
    assert "silhouette 0.25" in blocks and "clusters" in blocks
    assert f"#/jobs/{JOB}" in blocks
    assert slack_api.headers("chat.postMessage")[0]["authorization"] == "Bearer xoxb-test-token"

    run = env.latest_run()
    assert run is not None
    assert (run.run_id, run.state, run.version) == (JOB, RunState.COMPLETED, "v-2030-01-02")
    assert (run.started_at, run.ended_at) == ("2030-01-02T03:04:05Z", "2030-01-02T04:05:05Z")
    # the same item the retrain Lambda wrote, updated: not a second run
    items = env.client.query(
        TableName=env.table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "RUN"}},
    )["Items"]
    assert len(items) == 1


def test_a_manifest_the_loader_would_refuse_gives_no_summary(
    env: DynamoStore, slack_api: LocalSlackApi, tmp_path: Path
) -> None:
    upload_model(tmp_path, k="forty", metrics={"silhouette": 0.25})
    assert notify.handler(state_change("Completed"), NOTIFY)["posted"] is True
    (post,) = slack_api.calls("chat.postMessage")
    assert "completed in 60 min" in post["text"]
    blocks = json.dumps(post["blocks"])
    assert "could not be read" in blocks and "forty" not in blocks and "silhouette" not in blocks
    run = env.latest_run()
    assert run is not None and run.state is RunState.COMPLETED


def test_a_run_an_older_version_started_shows_as_ended(
    env: DynamoStore, slack_api: LocalSlackApi
) -> None:
    # Before one timestamp format, the retrain Lambda wrote "+00:00"; the run's end, written
    # now, sorts after it, so the status shows the run ended (the old item stays, unread).
    env.record_run(TrainingRun(JOB, RunState.IN_PROGRESS, "2030-01-02T03:04:05+00:00"))
    notify.handler(state_change("Failed", FailureReason="AlgorithmError: boom"), NOTIFY)
    run = env.latest_run()
    assert run is not None and (run.run_id, run.state) == (JOB, RunState.FAILED)
    assert (run.started_at, run.ended_at) == ("2030-01-02T03:04:05Z", "2030-01-02T04:05:05Z")


def test_failed_job_posts_the_reason(env: DynamoStore, slack_api: LocalSlackApi) -> None:
    answer = notify.handler(
        state_change("Failed", FailureReason="AlgorithmError: no movies left after filtering"),
        NOTIFY,
    )
    assert answer["posted"] is True
    (post,) = slack_api.calls("chat.postMessage")
    assert "failed after 60 min: AlgorithmError: no movies left after filtering" in post["text"]
    run = env.latest_run()
    assert run is not None and run.state is RunState.FAILED
    assert "no movies left" in run.detail


def test_notify_logs_json_lines_and_counts_ended_jobs_by_status(
    env: DynamoStore, slack_api: LocalSlackApi, lambda_output: LambdaOutput
) -> None:
    notify.handler(state_change("Failed", FailureReason="boom"), NOTIFY)
    notify.handler(state_change("Completed"), NOTIFY)  # its model.tar.gz is not in S3

    assert lambda_output.dimensions_of("TrainingJobsEnded") == [
        {"service": "moviebot", "status": "Failed"},
        {"service": "moviebot", "status": "Completed"},
    ]
    assert lambda_output.metrics()["AdminMessagesPosted"] == [1, 1]
    # infra/model_archive.py logs with plain `logging`: its records go out as Powertools JSON.
    [unread] = lambda_output.logs_from("infra.model_archive")
    assert (
        unread["level"] == "WARNING"
        and f"could not read manifest.json from s3://{BUCKET}/{KEY}" in unread["message"]
    )
    assert unread["service"] == "moviebot" and unread["function_name"] == "moviebot-notify"


def test_the_token_comes_from_secrets_manager_in_aws(
    env: DynamoStore, slack_api: LocalSlackApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    name = f"moviebot/slack-{tmp_path.name}"  # unique: Powertools caches secrets by name
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=name,
        SecretString=json.dumps(
            {"SLACK_BOT_TOKEN": "xoxb-from-secret", "SLACK_SIGNING_SECRET": "s"}
        ),
    )
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("MOVIEBOT_SLACK_SECRET", name)
    notify.handler(state_change("Stopped"), NOTIFY)
    assert slack_api.headers("chat.postMessage")[0]["authorization"] == "Bearer xoxb-from-secret"


def test_without_an_admin_channel_nothing_is_posted_but_the_run_is_recorded(
    env: DynamoStore, slack_api: LocalSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOVIEBOT_ADMIN_CHANNEL")
    answer = notify.handler(state_change("Failed", FailureReason="boom"), NOTIFY)
    assert answer["posted"] is False
    assert slack_api.calls("chat.postMessage") == []
    run = env.latest_run()
    assert run is not None and run.state is RunState.FAILED


def test_s3_put_loads_the_model_and_the_destination_record_announces_it(
    env: DynamoStore, slack_api: LocalSlackApi, tmp_path: Path
) -> None:
    size = upload_model(tmp_path)
    event = s3_put_event(BUCKET, KEY, size)

    result = loader.handler(event, LOADER)

    (loaded,) = result["results"]
    assert loaded["loaded"] is True and loaded["activated"] is True
    active = env.active()
    assert active is not None and active.version == "v-2030-01-02"
    assert env.movie("v-2030-01-02", "tt0133093") is not None

    # Lambda hands the loader's answer to notify (OnSuccess destination)
    answer = notify.handler(destination_record(event, result, "Success"), NOTIFY)
    assert answer == {"from": "loader", "messages": 1, "posted": 1}
    (post,) = slack_api.calls("chat.postMessage")
    assert post["channel"] == ADMIN_CHANNEL
    assert post["text"].startswith("Now serving model v-2030-01-02:")


def test_loading_the_same_model_again_says_nothing(
    env: DynamoStore, slack_api: LocalSlackApi, tmp_path: Path
) -> None:
    event = s3_put_event(BUCKET, KEY, upload_model(tmp_path))
    loader.handler(event, LOADER)
    again = loader.handler(event, LOADER)
    assert again["results"][0]["activated"] is False
    assert notify.handler(destination_record(event, again, "Success"), NOTIFY)["messages"] == 0
    assert slack_api.calls("chat.postMessage") == []


def test_a_refused_artifact_and_a_crashed_loader_are_both_reported(
    env: DynamoStore, slack_api: LocalSlackApi
) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=KEY, Body=b"not a tarball")
    event = s3_put_event(BUCKET, KEY, 13)
    result = loader.handler(event, LOADER)
    assert result["results"][0]["loaded"] is False
    assert env.active() is None  # nothing half-loaded became active

    notify.handler(destination_record(event, result, "Success"), NOTIFY)
    crash = {"errorMessage": "Task timed out after 900.00 seconds", "errorType": "Sandbox.Timedout"}
    notify.handler(destination_record(event, crash, "RetriesExhausted"), NOTIFY)

    refused, crashed = slack_api.calls("chat.postMessage")
    assert refused["text"].startswith(f"Model not loaded from s3://{BUCKET}/{KEY}:")
    assert "Sandbox.Timedout: Task timed out" in crashed["text"]
