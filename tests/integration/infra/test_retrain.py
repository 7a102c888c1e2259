"""The retrain Lambda against moto (SageMaker, S3), the IMDb stand-in and DynamoDB Local:
the CreateTrainingJob request it sends, the code bundle it uploads once, and single flight."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.adapters.retrainers.lambda_retrainer import LambdaRetrainer
from bot.adapters.store.dynamodb import DynamoStore
from bot.config import RetrainSettings
from bot.core.models import RunState
from infra import retrain, retraining
from infra.source_bundle import ENTRY_SCRIPT
from tests.e2e.slack_requests import InProcessLambda
from tests.fixtures.aws_events import lambda_context
from tests.fixtures.lambda_output import LambdaOutput
from tests.integration.infra.conftest_helpers import BUCKET, REGION, ImdbSite

NAMES = ("title.basics.tsv.gz", "title.ratings.tsv.gz", "title.akas.tsv.gz")
ROLE = "arn:aws:iam::123456789012:role/moviebot-sagemaker"
RETRAIN = lambda_context("moviebot-retrain")
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3"
T0 = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A training source tree as the Lambda package ships it."""
    for name, text in {
        "training/__init__.py": "",
        "training/train.py": "from training import helpers\n",
        "training/helpers.py": "",
        "training/requirements.txt": "scikit-learn==1.4.2\n",
        "bot/__init__.py": "",
        "bot/core/artifact.py": "",
    }.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "pkg"


@pytest.fixture
def site(imdb_site: ImdbSite) -> ImdbSite:
    for name in NAMES:
        imdb_site.put(name, f"{name} contents".encode())
    return imdb_site


def settings_for(site: ImdbSite, **overrides: Any) -> RetrainSettings:
    values: dict[str, Any] = {
        "bucket": BUCKET,
        "job_prefix": "moviebot",
        "role_arn": ROLE,
        "image_uri": IMAGE,
        "instance_type": "ml.m5.xlarge",
        "max_runtime_seconds": 3600,
        "clusters": 40,
        "imdb_base_url": site.url,
    }
    values.update(overrides)
    return RetrainSettings(**values)


def clients() -> tuple[Any, Any]:
    return boto3.client("sagemaker", region_name=REGION), boto3.client("s3", region_name=REGION)


def set_status(name: str, status: str) -> None:
    """What SageMaker reports while a job runs (moto marks jobs Completed at once)."""
    set_attribute(name, "training_job_status", status)


