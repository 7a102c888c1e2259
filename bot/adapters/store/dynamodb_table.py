"""`DynamoTable`: the DynamoDB calls the store makes, on one table, with errors as StoreError.

Reads come back as plain values (dynamodb_items.from_item); every multi-page Query goes through
the client's paginator. Batch writes run 25 requests at a time on a thread pool; botocore
retries throttling errors (ProvisionedThroughputExceeded, Throttling) and `write_batch` resends
UnprocessedItems with exponential backoff and full jitter, failing loudly if they never go
through.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from itertools import islice
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.adapters.store.base import StoreError
from bot.adapters.store.dynamodb_items import from_item
from bot.adapters.store.dynamodb_schema import TABLE_DEFINITION

BATCH_WRITE_MAX = 25


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class DynamoTable:
    def __init__(self, name: str, client: Any, *, workers: int, max_backoff_attempts: int) -> None:
        self.name = name
        self.client = client
        self._workers = workers
        self._max_backoff_attempts = max_backoff_attempts
        self._executor: ThreadPoolExecutor | None = None

    # --- single calls ---
    def _error(self, operation: str, exc: ClientError | BotoCoreError) -> StoreError:
        if isinstance(exc, ClientError):
            if _code(exc) == "ResourceNotFoundException":
                return StoreError(f"DynamoDB table {self.name!r} does not exist")
            message = exc.response.get("Error", {}).get("Message", exc)
            return StoreError(f"DynamoDB {operation} failed: {message}")
        return StoreError(f"DynamoDB {operation} failed: {exc}")

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """One client call on this table (TableName is filled in), errors as StoreError."""
        if operation not in ("batch_write_item", "batch_get_item"):  # they name their table
            kwargs["TableName"] = self.name
        try:
            result: dict[str, Any] = getattr(self.client, operation)(**kwargs)
            return result
        except (ClientError, BotoCoreError) as exc:
            raise self._error(operation, exc) from exc

    def conditional(self, operation: str, **kwargs: Any) -> bool:
        """A conditional write: False when its condition failed, True when it was made."""
        try:
            getattr(self.client, operation)(TableName=self.name, **kwargs)
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return False
            raise StoreError(f"DynamoDB {operation} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB {operation} failed: {exc}") from exc
        return True

    def update(self, **kwargs: Any) -> dict[str, Any] | None:
        """A conditional UpdateItem returning the item after it (ReturnValues ALL_NEW) as plain
        values; None when its condition failed."""
        try:
            response = self.client.update_item(
                TableName=self.name, ReturnValues="ALL_NEW", **kwargs
            )
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return None
            raise self._error("update_item", exc) from exc
        except BotoCoreError as exc:
            raise self._error("update_item", exc) from exc
        return from_item(response.get("Attributes", {}))

    def get(self, key: dict[str, Any], consistent: bool = True) -> dict[str, Any] | None:
        item = self.call("get_item", Key=key, ConsistentRead=consistent).get("Item")
        return from_item(item) if item else None

    # --- queries ---
    def pages(self, **query: Any) -> Iterator[dict[str, Any]]:
        """The raw pages of one Query, as many as it takes, lazily."""
        paginator = self.client.get_paginator("query")
        try:
            yield from paginator.paginate(TableName=self.name, **query)
        except (ClientError, BotoCoreError) as exc:
            raise self._error("query", exc) from exc

    def query(self, **query: Any) -> Iterator[dict[str, Any]]:
        """Every item a Query matches, page after page, as plain values."""
        for page in self.pages(**query):
            for item in page.get("Items", []):
                yield from_item(item)

    def count(self, **query: Any) -> int:
        return sum(int(page.get("Count", 0)) for page in self.pages(Select="COUNT", **query))

    def get_batch(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The items of up to 100 keys (those that exist), in any order; BatchGetItem's
        UnprocessedKeys are asked for again with backoff, as `write_batch` resends."""
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {"Keys": keys, "ConsistentRead": True}
        attempt = 0
        while request.get("Keys"):
            response = self.call("batch_get_item", RequestItems={self.name: request})
            found += [from_item(item) for item in response.get("Responses", {}).get(self.name, [])]
            request = response.get("UnprocessedKeys", {}).get(self.name, {})
            if request.get("Keys"):
                self._backoff(attempt)
                attempt += 1
        return found

    # --- batch writes ---
    def pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="dynamo")
        return self._executor

    def _backoff(self, attempt: int) -> None:
        if attempt >= self._max_backoff_attempts:
            raise StoreError("DynamoDB kept returning unprocessed items; giving up")
        # Full jitter, capped at 2 s, as AWS recommends for unprocessed batch items.
        time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))

    def write_batch(self, requests: list[dict[str, Any]]) -> None:
        """Up to 25 put / delete requests, resent until DynamoDB has processed them all."""
        attempt = 0
        while requests:
            response = self.call("batch_write_item", RequestItems={self.name: requests})
            requests = response.get("UnprocessedItems", {}).get(self.name, [])
            if requests:
                self._backoff(attempt)
                attempt += 1

    def write_all(self, requests: Iterable[dict[str, Any]]) -> int:
        """Send write requests 25 at a time on the thread pool; return how many went through."""
        pool = self.pool()
        futures: list[Future[None]] = []
        total = 0
        for batch in batched(requests, BATCH_WRITE_MAX):
            futures.append(pool.submit(self.write_batch, batch))
            total += len(batch)
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                for other in futures:
                    other.cancel()
                wait(futures)
                raise error
        wait(futures)
        return total

    # --- the table itself ---
    def ensure(self, endpoint_url: str | None) -> None:
        """Create the table from TABLE_DEFINITION when missing (local endpoints only)."""
        try:
            if self._listed():
                return
            try:
                self.client.create_table(TableName=self.name, **TABLE_DEFINITION)
            except ClientError as exc:
                if _code(exc) != "ResourceInUseException":
                    raise
            self.client.get_waiter("table_exists").wait(
                TableName=self.name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100}
            )
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(
                f"cannot open DynamoDB table {self.name!r} at {endpoint_url}: {exc}"
            ) from None

    def _listed(self) -> bool:
        # ListTables, not DescribeTable: DynamoDB Local counts a table's items to describe it,
        # seconds at full scale on every cold start that opens the store.
        for page in self.client.get_paginator("list_tables").paginate():
            if self.name in page.get("TableNames", []):
                return True
        return False

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
