"""The deployment rehearsal: what ships, started the way Lambda starts it.

Each function's package is built with the Makefile's recipe (`sam build` runs the same one),
for this machine's Python and platform, and runs in a virtualenv holding nothing but the boto3
the Lambda runtime carries. Each handler is the one template.yaml names, with the environment
it gives, invoked with the event AWS sends, against local parts: moto server (S3, SageMaker,
Secrets Manager), DynamoDB Local, the Slack Web API stand-in and a local Lambda Invoke API.

Select it with `pytest -m deploy`."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.store.dynamodb import DynamoStore
from tests.deploy.conftest import ADMIN_CHANNEL, Packages, Stack, record
from tests.deploy.local_lambda import Invocation
from tests.deploy.packages import LAMBDA_TARGET, LAMBDA_UNZIPPED_LIMIT, build
from tests.deploy.stack import REGION
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import find_block
from tests.fixtures.artifacts import write_artifact
from tests.fixtures.aws_events import JOB, s3_put_event, sagemaker_state_change
from tests.integration.infra.conftest_helpers import ImdbSite, model_tarball
from tests.unit.infra.cfn import FUNCTIONS, resource

pytestmark = [pytest.mark.deploy, pytest.mark.slow, pytest.mark.dynamodb]

VERSION = "v-rehearsal-1"
KEY = f"models/{JOB}/output/model.tar.gz"
IMDB_NAMES = ("title.basics.tsv.gz", "title.ratings.tsv.gz", "title.akas.tsv.gz")
# Never in the bot's package: the laptop tools, the other functions' code, training's libraries.
NOT_IN_THE_BOT = (
    "bot/tools",
    "bot/__main__.py",
    "infra",
    "training",
    "pandas",
    "sklearn",
    "scipy",
    "pyarrow",
    "matplotlib",
)


@pytest.fixture(scope="module")
def uploaded(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A training job's model.tar.gz in the data bucket, and the S3 event that announces it."""
    model_dir = write_artifact(tmp_path_factory.mktemp("model") / VERSION, version=VERSION)
    body = model_tarball(model_dir)
    stack.client("s3").put_object(Bucket=stack.bucket, Key=KEY, Body=body)
    return s3_put_event(stack.bucket, KEY, len(body), region=REGION)


@pytest.fixture(scope="module")
def loaded(stack: Stack, uploaded: dict[str, Any]) -> Invocation:
    """S3 invokes the loader with the event."""
    return stack.functions["LoaderFunction"].invoke(uploaded)


@pytest.fixture
def store(stack: Stack) -> Iterator[DynamoStore]:
    store = DynamoStore(stack.table, endpoint_url=stack.dynamodb_url)
    try:
        yield store
    finally:
        store.close()


def _in_package(invocation: Invocation, package: Path) -> None:
    """The function ran on the boto3 and botocore it ships, not on the runtime's."""
    for module, (_, location) in invocation.outcome["sdk"].items():
        assert Path(location).is_relative_to(package), f"{module} came from {location}"


def test_the_loader_loads_the_uploaded_model_into_dynamodb(
    loaded: Invocation, store: DynamoStore, packages: Packages
) -> None:
    (outcome,) = loaded.result()["results"]
    assert outcome["loaded"] is True and outcome["activated"] is True, outcome
    active = store.active()
    assert active is not None and active.version == VERSION
    _in_package(loaded, packages["LoaderFunction"].path)


def test_the_bot_answers_a_signed_mention_through_its_lazy_listener(
    stack: Stack, loaded: Invocation, packages: Packages
) -> None:
    loaded.result()
    stack.slack.clear()
    ts = "1700000000.000321"
    body, content_type = sr.event_body(sr.mention("movies like the matrix", ts=ts))
    event = sr.function_url_event(body, sr.signed_headers(body, content_type))

    ack = stack.functions["BotFunction"].invoke(event)

    assert ack.result()["statusCode"] == 200, ack.describe()
    lazy = stack.lambdas.settle()
    assert lazy, "the ack did not invoke the function again for its lazy listener"
    for run in lazy:
        run.result()
    (post,) = stack.slack.calls("chat.postMessage")
    assert (post["channel"], post["thread_ts"]) == (sr.CHANNEL, ts)
    assert "The Matrix" in find_block(post["blocks"], "seed")["text"]["text"]
    # the token came from Secrets Manager, as deployed
    assert stack.slack.headers("chat.postMessage")[0]["authorization"] == f"Bearer {sr.BOT_TOKEN}"
    _in_package(ack, packages["BotFunction"].path)