def set_attribute(name: str, attribute: str, value: str) -> None:
    """A field of moto's training job (moto has no StopTrainingJob, and never fails a job)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sagemaker.models import sagemaker_backends

    setattr(sagemaker_backends[DEFAULT_ACCOUNT_ID][REGION].training_jobs[name], attribute, value)


def test_the_training_job_request(aws: None, site: ImdbSite, source: Path) -> None:
    sagemaker, s3 = clients()
    result = retraining.start_retrain(
        settings_for(site),
        sagemaker=sagemaker,
        s3=s3,
        requested_by="U0ADMIN",
        source_root=source,
        now=T0,
    )
    assert result.status == "started" and result.job_name == "moviebot-20300102-030405"
    job = sagemaker.describe_training_job(TrainingJobName=result.job_name)

    assert job["AlgorithmSpecification"]["TrainingImage"] == IMAGE
    assert job["AlgorithmSpecification"]["TrainingInputMode"] == "File"
    assert job["RoleArn"] == ROLE
    hyper = {k: json.loads(v) for k, v in job["HyperParameters"].items()}
    code_uri = hyper.pop("sagemaker_submit_directory")
    assert hyper == {
        "clusters": 40,
        "data-dir": "/opt/ml/input/data/imdb",
        "sagemaker_program": ENTRY_SCRIPT,
        "sagemaker_region": REGION,
        "sagemaker_container_log_level": 20,
        "sagemaker_job_name": result.job_name,
    }
    (channel,) = job["InputDataConfig"]
    assert channel["ChannelName"] == "imdb"
    assert channel["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://{BUCKET}/imdb/"
    assert job["OutputDataConfig"]["S3OutputPath"] == f"s3://{BUCKET}/models/"
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 3600}
    assert job["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert not job.get("EnableManagedSpotTraining")

    # the code the job runs is in S3, under its content hash, and holds the entry script
    assert code_uri.startswith(f"s3://{BUCKET}/code/") and code_uri.endswith("/sourcedir.tar.gz")
    body = s3.get_object(Bucket=BUCKET, Key=code_uri.split(f"{BUCKET}/", 1)[1])["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        assert {ENTRY_SCRIPT, "requirements.txt", "training/train.py"} <= set(tar.getnames())
    # and the data it reads was refreshed first
    for name in NAMES:
        assert s3.get_object(Bucket=BUCKET, Key=f"imdb/{name}")["Body"].read() == site.files[name]


def test_spot_training_with_a_checkpoint(aws: None, site: ImdbSite, source: Path) -> None:
    sagemaker, s3 = clients()
    result = retraining.start_retrain(
        settings_for(site, use_spot=True), sagemaker=sagemaker, s3=s3, source_root=source, now=T0
    )
    job = sagemaker.describe_training_job(TrainingJobName=result.job_name)
    assert job["EnableManagedSpotTraining"] is True
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200}
    assert job["CheckpointConfig"] == {
        "S3Uri": f"s3://{BUCKET}/checkpoints/{result.job_name}/",
        "LocalPath": "/opt/ml/checkpoints",
    }


def test_single_flight_and_one_upload_per_source(aws: None, site: ImdbSite, source: Path) -> None:
    sagemaker, s3 = clients()
    puts: list[str] = []
    s3.meta.events.register(
        "provide-client-params.s3.PutObject", lambda params, **_: puts.append(params["Key"])
    )
    settings = settings_for(site)

    first = retraining.start_retrain(
        settings, sagemaker=sagemaker, s3=s3, source_root=source, now=T0
    )
    set_status(first.job_name, "InProgress")
    downloads = len(site.gets)

    second = retraining.start_retrain(
        settings, sagemaker=sagemaker, s3=s3, source_root=source, now=T0.replace(hour=4)
    )
    assert second.status == "already_running"
    assert second.job_name == first.job_name
    assert len(sagemaker.list_training_jobs()["TrainingJobSummaries"]) == 1
    assert len(site.gets) == downloads  # it did not even refresh the data

    # another stack's job in progress does not count
    set_status(first.job_name, "Completed")
    other = dict(settings.__dict__, job_prefix="otherbot")
    other_job = retraining.start_retrain(
        RetrainSettings(**other), sagemaker=sagemaker, s3=s3, source_root=source, now=T0
    )
    set_status(other_job.job_name, "InProgress")

    third = retraining.start_retrain(
        settings, sagemaker=sagemaker, s3=s3, source_root=source, now=T0.replace(hour=5)
    )
    assert third.status == "started" and third.job_name == "moviebot-20300102-050405"
    code_puts = [key for key in puts if key.startswith("code/")]
    assert len(code_puts) == 1  # same source, same key: uploaded once


def deploy(
    monkeypatch: pytest.MonkeyPatch,
    source: Path,
    imdb_url: str,
    table: str,
    dynamodb_endpoint: str,
    **extra: str,
) -> None:
    """The retrain Lambda as deployed: its code, and the environment template.yaml sets."""
    monkeypatch.setattr(retraining, "SOURCE_ROOT", source)
    env = {
        "MOVIEBOT_BUCKET": BUCKET,
        "MOVIEBOT_JOB_PREFIX": "moviebot",
        "MOVIEBOT_SAGEMAKER_ROLE": ROLE,
        "MOVIEBOT_TRAINING_IMAGE": IMAGE,
        "MOVIEBOT_IMDB_URL": imdb_url,
        "MOVIEBOT_STORE": f"dynamodb://{table}",
        # DynamoDB Local for the store only: S3 and SageMaker stay on moto.
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
        **extra,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_handler_records_the_run_in_the_store(
    aws: None,
    site: ImdbSite,
    source: Path,
    dynamodb_local: str,
    dynamodb_table: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Lambda entry as deployed: settings from the environment template.yaml sets."""
    deploy(monkeypatch, source, site.url, dynamodb_table, dynamodb_local)

    answer = retrain.handler({"source": "slack", "requested_by": "U0ADMIN"}, RETRAIN)
    assert answer["status"] == "started"
    run = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local).latest_run()
    assert run is not None
    assert (run.run_id, run.state) == (answer["job_name"], RunState.IN_PROGRESS)
    assert "U0ADMIN" in run.detail

    set_status(answer["job_name"], "InProgress")
    again = retrain.handler({"source": "schedule", "requested_by": "schedule"}, RETRAIN)
    assert again == {
        "status": "already_running",
        "job_name": answer["job_name"],
        "detail": f"{answer['job_name']} is still in progress",
    }


