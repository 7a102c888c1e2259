"""DynamoDB throttling and partial batches, injected on the client in front of DynamoDB Local:
nothing the loader writes may be lost, and a batch that never goes through fails loudly."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from bot.adapters.store.base import StoreError
from bot.adapters.store.dynamodb import DynamoStore
from bot.core.manifest import Manifest
from bot.core.models import Movie
from tests.fixtures.artifacts import SAMPLE_MOVIES
from tests.fixtures.stores import read_movies

from .test_store_contract import by_popularity

pytestmark = pytest.mark.dynamodb

MANY = [
    Movie(f"tt{i:07d}", f"Film {i}", f"Film {i}", 2000, 90, ("Drama",), 6.5, 1000 + i, i % 3)
    for i in range(400)
]


class _RawBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_kwargs: Any) -> Any:
        yield self._body


class Throttle:
    """A before-send hook: the first `times` BatchWriteItem requests get HTTP 400
    ProvisionedThroughputExceededException and never reach DynamoDB Local."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.sent = 0
        self._lock = threading.Lock()

    def __call__(self, request: Any, **_kwargs: Any) -> AWSResponse | None:
        if request.headers.get("X-Amz-Target", b"") not in (
            b"DynamoDB_20120810.BatchWriteItem",
            "DynamoDB_20120810.BatchWriteItem",
        ):
            return None
        with self._lock:
            if self.left <= 0:
                return None
            self.left -= 1
            self.sent += 1
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was "
                "exceeded.",
            }
        ).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "test"}
        return AWSResponse(request.url, 400, headers, _RawBody(body))


class Unprocessed:
    """Drops part of a batch write before it is sent and hands it back as UnprocessedItems, as
    DynamoDB does when a partition is busy."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.handed_back = 0
        self._lock = threading.Lock()
        self._held = threading.local()

    def _take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True

    def before(self, params: dict[str, Any], **_kwargs: Any) -> None:
        self._held.items = None
        if not self._take():
            return
        held: dict[str, Any] = {}
        for table, requests in params["RequestItems"].items():
            keep = max(1, len(requests) // 2)
            held[table] = requests[keep:]
            params["RequestItems"][table] = requests[:keep]
        self._held.items = held

    def after(self, parsed: dict[str, Any], **_kwargs: Any) -> None:
        held = getattr(self._held, "items", None)
        if not held:
            return
        for table, requests in held.items():
            if requests:
                parsed.setdefault("UnprocessedItems", {})[table] = requests
                with self._lock:
                    self.handed_back += len(requests)

    def install(self, store: DynamoStore) -> None:
        events = store.client.meta.events
        events.register("provide-client-params.dynamodb.BatchWriteItem", self.before)
        events.register("after-call.dynamodb.BatchWriteItem", self.after)


@pytest.fixture
def dynamo(dynamodb_local: str, dynamodb_table: str) -> DynamoStore:
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local, workers=8, wait_for_index=True)
    yield store  # type: ignore[misc]
    store.close()


def test_throttled_batch_writes_are_retried_until_nothing_is_lost(dynamo: DynamoStore) -> None:
    throttle = Throttle(times=4)
    dynamo.client.meta.events.register("before-send.dynamodb", throttle)
    dynamo.begin_version("v1", Manifest(version="v1"))
    assert dynamo.put_movies("v1", MANY) == len(MANY)
    assert throttle.sent == 4
    assert dynamo.count_movies("v1") == len(MANY)
    assert read_movies(dynamo, "v1", [m.tconst for m in MANY]) == {m.tconst: m for m in MANY}


def test_unprocessed_items_are_written_again(dynamo: DynamoStore) -> None:
    partial = Unprocessed(times=10)
    partial.install(dynamo)
    dynamo.begin_version("v1", Manifest(version="v1"))
    dynamo.put_movies("v1", MANY)
    assert partial.handed_back > 0
    assert dynamo.count_movies("v1") == len(MANY)
    assert dynamo.cluster_page("v1", 1, 500).movies == by_popularity(MANY, 1)


def test_a_batch_that_never_goes_through_fails_loudly(
    dynamodb_local: str, dynamodb_table: str
) -> None:
    store = DynamoStore(
        dynamodb_table, endpoint_url=dynamodb_local, workers=2, max_backoff_attempts=2
    )
    try:
        store.begin_version("v1", Manifest(version="v1"))
        calls = []

        def nothing_processed(params: dict[str, Any], **_kwargs: Any) -> tuple[Any, Any]:
            calls.append(params)
            http = AWSResponse("http://dynamodb", 200, {}, _RawBody(b"{}"))
            return http, {"UnprocessedItems": {dynamodb_table: [{"PutRequest": {"Item": {}}}]}}

        store.client.meta.events.register("before-call.dynamodb.BatchWriteItem", nothing_processed)
        with pytest.raises(StoreError, match="unprocessed"):
            store.put_movies("v1", SAMPLE_MOVIES)
        assert len(calls) == 2 * 3  # two batches of 25, each sent three times, then given up
    finally:
        store.close()


class LaggingIndex:
    """An after-call hook: the first `times` COUNT queries on the GSI come back one short, as
    when AWS has not yet propagated the last writes to the index."""

    def __init__(self, times: int) -> None:
        self.left = times
        self._lock = threading.Lock()

    def __call__(self, parsed: dict[str, Any], context: dict[str, Any], **_kwargs: Any) -> None:
        if "Count" not in parsed or not parsed.get("Count"):
            return
        with self._lock:
            if self.left != 0:
                self.left -= 1
                parsed["Count"] -= 1


def test_completing_a_version_waits_for_the_cluster_index(dynamo: DynamoStore) -> None:
    dynamo.begin_version("v1", Manifest(version="v1"))
    dynamo.put_movies("v1", MANY)
    assert dynamo.count_movies("v1") == len(MANY)
    lag = LaggingIndex(times=3)
    dynamo.client.meta.events.register("after-call.dynamodb.Query", lag)
    dynamo.complete_version("v1")
    assert lag.left == 0
    assert [s.movies for s in dynamo.versions()] == [len(MANY)]


def test_a_cluster_index_that_never_catches_up_blocks_completion(
    dynamodb_local: str, dynamodb_table: str
) -> None:
    store = DynamoStore(
        dynamodb_table, endpoint_url=dynamodb_local, index_timeout_s=0.5, wait_for_index=True
    )
    try:
        store.begin_version("v1", Manifest(version="v1"))
        store.put_movies("v1", MANY)
        store.count_movies("v1")
        store.client.meta.events.register("after-call.dynamodb.Query", LaggingIndex(times=-1))
        with pytest.raises(StoreError, match="cluster index holds"):
            store.complete_version("v1")
        assert [s.status.value for s in store.versions()] == ["loading"]
    finally:
        store.close()
