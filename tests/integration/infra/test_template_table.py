"""The DynamoDB table created from template.yaml's own definition (not the store's) serves the
store: load a model, read it the ways the bot does, keep marks and runs. With the unit test
that compares the two definitions, the template and the store cannot drift apart."""

from __future__ import annotations

import uuid
from pathlib import Path

import boto3

from bot.adapters.store.dynamodb import DynamoStore
from bot.core.models import Mark, MarkKind, RunState, TrainingRun
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import SAMPLE_MOVIES, write_artifact
from tests.unit.infra.cfn import create_table_args, load_template, resource


def test_a_table_made_from_the_template_serves_the_store(
    dynamodb_local: str, tmp_path: Path
) -> None:
    template = load_template()
    name = f"moviebot-template-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name="us-east-1")
    client.create_table(TableName=name, **create_table_args(template))
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2})
    ttl = resource(template, "Table")["Properties"]["TimeToLiveSpecification"]
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)

    store = DynamoStore(name, endpoint_url=dynamodb_local)
    report = load_artifact(write_artifact(tmp_path / "model", version="v-template"), store)
    assert report.activated

    active = store.active()
    assert active is not None and active.version == "v-template"
    matrix = store.movie("v-template", "tt0133093")
    assert matrix is not None and matrix.title == "The Matrix"
    # a cluster's movies most popular first: the GSI the template declares
    page = store.cluster_page("v-template", matrix.cluster, limit=3)
    expected = sorted(
        (m for m in SAMPLE_MOVIES if m.cluster == matrix.cluster), key=lambda m: -m.votes
    )[:3]
    assert [m.tconst for m in page.movies] == [m.tconst for m in expected]
    assert store.title_index("v-template")

    store.add_mark("U1", Mark("tt0133093", MarkKind.SEEN, "The Matrix", "2030-01-01T00:00:00Z"))
    assert [m.tconst for m in store.marks("U1")] == ["tt0133093"]
    store.record_run(
        TrainingRun("moviebot-20300102-030405", RunState.IN_PROGRESS, "2030-01-02T03:04:05+00:00")
    )
    run = store.latest_run()
    assert run is not None and run.state is RunState.IN_PROGRESS

    described = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert described["AttributeName"] == ttl["AttributeName"]