def test_the_retrainer_logs_json_lines_and_counts_starts(
    aws: None,
    site: ImdbSite,
    source: Path,
    dynamodb_local: str,
    dynamodb_table: str,
    monkeypatch: pytest.MonkeyPatch,
    lambda_output: LambdaOutput,
) -> None:
    deploy(monkeypatch, source, site.url, dynamodb_table, dynamodb_local)
    answer = retrain.handler({"requested_by": "U0ADMIN"}, RETRAIN)
    set_status(answer["job_name"], "InProgress")
    retrain.handler({"source": "schedule", "requested_by": "schedule"}, RETRAIN)

    metrics = lambda_output.metrics()
    assert metrics["RetrainsStarted"] == [1] and metrics["RetrainAlreadyRunning"] == [1]
    # infra/retraining.py logs with plain `logging`: its records go out as Powertools JSON lines.
    [started] = [
        line
        for line in lambda_output.logs_from("infra.retraining")
        if line["message"].startswith(f"started training job {answer['job_name']}")
    ]
    assert started["level"] == "INFO" and started["service"] == "moviebot"
    assert started["function_name"] == "moviebot-retrain"


def test_a_job_started_during_the_refresh_is_not_doubled(
    aws: None, site: ImdbSite, source: Path
) -> None:
    sagemaker, s3 = clients()
    settings = settings_for(site)

    def refresh_while_another_trigger_starts_a_job(*args: Any) -> list[Any]:
        other = retraining.start_retrain(
            settings, sagemaker=sagemaker, s3=s3, source_root=source, now=T0, refresh=lambda *a: []
        )
        set_status(other.job_name, "InProgress")
        return []

    result = retraining.start_retrain(
        settings,
        sagemaker=sagemaker,
        s3=s3,
        source_root=source,
        now=T0.replace(minute=30),
        refresh=refresh_while_another_trigger_starts_a_job,
    )
    assert result.status == "already_running"
    assert result.job_name == "moviebot-20300102-030405"
    assert len(sagemaker.list_training_jobs()["TrainingJobSummaries"]) == 1


def test_a_retrain_that_cannot_start_is_recorded_and_told(
    aws: None,
    source: Path,
    dynamodb_local: str,
    dynamodb_table: str,
    slack_api: Any,
    monkeypatch: pytest.MonkeyPatch,
    lambda_output: LambdaOutput,
) -> None:
    """IMDb unreachable and no copy in S3: no job, a FAILED run for /movie-admin status, and the
    error (as Lambda's OnFailure destination hands it over) in the admin channel."""
    from infra import notify

    deploy(
        monkeypatch,
        source,
        "http://127.0.0.1:9/",
        dynamodb_table,
        dynamodb_local,
        MOVIEBOT_ADMIN_CHANNEL="C0ADMINS",
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_API_URL=slack_api.url,
    )
    request = {"source": "slack", "requested_by": "U0ADMIN"}

    with pytest.raises(Exception, match="unreachable") as raised:
        retrain.handler(request, RETRAIN)
    assert lambda_output.metrics()["RetrainsFailed"] == [1]

    assert (
        boto3.client("sagemaker", region_name=REGION).list_training_jobs()["TrainingJobSummaries"]
        == []
    )
    run = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local).latest_run()
    assert run is not None and run.state is RunState.FAILED
    assert "no job started: RefreshError" in run.detail and "U0ADMIN" in run.detail

    record = {
        "version": "1.0",
        "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": 1},
        "requestPayload": request,
        "responsePayload": {
            "errorType": type(raised.value).__name__,
            "errorMessage": str(raised.value),
        },
    }
    assert notify.handler(record, lambda_context("moviebot-notify"))["posted"] == 1
    (post,) = slack_api.calls("chat.postMessage")
    assert post["channel"] == "C0ADMINS"
    assert post["text"].startswith(
        "Retraining requested by <@U0ADMIN> started no job: RefreshError"
    )


