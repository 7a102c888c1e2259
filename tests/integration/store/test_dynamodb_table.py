"""DynamoStore against DynamoDB Local: it creates its table on a local endpoint, and nothing it
does, loading or serving, ever scans the table."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.adapters.store import open_store
from bot.adapters.store.base import StoreError
from bot.adapters.store.dynamodb import DynamoStore
from bot.adapters.store.dynamodb_schema import CLUSTER_INDEX, TABLE_DEFINITION
from bot.core.models import Mark, MarkKind
from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import write_artifact

pytestmark = pytest.mark.dynamodb

READS = {"GetItem", "Query"}


def test_a_missing_table_is_created_from_the_definition_on_a_local_endpoint(
    dynamodb_local: str, aws_dummy_env: None
) -> None:
    name = f"moviebot-new-{uuid.uuid4().hex[:8]}"
    store = open_store(f"dynamodb://{name}", endpoint_url=dynamodb_local)
    assert isinstance(store, DynamoStore)
    table = boto3.client(
        "dynamodb", endpoint_url=dynamodb_local, region_name="us-east-1"
    ).describe_table(TableName=name)["Table"]
    assert table["KeySchema"] == TABLE_DEFINITION["KeySchema"]
    [index] = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == CLUSTER_INDEX
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert store.active() is None
    DynamoStore(name, endpoint_url=dynamodb_local).close()  # a second open finds it there
    store.close()


def test_opening_an_existing_table_does_not_describe_it(
    dynamodb_local: str, dynamodb_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB Local counts every item to describe a table: seconds per cold start at full
    scale, where ListTables answers at once."""
    from botocore.client import BaseClient

    calls: list[str] = []
    call = BaseClient._make_api_call

    def record(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.append(operation)
        return call(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", record)
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)
    store.active()
    store.close()
    assert "ListTables" in calls and "DescribeTable" not in calls, calls


def test_loading_and_serving_never_scan(
    dynamodb_local: str, dynamodb_table: str, tmp_path: Path
) -> None:
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)
    calls: list[str] = []

    def record(model: Any, **_kwargs: Any) -> None:
        calls.append(model.name)

    store.client.meta.events.register("before-call.dynamodb", record)
    for version in ("v1", "v2", "v3"):
        load_artifact(write_artifact(tmp_path / version, version=version), store)
    writes = set(calls)
    calls.clear()
    active = store.active()
    assert active is not None
    page = store.cluster_page(active.version, 0, 3)
    store.cluster_page(active.version, 0, 3, page.next_cursor)
    store.movie(active.version, "tt0133093")
    store.title_index(active.version)
    store.add_mark("U1", Mark("tt0133093", MarkKind.SEEN, "The Matrix"))
    store.marks("U1")
    store.latest_run()
    store.close()
    assert "Scan" not in writes
    assert set(calls) - {"PutItem"} <= READS, calls


def test_an_endpoint_that_does_not_answer_is_a_store_error(aws_dummy_env: None) -> None:
    from tests.fixtures.dynamodb_local import free_port

    with pytest.raises(StoreError, match="cannot open DynamoDB table"):
        DynamoStore("t", endpoint_url=f"http://127.0.0.1:{free_port()}")


def test_the_manifest_is_stored_as_the_artifacts_json_and_an_older_copy_reads_back(
    dynamodb_local: str, dynamodb_table: str, tmp_path: Path
) -> None:
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)
    artifact = write_artifact(tmp_path / "model", version="v1", notes={"by": "hand"})
    load_artifact(artifact, store)
    written = json.loads((artifact / "manifest.json").read_text())
    active_key = {"pk": {"S": "ACTIVE"}, "sk": {"S": "ACTIVE"}}
    for key in (active_key, {"pk": {"S": "VERSION"}, "sk": {"S": "v1"}}):
        item = store.client.get_item(TableName=dynamodb_table, Key=key)["Item"]
        assert json.loads(item["manifest"]["S"]) == written  # unknown keys and all
    # A copy an older loader stored, with values no check refused then: it still reads back.
    older = {"version": "v1", "created_at": 20261121, "counts": {"movies": 35}, "k": "4"}
    store.client.update_item(
        TableName=dynamodb_table,
        Key=active_key,
        UpdateExpression="SET manifest = :m",
        ExpressionAttributeValues={":m": {"S": json.dumps(older)}},
    )
    active = store.active()
    assert active is not None and active.manifest.counts == {"movies": 35}
    assert active.created_at is None and active.manifest.k is None  # kept aside, unread
    assert active.manifest.to_dict() == older
    store.close()
