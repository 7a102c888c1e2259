"""training.launch against moto's SageMaker and S3 (never real AWS): the CreateTrainingJob
request the SDK sends, and the source bundle it uploads."""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

moto = pytest.importorskip("moto")

from infra.source_bundle import TARBALL_NAME, build_bundle  # noqa: E402
from training.launch import (  # noqa: E402
    CHANNEL,
    ENTRY_SCRIPT,
    REPO_ROOT,
    image_uri,
    main,
    source_bundle,
)

REGION = "us-east-1"
BUCKET = "moviebot-test"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION,
        }.items():  # fmt: skip
            env.setenv(name, value)
        env.delenv("AWS_PROFILE", raising=False)
        env.delenv("AWS_ENDPOINT_URL", raising=False)
        # The SDK checks the role's permissions with iam:SimulatePrincipalPolicy, which moto
        # does not implement; the SDK's documented switch turns that one check off.
        env.setenv("SAGEMAKER_VALIDATE_ROLE", "false")
        with moto.mock_aws():
            boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
            boto3.client("iam", region_name=REGION).create_role(
                RoleName=ROLE.rsplit("/", 1)[1], AssumeRolePolicyDocument=TRUST_POLICY
            )
            yield


@dataclass(frozen=True)
class Launched:
    code: int
    out: str
    job: dict[str, Any]


@pytest.fixture(scope="module")
def launched(aws: None) -> Launched:
    """One job started through the command line, as a person would."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--data", f"s3://{BUCKET}/imdb/", "--output", f"s3://{BUCKET}/models",
                     "--role", ROLE, "--region", REGION, "--clusters", "25",
                     "--write-akas", "false"])  # fmt: skip
    return Launched(code, out.getvalue(), describe(out.getvalue()))


def describe(out: str) -> dict[str, Any]:
    """The job named in the command's output ("training job NAME started; ..."), from moto."""
    name = out.split("training job ", 1)[1].split()[0]
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    return sagemaker.describe_training_job(TrainingJobName=name)


def test_the_image_comes_from_the_sdk_tables() -> None:
    uri = image_uri(REGION, "ml.m5.xlarge")
    assert uri.endswith("/sagemaker-scikit-learn:1.4-2-cpu-py3")
    assert ".dkr.ecr.us-east-1.amazonaws.com/" in uri


def test_the_job_gets_the_retrain_lambdas_bundle(tmp_path: Path) -> None:
    """One bundle for both launch paths: training/, the bot modules train.py imports, the
    requirements at the root, the entry script (run in the container by
    tests/integration/training/test_pinned_versions.py)."""
    tarball = source_bundle(tmp_path)
    assert tarball.read_bytes() == build_bundle(REPO_ROOT).tarball()
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    assert {ENTRY_SCRIPT, "requirements.txt", "training/train.py"} <= names
    assert {"bot/artifact.py", "bot/matching.py"} <= names
    assert not any("__pycache__" in name for name in names)


def test_cli_prints_the_job_and_where_the_model_goes(launched: Launched) -> None:
    name = launched.job["TrainingJobName"]
    assert launched.code == 0
    assert name.startswith("moviebot-train")
    assert f"training job {name} started" in launched.out
    assert launched.out.strip().endswith(f"s3://{BUCKET}/models/{name}/output/model.tar.gz")


def test_create_training_job_request(launched: Launched) -> None:
    job = launched.job
    assert job["AlgorithmSpecification"]["TrainingImage"] == image_uri(REGION, "ml.m5.xlarge")
    assert job["RoleArn"] == ROLE
    assert job["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert job["ResourceConfig"]["InstanceCount"] == 1
    assert job["StoppingCondition"]["MaxRuntimeInSeconds"] == 3600
    assert job["OutputDataConfig"]["S3OutputPath"] == f"s3://{BUCKET}/models"
    # Hyperparameters travel as strings and reach train.py as flags (--clusters 25).
    assert job["HyperParameters"]["clusters"] == "25"
    assert job["HyperParameters"]["write-akas"] == "false"
    assert job["HyperParameters"]["min-votes"] == "0"
    channels = {c["ChannelName"]: c for c in job["InputDataConfig"]}
    assert channels[CHANNEL]["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://{BUCKET}/imdb/"
    # The SDK uploaded the code and its drivers as channels of their own.
    assert "code" in channels and "sm_drivers" in channels


def channel_files(launched: Launched, name: str) -> dict[str, bytes]:
    """What the SDK uploaded for one input channel of the job, by path under its prefix (by
    name when the channel is one file)."""
    channel = next(c for c in launched.job["InputDataConfig"] if c["ChannelName"] == name)
    uri = channel["DataSource"]["S3DataSource"]["S3Uri"]
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    s3 = boto3.client("s3", region_name=REGION)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
    return {
        (key.removeprefix(prefix).lstrip("/") or key.rsplit("/", 1)[-1]): s3.get_object(
            Bucket=bucket, Key=key
        )["Body"].read()
        for key in keys
    }


def test_the_uploaded_code_is_the_training_package(launched: Launched) -> None:
    files = set()
    for name, body in channel_files(launched, "code").items():
        if name.endswith(".tar.gz"):
            with tarfile.open(fileobj=io.BytesIO(body)) as tar:
                files |= set(tar.getnames())
        else:
            files.add(name)
    assert {ENTRY_SCRIPT, "requirements.txt", "training/train.py", "bot/artifact.py"} <= files
    # The container unpacks the bundle in the code folder and runs the entry script from there.
    drivers = channel_files(launched, "sm_drivers")
    assert f"tar -xzf {TARBALL_NAME}" in drivers["sm_train.sh"].decode()
    sourcecode = json.loads(drivers["sourcecode.json"])
    assert (sourcecode["entry_script"], sourcecode["requirements"]) == (
        ENTRY_SCRIPT,
        "requirements.txt",
    )


def test_wait_follows_the_job_to_its_end(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--data", f"s3://{BUCKET}/imdb/", "--output", f"s3://{BUCKET}/models",
                 "--role", ROLE, "--region", REGION, "--wait"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert " finished; " in out  # moto reports the job Completed at once
    assert describe(out)["TrainingJobStatus"] == "Completed"


def test_cli_refuses_a_local_data_path(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--data", "data/", "--output", f"s3://{BUCKET}/m", "--role", ROLE])
    assert "expected an s3:// URI" in capsys.readouterr().err


def test_a_failed_request_is_one_line(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    # No scikit-learn image is published in this region: the SDK's tables say so.
    code = main(["--data", f"s3://{BUCKET}/imdb/", "--output", f"s3://{BUCKET}/models",
                 "--role", ROLE, "--region", "mars-north-1"])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1
    assert err.startswith("error: could not start the training job")
    assert "mars-north-1" in err
