"""The deployment rehearsal's pieces: each function's package built once per session with the
Makefile's recipe, a clean virtualenv with only the runtime's boto3, and one local stack per
module (moto server for S3, SageMaker and Secrets Manager; DynamoDB Local; the Slack Web API
stand-in; the local Lambda service). The packages' sizes are printed at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.tools.local_slack import LocalSlackApi
from tests.deploy.local_lambda import LocalFunction, LocalLambdaService
from tests.deploy.packages import (
    LAMBDA_UNZIPPED_LIMIT,
    BuiltPackage,
    build,
    runtime_python,
)
from tests.deploy.stack import ACCOUNT, REGION, FunctionSpec, Resolver, stack_values
from tests.e2e import slack_requests as sr
from tests.fixtures.dynamodb_local import DUMMY_AWS_ENV, free_port
from tests.integration.infra.conftest_helpers import imdb_site
from tests.unit.infra.cfn import FUNCTIONS, create_table_args, load_template, resource

__all__ = ["imdb_site"]  # the IMDb dataset site stand-in, for the retrain function

ADMIN_CHANNEL = "C0ADMINS"
# Every package built this session, for the summary.
BUILT = pytest.StashKey[list[BuiltPackage]]()


Packages = dict[str, BuiltPackage]  # by logical id


@pytest.fixture(scope="session")
def packages(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Packages:
    """Every function's package, built once per session (one after the other: side by side
    they were slower on a busy two-core machine; pip's wheel cache serves the repeats)."""
    folder = tmp_path_factory.mktemp("lambda-packages")
    built = {logical_id: build(logical_id, folder / logical_id) for logical_id in FUNCTIONS}
    record(request.config, *built.values())
    return built


def record(config: pytest.Config, *built: BuiltPackage) -> None:
    config.stash.setdefault(BUILT, []).extend(built)


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a virtualenv holding only what the Lambda runtime provides."""
    return runtime_python(tmp_path_factory.mktemp("lambda-runtime") / "venv")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    built = config.stash.get(BUILT, [])
    if not built:
        return
    terminalreporter.section("Lambda packages: unzipped size against Lambda's limit")
    for package in built:
        terminalreporter.write_line(
            f"{package.logical_id:<16} wheels for {package.wheels_for:<15}"
            f"{package.unzipped_bytes / 1e6:7.1f} MB of {LAMBDA_UNZIPPED_LIMIT / 1e6:.0f} MB"
            f"  (built in {package.seconds:.0f} s)"
        )


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    """moto in server mode: S3, SageMaker and Secrets Manager over real HTTP."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@dataclass
class Stack:
    """The deployed stack, locally: what the functions talk to and how to reach them."""

    resolve: Resolver
    table: str
    bucket: str
    moto_url: str
    dynamodb_url: str
    slack: LocalSlackApi
    lambdas: LocalLambdaService
    functions: dict[str, LocalFunction]  # by logical id

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.moto_url)


def _create_table(dynamodb_url: str, name: str) -> None:
    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=dynamodb_url)
    client.create_table(TableName=name, **create_table_args(load_template()))
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100}
    )


@pytest.fixture(scope="module")
def stack(
    packages: Packages,
    runtime: Path,
    moto_server: str,
    dynamodb_local: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    template = load_template()
    table = "moviebot-Table-REHEARSAL"
    _create_table(dynamodb_local, table)
    resolve = stack_values(
        template,
        parameters={
            "AdminChannel": ADMIN_CHANNEL,
            "AdminUserIds": sr.ADMIN,
            "SlackBotToken": sr.BOT_TOKEN,
            "SlackSigningSecret": sr.SIGNING_SECRET,
        },
        resources={
            "Table": table,
            "SageMakerRole.Arn": f"arn:aws:iam::{ACCOUNT}:role/moviebot-SageMakerRole",
            "NightScheduleGroup": "moviebot-nights-REHEARSAL",
            "NightSchedulerRole.Arn": f"arn:aws:iam::{ACCOUNT}:role/moviebot-NightSchedulerRole",
        },
    )
    moto = {"endpoint_url": moto_server, "region_name": REGION}
    bucket = resolve.values["DataBucket"]
    boto3.client("s3", **moto).create_bucket(Bucket=bucket)
    # The secret as the template writes it, from the parameters a deploy is given.
    secret = resource(template, "SlackSecret")["Properties"]
    secret_arn = boto3.client("secretsmanager", **moto).create_secret(
        Name=resolve(secret["Name"]), SecretString=resolve(secret["SecretString"])
    )["ARN"]
    resolve = resolve.with_values({"SlackSecret": secret_arn})

    slack = LocalSlackApi().start()
    lambdas = LocalLambdaService().start()
    wiring = {
        **DUMMY_AWS_ENV,
        "AWS_ENDPOINT_URL_S3": moto_server,
        "AWS_ENDPOINT_URL_SAGEMAKER": moto_server,
        # botocore's name for it: the service id "Secrets Manager", spaces as underscores
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto_server,
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_local,
        "AWS_ENDPOINT_URL_LAMBDA": lambdas.url,
        "SLACK_API_URL": slack.url,
    }
    tmp = tmp_path_factory.mktemp("lambda-tmp")
    functions = {
        logical_id: LocalFunction(
            FunctionSpec.from_template(resolve, logical_id),
            packages[logical_id].path,
            runtime,
            wiring,
            tmp / logical_id,
        )
        for logical_id in FUNCTIONS
    }
    for function in functions.values():
        lambdas.add(function)
    try:
        yield Stack(resolve, table, bucket, moto_server, dynamodb_local, slack, lambdas, functions)
    finally:
        lambdas.settle()
        lambdas.stop()
        slack.stop()