def run_items(store: DynamoStore) -> dict[str, dict[str, Any]]:
    """Every recorded run by id, straight from the table (the store reads only the latest)."""
    items = store.client.query(
        TableName=store.table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "RUN"}},
    )["Items"]
    return {item["run_id"]["S"]: item for item in items}


@pytest.mark.parametrize(
    ("status", "reason"), [("Stopped", ""), ("Failed", "AlgorithmError: out of memory")]
)
def test_a_run_whose_job_ended_unannounced_is_closed_and_blocks_nothing(
    aws: None,
    site: ImdbSite,
    source: Path,
    dynamodb_local: str,
    dynamodb_table: str,
    status: str,
    reason: str,
) -> None:
    """The job ended in SageMaker but its state-change event never reached the notify Lambda:
    the store says IN_PROGRESS. The bot must not refuse retrains over it, and the status must
    say how it ended."""
    sagemaker, s3 = clients()
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)
    settings = settings_for(site)
    first = retraining.start_retrain(
        settings, sagemaker=sagemaker, s3=s3, store=store, source_root=source, now=T0
    )
    set_status(first.job_name, "InProgress")
    just_after = T0.replace(minute=10)
    lambda_client = InProcessLambda()
    bot_side = LambdaRetrainer(
        "moviebot-retrain",
        store,
        client=lambda_client,
        max_runtime_seconds=settings.max_runtime_seconds,
        clock=lambda: just_after,
    )
    assert bot_side.start("U0ADMIN").status == "already_running"  # it is running: right

    set_status(first.job_name, status)  # ... and ends; the event is lost
    if reason:
        set_attribute(first.job_name, "failure_reason", reason)
    # A retrain the store still blocks (the bot cannot ask SageMaker) ...
    assert bot_side.start("U0ADMIN").status == "already_running"
    # ... until the retrain Lambda, which can, looks: here through the schedule's next run.
    ended = retraining.record_unannounced_end(sagemaker, store, running=[])
    assert ended is not None
    run = store.latest_run()
    assert run is not None
    assert (run.run_id, run.state) == (first.job_name, RunState(status))
    assert run.ended_at and run.started_at == "2030-01-02T03:04:05Z"
    assert (reason or status) in run.detail and "requested by" in run.detail
    assert bot_side.start("U0ADMIN").status == "started"
    assert len(lambda_client.invocations) == 1


def test_the_next_retrain_records_the_lost_end_and_starts(
    aws: None, site: ImdbSite, source: Path, dynamodb_local: str, dynamodb_table: str
) -> None:
    sagemaker, s3 = clients()
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)
    settings = settings_for(site)
    first = retraining.start_retrain(
        settings, sagemaker=sagemaker, s3=s3, store=store, source_root=source, now=T0
    )
    set_status(first.job_name, "Stopped")  # ended; no event reached the notify Lambda

    second = retraining.start_retrain(
        settings,
        sagemaker=sagemaker,
        s3=s3,
        store=store,
        source_root=source,
        now=T0.replace(hour=9),
    )
    assert second.status == "started"
    runs = run_items(store)
    assert runs[first.job_name]["state"]["S"] == "Stopped" and "ended_at" in runs[first.job_name]
    assert runs[second.job_name]["state"]["S"] == "InProgress"
    assert len(runs) == 2  # the first run's item was updated, not doubled


def test_a_run_still_going_in_sagemaker_is_left_alone(
    aws: None, site: ImdbSite, source: Path, dynamodb_local: str, dynamodb_table: str
) -> None:
    sagemaker, s3 = clients()
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)
    first = retraining.start_retrain(
        settings_for(site), sagemaker=sagemaker, s3=s3, store=store, source_root=source, now=T0
    )
    set_status(first.job_name, "InProgress")
    again = retraining.start_retrain(
        settings_for(site), sagemaker=sagemaker, s3=s3, store=store, source_root=source, now=T0
    )
    assert again.status == "already_running"
    run = store.latest_run()
    assert run is not None and run.state is RunState.IN_PROGRESS and run.ended_at is None
