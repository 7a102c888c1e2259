"""The AWS store: one DynamoDB table (single-table design), on-demand capacity.

Items (pk, sk are strings; the table definition is in bot/adapters/store/dynamodb_schema.py):

Item (pk | sk): other attributes
- active pointer (`ACTIVE` | `ACTIVE`): version, manifest (JSON), activated_at
- model version (`VERSION` | version): status (loading/complete), manifest, movies, created_at
  (when its latest load began), index_chunks, index_bytes, index_sha256
- movie (`MOVIE#{version}#{shard}` | tconst): title, original_title, year, runtime, genres,
  rating, votes, cluster, coords (binary float64), countries, languages (comma-joined codes,
  absent when empty), gpk, gsk
- title index part (`INDEX#{version}` | chunk number, 6 digits): data (binary, <= 350 KB)
- catalogue top part (`TOP#{version}` | part number, 6 digits): data (binary, <= 350 KB, the
  compressed movie list of `codec.pack_movies` in order), parts (on every part: how many there
  are); one Query reads them all
- report file (`REPORT#{version}` | file name): data (binary; the loader passes only files
  that fit one item)
- user mark (`USER#{user_id}` | `MARK#{tconst}`): kind, title, marked_at
- training run (`RUN` | `{started_at}#{run_id}`): run_id, state, started_at, ended_at, detail,
  version
- claimed Slack event (`EVENT#{key}` | `EVENT`): expires_at (epoch seconds, the table's TTL
  attribute; a claim past it counts as free even before DynamoDB deletes the item)
- a user's questions in one rate-limit window (`RATE#{user_id}` | `WINDOW#{window start}`):
  count, expires_at (the window's end; TTL)

- Movies are spread over `shards` partitions per version (shard = crc32(tconst) % shards; the
  version item records `shards`, about one per 10k movies, so a
  movie is one GetItem, the loader's writes do not pile onto one partition, and a version's
  movies can be counted and deleted with strongly consistent Queries (one per shard), never a Scan.
- GSI `by_cluster` (gpk = `CLUSTER#{version}#{cluster}`, gsk = inverted votes + tconst, zero
  padded, projection ALL): a cluster's movies most popular first are one Query, paged; ties
  order by tconst, the same order as the SQLite store.
- Every item stays far below DynamoDB's 400 KB limit: a movie is a few hundred bytes and the
  title index (tens of MB at full scale) is split into 350 KB binary items written before the
  version is marked complete; the version item records their number, size and SHA-256.
- Completing a version counts its movies (strongly consistent Queries per shard) and, in AWS,
  waits until the GSI, which AWS updates asynchronously, holds them all too (DynamoDB Local
  updates it synchronously, so there the wait is skipped unless asked for).
- The active pointer is switched with a transaction: a ConditionCheck that the new version is
  complete and a Put conditioned on the pointer still naming the expected previous version.
- Attribute names such as `cluster`, `status`, `year`, `data` are DynamoDB reserved words, so
  every expression names attributes through ExpressionAttributeNames placeholders.
- Batch writes run in parallel threads; botocore retries throttling errors
  (ProvisionedThroughputExceeded, Throttling) and this module retries UnprocessedItems with
  exponential backoff and jitter, failing loudly if they never go through.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from itertools import islice
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from bot.adapters.store.base import ActivationConflict, StoreError
from bot.adapters.store.codec import (
    chunks,
    decode_cursor,
    encode_cursor,
    pack_coords,
    pack_movies,
    unpack_coords,
    unpack_movies,
)
from bot.adapters.store.dynamodb_schema import (
    CLUSTER_INDEX,
    CLUSTER_INDEX_PARTITION_KEY,
    CLUSTER_INDEX_SORT_KEY,
    EXPIRES_AT,
    PARTITION_KEY,
    SORT_KEY,
    TABLE_DEFINITION,
)
from bot.core.clock import utc_now_iso
from bot.core.manifest import Manifest
from bot.core.models import (
    Mark,
    MarkKind,
    ModelVersion,
    Movie,
    Page,
    RunState,
    TrainingRun,
    VersionState,
    VersionStatus,
)

# DynamoDB Local pages through a partition in time that grows with the square of its size, so
# a version's movies are spread thin: a shard per ~10k movies (72 at full scale).
MOVIES_PER_SHARD = 10_000
MAX_SHARDS = 256
INDEX_CHUNK_BYTES = 350_000
BATCH_WRITE_MAX = 25
MAX_VOTES = 10**12 - 1
_ACTIVE_KEY = {PARTITION_KEY: {"S": "ACTIVE"}, SORT_KEY: {"S": "ACTIVE"}}
# Partition-key prefixes of the items the bot writes while answering Slack; template.yaml
# limits the bot role's writes to exactly these (dynamodb:LeadingKeys), so a new kind of
# item the bot writes must be added here and there (a template test compares them).
USER_PK_PREFIX = "USER#"  # a user's marks
EVENT_PK_PREFIX = "EVENT#"  # claimed Slack events
RATE_PK_PREFIX = "RATE#"  # a user's questions per rate-limit window
BOT_WRITE_PK_PREFIXES = (USER_PK_PREFIX, EVENT_PK_PREFIX, RATE_PK_PREFIX)
# A movie item carries every field of Movie under the field's own name.
_MOVIE_FIELDS = tuple(field.name for field in dataclasses.fields(Movie))


def _names(*attributes: str) -> dict[str, str]:
    """ExpressionAttributeNames for `attributes`, each as `#name`: reserved words are safe."""
    return {f"#{name}": name for name in attributes}


def shards_for(manifest: Manifest) -> int:
    movies = manifest.counts.get("movies", 0)
    if movies < 1:
        return 16  # size unknown: enough for ~160k movies
    return max(1, min(MAX_SHARDS, -(-movies // MOVIES_PER_SHARD)))


def _movie_pk(version: str, shard: int) -> str:
    return f"MOVIE#{version}#{shard:03d}"


def _movie_key(version: str, shards: int, tconst: str) -> dict[str, Any]:
    return {
        PARTITION_KEY: {"S": _movie_pk(version, zlib.crc32(tconst.encode()) % shards)},
        SORT_KEY: {"S": tconst},
    }


def _top_pk(version: str) -> str:
    return f"TOP#{version}"


def _cluster_pk(version: str, cluster: int) -> str:
    return f"CLUSTER#{version}#{cluster}"


def _movie_item(version: str, shards: int, m: Movie) -> dict[str, Any]:
    item: dict[str, Any] = {
        **_movie_key(version, shards, m.tconst),
        CLUSTER_INDEX_PARTITION_KEY: {"S": _cluster_pk(version, m.cluster)},
        # Ascending order of (MAX_VOTES - votes, tconst) is votes descending, ties by tconst.
        CLUSTER_INDEX_SORT_KEY: {"S": f"{MAX_VOTES - min(m.votes, MAX_VOTES):012d}#{m.tconst}"},
        "tconst": {"S": m.tconst},
        "title": {"S": m.title},
        "original_title": {"S": m.original_title},
        "genres": {"S": ",".join(m.genres)},
        "rating": {"N": repr(float(m.rating))},
        "votes": {"N": str(int(m.votes))},
        "cluster": {"N": str(int(m.cluster))},
        "coords": {"B": pack_coords(m.coords)},
    }
    if m.year is not None:
        item["year"] = {"N": str(m.year)}
    if m.runtime is not None:
        item["runtime"] = {"N": str(m.runtime)}
    # Absent when unknown, as most are in a catalogue of one region's akas: items stay small.
    if m.countries:
        item["countries"] = {"S": ",".join(m.countries)}
    if m.languages:
        item["languages"] = {"S": ",".join(m.languages)}
    return item


def _codes(item: dict[str, Any], name: str) -> tuple[str, ...]:
    return tuple(code for code in item.get(name, {}).get("S", "").split(",") if code)


def _movie(item: dict[str, Any]) -> Movie:
    return Movie(
        tconst=item["tconst"]["S"],
        title=item["title"]["S"],
        original_title=item["original_title"]["S"],
        year=int(item["year"]["N"]) if "year" in item else None,
        runtime=int(item["runtime"]["N"]) if "runtime" in item else None,
        genres=tuple(g for g in item["genres"]["S"].split(",") if g),
        rating=float(item["rating"]["N"]),
        votes=int(item["votes"]["N"]),
        cluster=int(item["cluster"]["N"]),
        coords=unpack_coords(item["coords"]["B"]),
        countries=_codes(item, "countries"),
        languages=_codes(item, "languages"),
    )


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _is_local(endpoint_url: str | None) -> bool:
    if not endpoint_url:
        return False
    host = urlparse(endpoint_url).hostname or ""
    return not host.endswith(".amazonaws.com")


class DynamoStore:
    def __init__(
        self,
        table: str,
        endpoint_url: str | None = None,
        *,
        client: Any = None,
        workers: int = 16,
        max_backoff_attempts: int = 12,
        index_timeout_s: float = 120.0,
        wait_for_index: bool | None = None,
    ) -> None:
        self.table = table
        self.endpoint_url = endpoint_url
        self._workers = workers
        self._max_backoff_attempts = max_backoff_attempts
        self._index_timeout_s = index_timeout_s
        # DynamoDB Local updates a GSI with its table, synchronously; AWS does it a moment later.
        self._wait_for_index = (
            not _is_local(endpoint_url) if wait_for_index is None else wait_for_index
        )
        if client is None:
            region = boto3.session.Session().region_name
            if region is None and _is_local(endpoint_url):
                region = "us-east-1"  # DynamoDB Local ignores it, but botocore insists on one
            client = boto3.client(
                "dynamodb",
                endpoint_url=endpoint_url,
                region_name=region,
                config=Config(
                    retries={"mode": "standard", "max_attempts": 10},
                    max_pool_connections=workers + 4,
                    # The requests are built here, and DynamoDB checks them anyway; validating
                    # each 25-item batch client-side cost ~40% of the loader's CPU.
                    parameter_validation=False,
                ),
            )
        self.client = client
        self._executor: ThreadPoolExecutor | None = None
        # What this handle wrote and counted, so completing a version can check the GSI.
        self._clusters: dict[str, set[int]] = {}
        self._counted: dict[str, int] = {}
        self._shard_counts: dict[str, int] = {}
        if _is_local(endpoint_url):
            self.ensure_table()

    # --- plumbing ---
    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            result: dict[str, Any] = getattr(self.client, operation)(**kwargs)
            return result
        except ClientError as exc:
            error = exc.response.get("Error", {})
            if error.get("Code") == "ResourceNotFoundException":
                raise StoreError(f"DynamoDB table {self.table!r} does not exist") from None
            raise StoreError(f"DynamoDB {operation} failed: {error.get('Message', exc)}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB {operation} failed: {exc}") from exc

    def ensure_table(self) -> None:
        """Create the table from TABLE_DEFINITION when missing (local endpoints only)."""
        try:
            try:
                self.client.describe_table(TableName=self.table)
                return
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    raise
            try:
                self.client.create_table(TableName=self.table, **TABLE_DEFINITION)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
                    raise
            self.client.get_waiter("table_exists").wait(
                TableName=self.table, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100}
            )
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(
                f"cannot open DynamoDB table {self.table!r} at {self.endpoint_url}: {exc}"
            ) from None

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="dynamo")
        return self._executor

    def _backoff(self, attempt: int) -> None:
        if attempt >= self._max_backoff_attempts:
            raise StoreError("DynamoDB kept returning unprocessed items; giving up")
        # Full jitter, capped at 2 s, as AWS recommends for unprocessed batch items.
        time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))

    def _write_batch(self, requests: list[dict[str, Any]]) -> None:
        attempt = 0
        while requests:
            response = self._call("batch_write_item", RequestItems={self.table: requests})
            requests = response.get("UnprocessedItems", {}).get(self.table, [])
            if requests:
                self._backoff(attempt)
                attempt += 1

    def _write_all(self, requests: Iterable[dict[str, Any]]) -> int:
        """Send write requests 25 at a time on the thread pool; return how many went through."""
        pool = self._pool()
        futures: list[Future[None]] = []
        total = 0
        for batch in _batched(requests, BATCH_WRITE_MAX):
            futures.append(pool.submit(self._write_batch, batch))
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

    def _query_all(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            response = self._call("query", TableName=self.table, **kwargs)
            yield from response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last

    def _get(self, key: dict[str, Any], consistent: bool = True) -> dict[str, Any] | None:
        response = self._call("get_item", TableName=self.table, Key=key, ConsistentRead=consistent)
        item: dict[str, Any] | None = response.get("Item")
        return item

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    # --- reading ---
    def active(self) -> ModelVersion | None:
        item = self._get(_ACTIVE_KEY)
        if not item:
            return None
        version = item["version"]["S"]
        manifest = Manifest.from_stored(json.loads(item["manifest"]["S"]), version=version)
        return ModelVersion(version, manifest)

    def movie(self, version: str, tconst: str) -> Movie | None:
        shards = self._shards(version)
        if shards is None:
            return None
        item = self._get(_movie_key(version, shards, tconst))
        return _movie(item) if item else None

    def cluster_page(
        self, version: str, cluster: int, limit: int, cursor: str | None = None
    ) -> Page:
        if limit < 1:
            raise StoreError("page limit must be at least 1")
        gpk = _cluster_pk(version, cluster)
        kwargs: dict[str, Any] = {
            "IndexName": CLUSTER_INDEX,
            "KeyConditionExpression": f"#{CLUSTER_INDEX_PARTITION_KEY} = :gpk",
            "ExpressionAttributeNames": _names(
                CLUSTER_INDEX_PARTITION_KEY,
                CLUSTER_INDEX_SORT_KEY,
                PARTITION_KEY,
                SORT_KEY,
                *_MOVIE_FIELDS,
            ),
            "ExpressionAttributeValues": {":gpk": {"S": gpk}},
            "ProjectionExpression": ", ".join(
                f"#{name}"
                for name in (
                    PARTITION_KEY,
                    SORT_KEY,
                    CLUSTER_INDEX_PARTITION_KEY,
                    CLUSTER_INDEX_SORT_KEY,
                    *_MOVIE_FIELDS,
                )
            ),
            "Limit": limit + 1,  # one more than asked says whether another page exists
        }
        if cursor:
            start = decode_cursor(cursor, ("pk", "sk", "gsk"))
            kwargs["ExclusiveStartKey"] = {
                PARTITION_KEY: {"S": str(start["pk"])},
                SORT_KEY: {"S": str(start["sk"])},
                CLUSTER_INDEX_PARTITION_KEY: {"S": gpk},
                CLUSTER_INDEX_SORT_KEY: {"S": str(start["gsk"])},
            }
        items: list[dict[str, Any]] = []
        while len(items) <= limit:
            response = self._call("query", TableName=self.table, **kwargs)
            items.extend(response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last:
                break
            kwargs["ExclusiveStartKey"] = last
            kwargs["Limit"] = limit + 1 - len(items)
        movies = [_movie(item) for item in items[:limit]]
        if len(items) <= limit:
            return Page(movies, None)
        last_item = items[limit - 1]
        return Page(
            movies,
            encode_cursor(
                {
                    "pk": last_item[PARTITION_KEY]["S"],
                    "sk": last_item[SORT_KEY]["S"],
                    "gsk": last_item[CLUSTER_INDEX_SORT_KEY]["S"],
                }
            ),
        )

    def _version_item(self, version: str) -> dict[str, Any] | None:
        return self._get({PARTITION_KEY: {"S": "VERSION"}, SORT_KEY: {"S": version}})

    def _shards(self, version: str) -> int | None:
        """How many partitions the version's movies are spread over (None: no such version).
        Fixed when the version is begun, so it is cached for good."""
        shards = self._shard_counts.get(version)
        if shards is None:
            item = self._version_item(version)
            if not item or "shards" not in item:
                return None
            shards = self._shard_counts[version] = int(item["shards"]["N"])
        return shards

    def title_index(self, version: str) -> bytes | None:
        meta = self._version_item(version)
        if not meta or int(meta.get("index_chunks", {}).get("N", "0")) == 0:
            return None
        count = int(meta["index_chunks"]["N"])

        def chunk(seq: int) -> bytes:
            # One GetItem per chunk, in parallel: paging a Query through tens of MB is slow.
            item = self._get(
                {PARTITION_KEY: {"S": f"INDEX#{version}"}, SORT_KEY: {"S": f"{seq:06d}"}}
            )
            if item is None:
                raise StoreError(f"title index of {version} is missing part {seq}")
            data: bytes = item["data"]["B"]
            return data

        parts = list(self._pool().map(chunk, range(count)))
        blob = b"".join(parts)
        if (
            len(blob) != int(meta["index_bytes"]["N"])
            or hashlib.sha256(blob).hexdigest() != meta["index_sha256"]["S"]
        ):
            raise StoreError(f"title index of {version} is damaged")
        return blob

    def catalogue_top(self, version: str) -> list[Movie]:
        items = list(
            self._query_all(
                KeyConditionExpression="#pk = :pk",
                ExpressionAttributeNames=_names(PARTITION_KEY),
                ExpressionAttributeValues={":pk": {"S": _top_pk(version)}},
            )
        )
        if not items:
            return []
        # A rewrite that stored fewer parts may leave stale ones behind: read what it names.
        parts = int(items[0]["parts"]["N"])
        if len(items) < parts:
            raise StoreError(f"the catalogue top of {version} is missing parts")
        return unpack_movies(b"".join(bytes(item["data"]["B"]) for item in items[:parts]))

    # --- marks ---
    def add_mark(self, user_id: str, mark: Mark) -> None:
        self._call(
            "put_item",
            TableName=self.table,
            Item={
                PARTITION_KEY: {"S": f"{USER_PK_PREFIX}{user_id}"},
                SORT_KEY: {"S": f"MARK#{mark.tconst}"},
                "tconst": {"S": mark.tconst},
                "kind": {"S": mark.kind.value},
                "title": {"S": mark.title},
                "marked_at": {"S": mark.marked_at or utc_now_iso()},
            },
        )

    def remove_mark(self, user_id: str, tconst: str) -> None:
        self._call(
            "delete_item",
            TableName=self.table,
            Key={
                PARTITION_KEY: {"S": f"{USER_PK_PREFIX}{user_id}"},
                SORT_KEY: {"S": f"MARK#{tconst}"},
            },
        )

    def marks(self, user_id: str) -> list[Mark]:
        items = self._query_all(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :mark)",
            ExpressionAttributeNames=_names(PARTITION_KEY, SORT_KEY),
            ExpressionAttributeValues={
                ":pk": {"S": f"{USER_PK_PREFIX}{user_id}"},
                ":mark": {"S": "MARK#"},
            },
            ConsistentRead=True,
        )
        marks = [
            Mark(i["tconst"]["S"], MarkKind(i["kind"]["S"]), i["title"]["S"], i["marked_at"]["S"])
            for i in items
        ]
        marks.sort(key=lambda m: m.tconst)
        marks.sort(key=lambda m: m.marked_at, reverse=True)
        return marks

    # --- Slack events ---
    def claim_event(self, key: str, ttl_seconds: int) -> bool:
        now = int(time.time())
        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    PARTITION_KEY: {"S": f"{EVENT_PK_PREFIX}{key}"},
                    SORT_KEY: {"S": "EVENT"},
                    EXPIRES_AT: {"N": str(now + ttl_seconds)},
                },
                ConditionExpression="attribute_not_exists(#pk) OR #expires <= :now",
                ExpressionAttributeNames={"#pk": PARTITION_KEY, "#expires": EXPIRES_AT},
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise StoreError(f"DynamoDB put_item failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB put_item failed: {exc}") from exc
        return True

    def complete_event(self, key: str, ttl_seconds: int) -> None:
        self._call(
            "put_item",
            TableName=self.table,
            Item={
                PARTITION_KEY: {"S": f"{EVENT_PK_PREFIX}{key}"},
                SORT_KEY: {"S": "EVENT"},
                EXPIRES_AT: {"N": str(int(time.time()) + ttl_seconds)},
            },
        )

    def release_event(self, key: str) -> None:
        self._call(
            "delete_item",
            TableName=self.table,
            Key={PARTITION_KEY: {"S": f"{EVENT_PK_PREFIX}{key}"}, SORT_KEY: {"S": "EVENT"}},
        )

    # --- rate limit ---
    def take_quota(self, user_id: str, limit: int, window_seconds: int) -> bool:
        window = int(time.time()) // window_seconds * window_seconds
        try:
            # One atomic conditional update: containers counting at once never exceed `limit`.
            self.client.update_item(
                TableName=self.table,
                Key={
                    PARTITION_KEY: {"S": f"{RATE_PK_PREFIX}{user_id}"},
                    SORT_KEY: {"S": f"WINDOW#{window}"},
                },
                UpdateExpression="ADD #count :one SET #expires = :expires",
                ConditionExpression="attribute_not_exists(#count) OR #count < :limit",
                ExpressionAttributeNames={"#count": "count", "#expires": EXPIRES_AT},
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    # The table's TTL removes a window's item once it is over.
                    ":expires": {"N": str(window + window_seconds)},
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise StoreError(f"DynamoDB update_item failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB update_item failed: {exc}") from exc
        return True

    # --- training runs ---
    def record_run(self, run: TrainingRun) -> None:
        item: dict[str, Any] = {
            PARTITION_KEY: {"S": "RUN"},
            SORT_KEY: {"S": f"{run.started_at}#{run.run_id}"},
            "run_id": {"S": run.run_id},
            "state": {"S": run.state.value},
            "started_at": {"S": run.started_at},
            "detail": {"S": run.detail},
        }
        if run.ended_at is not None:
            item["ended_at"] = {"S": run.ended_at}
        if run.version is not None:
            item["version"] = {"S": run.version}
        self._call("put_item", TableName=self.table, Item=item)

    def latest_run(self) -> TrainingRun | None:
        response = self._call(
            "query",
            TableName=self.table,
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames=_names(PARTITION_KEY),
            ExpressionAttributeValues={":pk": {"S": "RUN"}},
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        items = response.get("Items", [])
        if not items:
            return None
        i = items[0]
        return TrainingRun(
            run_id=i["run_id"]["S"],
            state=RunState(i["state"]["S"]),
            started_at=i["started_at"]["S"],
            ended_at=i["ended_at"]["S"] if "ended_at" in i else None,
            detail=i["detail"]["S"],
            version=i["version"]["S"] if "version" in i else None,
        )

    # --- writing ---
    def versions(self) -> list[VersionState]:
        items = self._query_all(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames=_names(PARTITION_KEY),
            ExpressionAttributeValues={":pk": {"S": "VERSION"}},
            ConsistentRead=True,
        )
        rows = sorted(items, key=lambda i: (i["created_at"]["S"], i[SORT_KEY]["S"]))
        return [
            VersionState(
                i[SORT_KEY]["S"],
                VersionStatus(i["status"]["S"]),
                int(i["movies"]["N"]),
                i["created_at"]["S"],
            )
            for i in rows
        ]

    def _active_version(self) -> str | None:
        active = self.active()
        return active.version if active else None

    def begin_version(self, version: str, manifest: Manifest) -> None:
        if self._active_version() == version:
            raise StoreError(f"version {version} is active; it cannot be rewritten")
        self._call(
            "update_item",
            TableName=self.table,
            Key={PARTITION_KEY: {"S": "VERSION"}, SORT_KEY: {"S": version}},
            UpdateExpression=(
                "SET #status = :loading, #manifest = :manifest,"
                # A rerun resuming a load is a fresh start: no other loader's clean-up takes it.
                " #created_at = :now,"
                " #movies = if_not_exists(#movies, :zero),"
                " #shards = if_not_exists(#shards, :shards)"
            ),
            ExpressionAttributeNames=_names("status", "manifest", "created_at", "movies", "shards"),
            ExpressionAttributeValues={
                ":loading": {"S": VersionStatus.LOADING.value},
                ":manifest": {"S": json.dumps(manifest.to_dict())},
                ":now": {"S": utc_now_iso()},
                ":zero": {"N": "0"},
                ":shards": {"N": str(shards_for(manifest))},
            },
        )

    def _require_loading(self, version: str) -> dict[str, Any]:
        item = self._version_item(version)
        if not item:
            raise StoreError(f"version {version} was not begun")
        status = item["status"]["S"]
        if status != VersionStatus.LOADING.value:
            raise StoreError(f"version {version} is {status}; only a loading version is written")
        return item

    def put_movies(self, version: str, movies: Iterable[Movie]) -> int:
        shards = int(self._require_loading(version)["shards"]["N"])
        clusters = self._clusters.setdefault(version, set())

        def requests() -> Iterator[dict[str, Any]]:
            for m in movies:
                clusters.add(m.cluster)
                yield {"PutRequest": {"Item": _movie_item(version, shards, m)}}

        return self._write_all(requests())

    def put_report(self, version: str, files: Mapping[str, bytes]) -> None:
        self._require_loading(version)
        self._write_all(
            {
                "PutRequest": {
                    "Item": {
                        PARTITION_KEY: {"S": f"REPORT#{version}"},
                        SORT_KEY: {"S": name},
                        "data": {"B": data},
                    }
                }
            }
            for name, data in files.items()
        )

    def report(self, version: str) -> dict[str, bytes]:
        items = self._query_all(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames=_names(PARTITION_KEY),
            ExpressionAttributeValues={":pk": {"S": f"REPORT#{version}"}},
        )
        return {item[SORT_KEY]["S"]: bytes(item["data"]["B"]) for item in items}

    def put_title_index(self, version: str, blob: bytes) -> None:
        self._require_loading(version)
        parts = chunks(blob, INDEX_CHUNK_BYTES)
        count = self._write_all(
            {
                "PutRequest": {
                    "Item": {
                        PARTITION_KEY: {"S": f"INDEX#{version}"},
                        SORT_KEY: {"S": f"{seq:06d}"},
                        "data": {"B": part},
                    }
                }
            }
            for seq, part in enumerate(parts)
        )
        self._call(
            "update_item",
            TableName=self.table,
            Key={PARTITION_KEY: {"S": "VERSION"}, SORT_KEY: {"S": version}},
            UpdateExpression="SET #index_chunks = :n, #index_bytes = :size, #index_sha256 = :sha",
            ExpressionAttributeNames=_names("index_chunks", "index_bytes", "index_sha256"),
            ExpressionAttributeValues={
                ":n": {"N": str(count)},
                ":size": {"N": str(len(blob))},
                ":sha": {"S": hashlib.sha256(blob).hexdigest()},
            },
        )

    def put_catalogue_top(self, version: str, movies: Sequence[Movie]) -> None:
        self._require_loading(version)
        parts = list(chunks(pack_movies(movies), INDEX_CHUNK_BYTES))
        self._write_all(
            {
                "PutRequest": {
                    "Item": {
                        PARTITION_KEY: {"S": _top_pk(version)},
                        SORT_KEY: {"S": f"{seq:06d}"},
                        "data": {"B": part},
                        "parts": {"N": str(len(parts))},
                    }
                }
            }
            for seq, part in enumerate(parts)
        )

    def _fan_out(self, work: Callable[[int], int], over: Iterable[int]) -> list[int]:
        """Run `work(n)` for each n (a shard, a cluster) on the thread pool."""
        return list(self._pool().map(work, over))

    def _count(self, **query: Any) -> int:
        total = 0
        while True:
            response = self._call("query", TableName=self.table, Select="COUNT", **query)
            total += int(response.get("Count", 0))
            if not response.get("LastEvaluatedKey"):
                return total
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def count_movies(self, version: str) -> int:
        def count(shard: int) -> int:
            return self._count(
                KeyConditionExpression="#pk = :pk",
                ExpressionAttributeNames=_names(PARTITION_KEY),
                ExpressionAttributeValues={":pk": {"S": _movie_pk(version, shard)}},
                ConsistentRead=True,
            )

        shards = self._shards(version)
        if shards is None:
            return 0
        total = sum(self._fan_out(count, range(shards)))
        self._counted[version] = total
        return total

    def _wait_for_cluster_index(self, version: str, expected: int, timeout_s: float) -> None:
        """GSIs are updated asynchronously in AWS: wait until the cluster index holds every
        movie this handle wrote, so no cluster page of a new version comes up short."""
        clusters = self._clusters.get(version)
        if clusters is None:
            return  # another handle wrote the movies; its own completion would have checked

        def count(cluster: int) -> int:
            return self._count(
                IndexName=CLUSTER_INDEX,
                KeyConditionExpression="#gpk = :gpk",
                ExpressionAttributeNames=_names(CLUSTER_INDEX_PARTITION_KEY),
                ExpressionAttributeValues={":gpk": {"S": _cluster_pk(version, cluster)}},
            )

        deadline = time.monotonic() + timeout_s
        while True:
            indexed = sum(self._fan_out(count, sorted(clusters)))
            if indexed == expected:
                return
            if time.monotonic() > deadline:
                raise StoreError(
                    f"the cluster index holds {indexed} of {expected} movies of {version};"
                    " it was not completed (run the load again)"
                )
            time.sleep(1.0)

    def complete_version(self, version: str) -> None:
        self._require_loading(version)
        count = self._counted.pop(version, None)
        if count is None:
            count = self.count_movies(version)
            self._counted.pop(version, None)
        if self._wait_for_index:
            self._wait_for_cluster_index(version, count, timeout_s=self._index_timeout_s)
        self._clusters.pop(version, None)
        self._call(
            "update_item",
            TableName=self.table,
            Key={PARTITION_KEY: {"S": "VERSION"}, SORT_KEY: {"S": version}},
            UpdateExpression="SET #status = :complete, #movies = :n",
            ConditionExpression="#status = :loading",
            ExpressionAttributeNames=_names("status", "movies"),
            ExpressionAttributeValues={
                ":complete": {"S": VersionStatus.COMPLETE.value},
                ":loading": {"S": VersionStatus.LOADING.value},
                ":n": {"N": str(count)},
            },
        )

    def activate(self, version: str, expected_previous: str | None) -> None:
        meta = self._version_item(version)
        if not meta or meta["status"]["S"] != VersionStatus.COMPLETE.value:
            raise StoreError(f"version {version} is not completely loaded")
        if expected_previous is None:
            condition = "attribute_not_exists(#pk)"
            names = _names(PARTITION_KEY)
            values: dict[str, Any] = {}
        else:
            condition = "#version = :previous"
            names = _names("version")
            values = {":previous": {"S": expected_previous}}
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": self.table,
                            "Key": {PARTITION_KEY: {"S": "VERSION"}, SORT_KEY: {"S": version}},
                            "ConditionExpression": "#status = :complete",
                            "ExpressionAttributeNames": _names("status"),
                            "ExpressionAttributeValues": {
                                ":complete": {"S": VersionStatus.COMPLETE.value}
                            },
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": {
                                **_ACTIVE_KEY,
                                "version": {"S": version},
                                "manifest": meta["manifest"],
                                "activated_at": {"S": utc_now_iso()},
                            },
                            "ConditionExpression": condition,
                            "ExpressionAttributeNames": names,
                            **({"ExpressionAttributeValues": values} if values else {}),
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons", [])
                codes = [r.get("Code") for r in reasons]
                if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                    raise ActivationConflict(
                        f"active version is {self._active_version()!r},"
                        f" expected {expected_previous!r}"
                    ) from None
                raise StoreError(f"version {version} is not completely loaded") from None
            raise StoreError(f"DynamoDB TransactWriteItems failed: {exc}") from exc

    def delete_version(self, version: str) -> None:
        if self._active_version() == version:
            raise StoreError(f"version {version} is active; it cannot be deleted")

        def keys(pk: str) -> Iterator[dict[str, Any]]:
            return self._query_all(
                KeyConditionExpression="#pk = :pk",
                ExpressionAttributeNames=_names(PARTITION_KEY, SORT_KEY),
                ExpressionAttributeValues={":pk": {"S": pk}},
                ProjectionExpression="#pk, #sk",
                ConsistentRead=True,
            )

        def delete_shard(shard: int) -> int:
            # Runs on the pool itself, so it writes its deletes one batch at a time.
            n = 0
            for batch in _batched(keys(_movie_pk(version, shard)), BATCH_WRITE_MAX):
                self._write_batch([{"DeleteRequest": {"Key": key}} for key in batch])
                n += len(batch)
            return n

        shards = self._shards(version)
        if shards is not None:
            self._fan_out(delete_shard, range(shards))
        for prefix in ("INDEX", "REPORT", "TOP"):
            self._write_all({"DeleteRequest": {"Key": k}} for k in keys(f"{prefix}#{version}"))
        # The version item goes last: while it exists, a later loader knows to finish the job.
        self._call(
            "delete_item",
            TableName=self.table,
            Key={PARTITION_KEY: {"S": "VERSION"}, SORT_KEY: {"S": version}},
        )
        self._shard_counts.pop(version, None)