def test_retrain_starts_a_training_job_on_its_schedule(
    stack: Stack, imdb_site: ImdbSite, store: DynamoStore
) -> None:
    for name in IMDB_NAMES:
        imdb_site.put(name, gzip.compress(f"{name}\n".encode()))
    retrain = stack.functions["RetrainFunction"].with_wiring(MOVIEBOT_IMDB_URL=imdb_site.url)
    scheduled = resource(stack.resolve.template, "RetrainFunction")["Properties"]["Events"]
    event = json.loads(scheduled["Scheduled"]["Properties"]["Input"])

    answer = retrain.invoke(event).result()

    assert answer["status"] == "started", answer
    job = stack.client("sagemaker").describe_training_job(TrainingJobName=answer["job_name"])
    assert job["TrainingJobName"].startswith("moviebot-")
    assert job["OutputDataConfig"]["S3OutputPath"] == f"s3://{stack.bucket}/models/"
    # the training source was bundled from the package and uploaded for the job
    code = json.loads(job["HyperParameters"]["sagemaker_submit_directory"])
    tarball = stack.client("s3").get_object(Bucket=stack.bucket, Key=code.split("/", 3)[3])
    with tarfile.open(fileobj=io.BytesIO(tarball["Body"].read()), mode="r:gz") as tar:
        assert {"training/train.py", "bot/core/artifact.py", "requirements.txt"} <= set(
            tar.getnames()
        )
    run = store.latest_run()
    assert run is not None and run.run_id == answer["job_name"]


def test_notify_tells_the_admin_channel_that_a_job_completed(
    stack: Stack, uploaded: dict[str, Any]
) -> None:
    stack.slack.clear()
    artifacts = {"S3ModelArtifacts": f"s3://{stack.bucket}/{KEY}"}
    event = sagemaker_state_change("Completed", job=JOB, region=REGION, ModelArtifacts=artifacts)

    answer = stack.functions["NotifyFunction"].invoke(event).result()

    assert answer == {"job": JOB, "status": "Completed", "posted": True}
    (post,) = stack.slack.calls("chat.postMessage")
    assert post["channel"] == ADMIN_CHANNEL
    assert f"model {VERSION}" in post["text"]


def test_a_package_without_a_module_it_needs_cannot_start(stack: Stack, tmp_path: Path) -> None:
    """The rehearsal notices a missing module: the bot's package less the X-Ray SDK (today's
    finding) fails as Lambda fails, before the handler runs."""
    bot = stack.functions["BotFunction"]
    crippled = tmp_path / "package"
    crippled.mkdir()
    for entry in bot.package.iterdir():
        if entry.name != "aws_xray_sdk":
            (crippled / entry.name).symlink_to(entry)

    error = bot.invoke({}, package=crippled).error

    assert error is not None and error["errorType"] == "Runtime.ImportModuleError", error
    assert "No module named 'aws_xray_sdk'" in error["errorMessage"]


def test_the_bot_package_holds_the_bot_and_nothing_else(packages: Packages) -> None:
    bot = packages["BotFunction"]
    assert bot.holds("bot/lambda_handler.py")
    assert [path for path in NOT_IN_THE_BOT if bot.holds(path)] == []


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_each_package_ships_its_bytecode(packages: Packages, logical_id: str) -> None:
    """/var/task is read-only: a module without its .pyc (for the runtime's Python, this one
    here) is compiled again by every cold start, ~0.9 s CPU of the bot's imports."""
    root = packages[logical_id].path
    sources = sorted(root.rglob("*.py"))
    missing = [p for p in sources if not Path(importlib.util.cache_from_source(str(p))).is_file()]
    assert sources and [str(p.relative_to(root)) for p in missing][:10] == []


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_each_package_fits_lambdas_limit(packages: Packages, logical_id: str) -> None:
    package = packages[logical_id]
    assert package.unzipped_bytes < LAMBDA_UNZIPPED_LIMIT


def test_the_bot_builds_for_lambdas_own_platform(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The recipe with its own defaults (Python 3.12, arm64) finds a wheel for every
    requirement, and what really ships fits too. Cannot run here: the rehearsal above runs
    the same recipe built for this machine."""
    shipped = build("BotFunction", tmp_path / "BotFunction", wheels_for=LAMBDA_TARGET)
    record(request.config, shipped)
    assert shipped.holds("bot/lambda_handler.py") and shipped.holds("aws_xray_sdk")
    assert shipped.unzipped_bytes < LAMBDA_UNZIPPED_LIMIT
