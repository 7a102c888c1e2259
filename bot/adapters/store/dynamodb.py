"""The AWS store: one DynamoDB table (single-table design), on-demand capacity.

Items (pk, sk are strings; the table definition is in bot/adapters/store/dynamodb_schema.py):

Item (pk | sk): other attributes
- active pointer (`ACTIVE` | `ACTIVE`): version, manifest (JSON), activated_at
- model version (`VERSION` | version): status (loading/complete), manifest, movies, created_at
  (when its latest load began), index_chunks, index_bytes, index_sha256, index_part_bytes
- movie (`MOVIE#{version}#{shard}` | tconst): title, original_title, year, runtime, genres,
  rating, votes, cluster, coords (binary float64), countries, languages (comma-joined codes,
  absent when empty), gpk, gsk
- title index part (`INDEX#{version}` | chunk number, 6 digits): data (binary, <= 350 KB)
- catalogue top part (`TOP#{version}` | part number, 6 digits): data (binary, <= 350 KB, the
  compressed movie list of `codec.pack_movies` in order), parts (on every part: how many there
  are); one Query reads them all
- cluster pool block part (`BLOCK#{version}` | cluster, 4 digits, `#`, part number, 6 digits):
  data (binary, <= 350 KB, a part of `bot.core.pool_block`'s block), parts (on every part: how
  many the cluster's block has); one Query reads a cluster's, one the whole version's to delete
- report file (`REPORT#{version}` | file name): data (binary; the loader passes only files
  that fit one item)
- user mark (`USER#{user_id}` | `MARK#{tconst}`): kind, title, marked_at
- training run (`RUN` | `{started_at}#{run_id}`): run_id, state, started_at, ended_at, detail,
  version
- claimed Slack event (`EVENT#{key}` | `EVENT`): expires_at (epoch seconds, the table's TTL
  attribute; a claim past it counts as free even before DynamoDB deletes the item)
- a user's questions in one rate-limit window (`RATE#{user_id}` | `WINDOW#{window start}`):
  count, expires_at (the window's end; TTL)
- a conversation's state (`THREAD#{key}` | `THREAD`): state (JSON text), expires_at (TTL);
  read and written by dynamodb_threads.py
- a movie night (`NIGHT#{night_id}` | `NIGHT`): its state, members, favourites, shortlist,
  votes and counted clicks, expires_at (TTL); open nights with a closing time are in the GSI
  under gpk `NIGHTS_DUE`; read and written by dynamodb_nights.py

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
- Batch writes run in parallel threads, resent with backoff (bot/adapters/store/dynamodb_table.py);
  the items' keys and attributes are built in bot/adapters/store/dynamodb_items.py.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from bot.adapters.store import dynamodb_items as items
from bot.adapters.store.base import ActivationConflict, IndexParts, StoreError
from bot.adapters.store.codec import (
    MOVIE_FIELDS,
    ActiveMemo,
    chunks,
    decode_cursor,
    encode_cursor,
    pack_movies,
    unpack_movies,
)
from bot.adapters.store.dynamodb_items import (
    ACTIVE_KEY,
    BOT_WRITE_PK_PREFIXES,
    names,
    values,
    version_key,
)
from bot.adapters.store.dynamodb_nights import DynamoNights
from bot.adapters.store.dynamodb_schema import (
    CLUSTER_INDEX,
    CLUSTER_INDEX_PARTITION_KEY,
    CLUSTER_INDEX_SORT_KEY,
    EXPIRES_AT,
    PARTITION_KEY,
    SORT_KEY,
)
from bot.adapters.store.dynamodb_table import BATCH_WRITE_MAX, DynamoTable, batched
from bot.adapters.store.dynamodb_threads import DynamoThreads
from bot.core.clock import utc_now_iso
from bot.core.manifest import Manifest
from bot.core.models import (
    Mark,
    ModelVersion,
    Movie,
    Page,
    TrainingRun,
    VersionState,
    VersionStatus,
)

__all__ = ["BOT_WRITE_PK_PREFIXES", "DynamoStore", "shards_for"]

# DynamoDB Local pages through a partition in time that grows with the square of its size, so
# a version's movies are spread thin: a shard per ~10k movies (72 at full scale).
MOVIES_PER_SHARD = 10_000
MAX_SHARDS = 256
INDEX_CHUNK_BYTES = 350_000
INDEX_BATCH_GET = 8  # index parts per BatchGetItem (2.8 MB)
_PK = names(PARTITION_KEY)
# A cluster page reads its keys and the movie's attributes from the index, nothing else.
_PAGE_ATTRIBUTES = (
    PARTITION_KEY,
    SORT_KEY,
    CLUSTER_INDEX_PARTITION_KEY,
    CLUSTER_INDEX_SORT_KEY,
    *MOVIE_FIELDS,
)


def shards_for(manifest: Manifest) -> int:
    movies = manifest.counts.get("movies", 0)
    if movies < 1:
        return 16  # size unknown: enough for ~160k movies
    return max(1, min(MAX_SHARDS, -(-movies // MOVIES_PER_SHARD)))


def _is_local(endpoint_url: str | None) -> bool:
    if not endpoint_url:
        return False
    host = urlparse(endpoint_url).hostname or ""
    return not host.endswith(".amazonaws.com")


def _client(endpoint_url: str | None, workers: int) -> Any:
    region = boto3.session.Session().region_name
    if region is None and _is_local(endpoint_url):
        region = "us-east-1"  # DynamoDB Local ignores it, but botocore insists on one
    return boto3.client(
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


def _partition(pk: str, **query: Any) -> dict[str, Any]:
    """The Query arguments for every item of partition `pk`."""
    return {
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": _PK,
        "ExpressionAttributeValues": values(pk=pk),
        **query,
    }


class DynamoStore(DynamoThreads, DynamoNights):
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
        self._index_timeout_s = index_timeout_s
        # DynamoDB Local updates a GSI with its table, synchronously; AWS does it a moment later.
        self._wait_for_index = (
            not _is_local(endpoint_url) if wait_for_index is None else wait_for_index
        )
        self._db = DynamoTable(
            table,
            client if client is not None else _client(endpoint_url, workers),
            workers=workers,
            max_backoff_attempts=max_backoff_attempts,
        )
        # What this handle wrote and counted, so completing a version can check the GSI.
        self._clusters: dict[str, set[int]] = {}
        self._counted: dict[str, int] = {}
        self._shard_counts: dict[str, int] = {}
        self._active_memo = ActiveMemo()
        if _is_local(endpoint_url):
            self.ensure_table()

    @property
    def client(self) -> Any:
        return self._db.client

    def ensure_table(self) -> None:
        """Create the table when missing (local endpoints only)."""
        self._db.ensure(self.endpoint_url)

    def close(self) -> None:
        self._db.close()

    # --- reading ---
    def active(self) -> ModelVersion | None:
        item = self._db.get(ACTIVE_KEY)
        if not item:
            return None
        return self._active_memo.model(item["version"], item["manifest"])

    def movie(self, version: str, tconst: str) -> Movie | None:
        shards = self._shards(version)
        if shards is None:
            return None
        item = self._db.get(items.movie_key(version, shards, tconst))
        return items.movie(item) if item else None

    def cluster_page(
        self, version: str, cluster: int, limit: int, cursor: str | None = None
    ) -> Page:
        if limit < 1:
            raise StoreError("page limit must be at least 1")
        gpk = items.cluster_pk(version, cluster)
        query: dict[str, Any] = {
            "IndexName": CLUSTER_INDEX,
            "KeyConditionExpression": f"#{CLUSTER_INDEX_PARTITION_KEY} = :gpk",
            "ExpressionAttributeNames": names(*_PAGE_ATTRIBUTES),
            "ExpressionAttributeValues": values(gpk=gpk),
            "ProjectionExpression": ", ".join(f"#{name}" for name in _PAGE_ATTRIBUTES),
            "Limit": limit + 1,  # one more than asked says whether another page exists
        }
        if cursor:
            start = decode_cursor(cursor, ("pk", "sk", "gsk"))
            query["ExclusiveStartKey"] = items.to_item(
                {
                    PARTITION_KEY: str(start["pk"]),
                    SORT_KEY: str(start["sk"]),
                    CLUSTER_INDEX_PARTITION_KEY: gpk,
                    CLUSTER_INDEX_SORT_KEY: str(start["gsk"]),
                }
            )
        found: list[dict[str, Any]] = []
        for item in self._db.query(**query):
            found.append(item)
            if len(found) > limit:
                break  # no further page is read
        movies = [items.movie(item) for item in found[:limit]]
        if len(found) <= limit:
            return Page(movies, None)
        last = found[limit - 1]
        return Page(
            movies,
            encode_cursor(
                {
                    "pk": last[PARTITION_KEY],
                    "sk": last[SORT_KEY],
                    "gsk": last[CLUSTER_INDEX_SORT_KEY],
                }
            ),
        )

    def _version_item(self, version: str) -> dict[str, Any] | None:
        return self._db.get(version_key(version))

    def _shards(self, version: str) -> int | None:
        """How many partitions the version's movies are spread over (None: no such version).
        Fixed when the version is begun, so it is cached for good."""
        shards = self._shard_counts.get(version)
        if shards is None:
            item = self._version_item(version)
            if not item or "shards" not in item:
                return None
            shards = self._shard_counts[version] = int(item["shards"])
        return shards

    def title_index(self, version: str) -> bytes | None:
        meta = self._version_item(version)
        count = int(meta.get("index_chunks", 0)) if meta else 0
        if not meta or count == 0:
            return None

        def chunk(seq: int) -> bytes:
            # One GetItem per chunk, in parallel: paging a Query through tens of MB is slow.
            item = self._db.get(items.key(items.index_pk(version), items.index_sk(seq)))
            if item is None:
                raise StoreError(f"title index of {version} is missing part {seq}")
            return bytes(item["data"])

        blob = b"".join(self._db.pool().map(chunk, range(count)))
        if (
            len(blob) != int(meta["index_bytes"])
            or hashlib.sha256(blob).hexdigest() != meta["index_sha256"]
        ):
            raise StoreError(f"title index of {version} is damaged")
        return blob

    def title_index_parts(self, version: str) -> IndexParts | None:
        meta = self._version_item(version)
        count = int(meta.get("index_chunks", 0)) if meta else 0
        if not meta or count == 0:
            return None
        size = int(meta["index_bytes"])
        # Every part is full but the last; versions stored before the size was kept used this.
        part = int(meta.get("index_part_bytes", INDEX_CHUNK_BYTES)) if count > 1 else size
        return IndexParts(count=count, size=size, part_bytes=part, sha256=meta["index_sha256"])

    def title_index_chunks(self, version: str, seqs: Sequence[int]) -> list[bytes]:
        wanted = list(seqs)
        keys = [items.key(items.index_pk(version), items.index_sk(seq)) for seq in wanted]
        # Small batches in parallel threads: one BatchGetItem returns at most 16 MB, and
        # DynamoDB serves a batch's items one after another.
        found = {
            item[SORT_KEY]: bytes(item["data"])
            for batch in self._db.pool().map(self._db.get_batch, batched(keys, INDEX_BATCH_GET))
            for item in batch
        }
        missing = [seq for seq in wanted if items.index_sk(seq) not in found]
        if missing:
            raise StoreError(f"title index of {version} is missing part {missing[0]}")
        return [found[items.index_sk(seq)] for seq in wanted]

    def catalogue_top(self, version: str) -> list[Movie]:
        found = list(self._db.query(**_partition(items.top_pk(version))))
        if not found:
            return []
        # A rewrite that stored fewer parts may leave stale ones behind: read what it names.
        parts = int(found[0]["parts"])
        if len(found) < parts:
            raise StoreError(f"the catalogue top of {version} is missing parts")
        return unpack_movies(b"".join(bytes(item["data"]) for item in found[:parts]))

    def cluster_block(self, version: str, cluster: int) -> bytes | None:
        found = list(
            self._db.query(
                KeyConditionExpression="#pk = :pk AND begins_with(#sk, :prefix)",
                ExpressionAttributeNames=names(PARTITION_KEY, SORT_KEY),
                ExpressionAttributeValues=values(
                    pk=items.block_pk(version), prefix=items.block_sk_prefix(cluster)
                ),
            )
        )
        if not found:
            return None
        # A rewrite that stored fewer parts may leave stale ones behind: read what it names.
        parts = int(found[0]["parts"])
        if len(found) < parts:
            raise StoreError(f"the pool block of cluster {cluster} of {version} is missing parts")
        return b"".join(bytes(item["data"]) for item in found[:parts])

    def cursor_after(self, version: str, movie: Movie) -> str:
        shards = self._shards(version)
        if shards is None:
            raise StoreError(f"no version {version}")
        return encode_cursor(
            {
                "pk": items.movie_pk(version, items.shard(movie.tconst, shards)),
                "sk": movie.tconst,
                "gsk": items.cluster_sk(movie),
            }
        )

    def report(self, version: str) -> dict[str, bytes]:
        found = self._db.query(**_partition(items.report_pk(version)))
        return {item[SORT_KEY]: bytes(item["data"]) for item in found}

    # --- marks ---
    def add_mark(self, user_id: str, mark: Mark) -> None:
        item = items.mark_item(user_id, mark, mark.marked_at or utc_now_iso())
        self._db.call("put_item", Item=item)

    def remove_mark(self, user_id: str, tconst: str) -> None:
        key = items.key(items.user_pk(user_id), items.mark_sk(tconst))
        self._db.call("delete_item", Key=key)

    def marks(self, user_id: str) -> list[Mark]:
        found = self._db.query(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :mark)",
            ExpressionAttributeNames=names(PARTITION_KEY, SORT_KEY),
            ExpressionAttributeValues=values(pk=items.user_pk(user_id), mark=items.mark_sk("")),
            ConsistentRead=True,
        )
        marks = [items.mark(item) for item in found]
        marks.sort(key=lambda m: m.tconst)
        marks.sort(key=lambda m: m.marked_at, reverse=True)
        return marks

    # --- Slack events ---
    def claim_event(self, key: str, ttl_seconds: int) -> bool:
        now = int(time.time())
        return self._db.conditional(
            "put_item",
            Item={**items.event_key(key), **items.to_item({EXPIRES_AT: now + ttl_seconds})},
            ConditionExpression="attribute_not_exists(#pk) OR #expires <= :now",
            ExpressionAttributeNames={"#pk": PARTITION_KEY, "#expires": EXPIRES_AT},
            ExpressionAttributeValues=values(now=now),
        )

    def complete_event(self, key: str, ttl_seconds: int) -> None:
        expires = int(time.time()) + ttl_seconds
        self._db.call(
            "put_item", Item={**items.event_key(key), **items.to_item({EXPIRES_AT: expires})}
        )

    def release_event(self, key: str) -> None:
        self._db.call("delete_item", Key=items.event_key(key))

    # --- rate limit ---
    def take_quota(self, user_id: str, limit: int, window_seconds: int) -> bool:
        window = int(time.time()) // window_seconds * window_seconds
        # One atomic conditional update: containers counting at once never exceed `limit`.
        return self._db.conditional(
            "update_item",
            Key=items.rate_key(user_id, window),
            UpdateExpression="ADD #count :one SET #expires = :expires",
            ConditionExpression="attribute_not_exists(#count) OR #count < :limit",
            ExpressionAttributeNames={"#count": "count", "#expires": EXPIRES_AT},
            # The table's TTL removes a window's item once it is over.
            ExpressionAttributeValues=values(one=1, limit=limit, expires=window + window_seconds),
        )

    # --- training runs ---
    def record_run(self, run: TrainingRun) -> None:
        self._db.call("put_item", Item=items.run_item(run))

    def latest_run(self) -> TrainingRun | None:
        response = self._db.call(
            "query", **_partition("RUN", ScanIndexForward=False, Limit=1, ConsistentRead=True)
        )
        found = response.get("Items", [])
        return items.run(items.from_item(found[0])) if found else None

    # --- writing ---
    def versions(self) -> list[VersionState]:
        found = self._db.query(**_partition("VERSION", ConsistentRead=True))
        rows = sorted(found, key=lambda item: (item["created_at"], item[SORT_KEY]))
        return [items.version_state(item) for item in rows]

    def _active_version(self) -> str | None:
        active = self.active()
        return active.version if active else None

    def begin_version(self, version: str, manifest: Manifest) -> None:
        if self._active_version() == version:
            raise StoreError(f"version {version} is active; it cannot be rewritten")
        self._db.call(
            "update_item",
            Key=version_key(version),
            UpdateExpression=(
                "SET #status = :loading, #manifest = :manifest,"
                # A rerun resuming a load is a fresh start: no other loader's clean-up takes it.
                " #created_at = :now,"
                " #movies = if_not_exists(#movies, :zero),"
                " #shards = if_not_exists(#shards, :shards)"
            ),
            ExpressionAttributeNames=names("status", "manifest", "created_at", "movies", "shards"),
            ExpressionAttributeValues=values(
                loading=VersionStatus.LOADING.value,
                manifest=json.dumps(manifest.to_dict()),
                now=utc_now_iso(),
                zero=0,
                shards=shards_for(manifest),
            ),
        )

    def _require_loading(self, version: str) -> dict[str, Any]:
        item = self._version_item(version)
        if not item:
            raise StoreError(f"version {version} was not begun")
        status = item["status"]
        if status != VersionStatus.LOADING.value:
            raise StoreError(f"version {version} is {status}; only a loading version is written")
        return item

    def put_movies(self, version: str, movies: Iterable[Movie]) -> int:
        shards = int(self._require_loading(version)["shards"])
        clusters = self._clusters.setdefault(version, set())

        def requests() -> Iterator[dict[str, Any]]:
            for m in movies:
                clusters.add(m.cluster)
                yield {"PutRequest": {"Item": items.movie_item(version, shards, m)}}

        return self._db.write_all(requests())

    def _put_parts(
        self, pk: str, parts: Iterable[tuple[str, bytes]], same: Mapping[str, Any] | None = None
    ) -> int:
        """Write (sort key, data) items under `pk`, each with the attributes `same` too; return
        how many."""
        extra = same or {}
        return self._db.write_all(
            {
                "PutRequest": {
                    "Item": items.to_item({PARTITION_KEY: pk, SORT_KEY: sk, "data": data, **extra})
                }
            }
            for sk, data in parts
        )

    def put_report(self, version: str, files: Mapping[str, bytes]) -> None:
        self._require_loading(version)
        self._put_parts(items.report_pk(version), files.items())

    def put_title_index(self, version: str, blob: bytes) -> None:
        self._require_loading(version)
        parts = chunks(blob, INDEX_CHUNK_BYTES)
        count = self._put_parts(
            items.index_pk(version), ((items.index_sk(seq), part) for seq, part in enumerate(parts))
        )
        self._db.call(
            "update_item",
            Key=version_key(version),
            UpdateExpression="SET #index_chunks = :n, #index_bytes = :size, #index_sha256 = :sha,"
            " #index_part_bytes = :part",
            ExpressionAttributeNames=names(
                "index_chunks", "index_bytes", "index_sha256", "index_part_bytes"
            ),
            ExpressionAttributeValues=values(
                n=count,
                size=len(blob),
                sha=hashlib.sha256(blob).hexdigest(),
                part=INDEX_CHUNK_BYTES,
            ),
        )

    def put_catalogue_top(self, version: str, movies: Sequence[Movie]) -> None:
        self._require_loading(version)
        parts = list(chunks(pack_movies(movies), INDEX_CHUNK_BYTES))
        numbered = ((items.index_sk(seq), part) for seq, part in enumerate(parts))
        self._put_parts(items.top_pk(version), numbered, {"parts": len(parts)})

    def put_cluster_block(self, version: str, cluster: int, data: bytes) -> None:
        self._require_loading(version)
        parts = list(chunks(data, INDEX_CHUNK_BYTES))
        numbered = ((items.block_sk(cluster, seq), part) for seq, part in enumerate(parts))
        self._put_parts(items.block_pk(version), numbered, {"parts": len(parts)})

    def _fan_out(self, work: Callable[[int], int], over: Iterable[int]) -> list[int]:
        """Run `work(n)` for each n (a shard, a cluster) on the thread pool."""
        return list(self._db.pool().map(work, over))

    def count_movies(self, version: str) -> int:
        def count(shard: int) -> int:
            return self._db.count(**_partition(items.movie_pk(version, shard), ConsistentRead=True))

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
            return self._db.count(
                IndexName=CLUSTER_INDEX,
                KeyConditionExpression="#gpk = :gpk",
                ExpressionAttributeNames=names(CLUSTER_INDEX_PARTITION_KEY),
                ExpressionAttributeValues=values(gpk=items.cluster_pk(version, cluster)),
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
        self._db.call(
            "update_item",
            Key=version_key(version),
            UpdateExpression="SET #status = :complete, #movies = :n",
            ConditionExpression="#status = :loading",
            ExpressionAttributeNames=names("status", "movies"),
            ExpressionAttributeValues=values(
                complete=VersionStatus.COMPLETE.value,
                loading=VersionStatus.LOADING.value,
                n=count,
            ),
        )

    def activate(self, version: str, expected_previous: str | None) -> None:
        meta = self._version_item(version)
        if not meta or meta["status"] != VersionStatus.COMPLETE.value:
            raise StoreError(f"version {version} is not completely loaded")
        pointer = items.to_item(
            {"version": version, "manifest": meta["manifest"], "activated_at": utc_now_iso()}
        )
        if expected_previous is None:
            condition: dict[str, Any] = {
                "ConditionExpression": "attribute_not_exists(#pk)",
                "ExpressionAttributeNames": _PK,
            }
        else:
            condition = {
                "ConditionExpression": "#version = :previous",
                "ExpressionAttributeNames": names("version"),
                "ExpressionAttributeValues": values(previous=expected_previous),
            }
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": self.table,
                            "Key": version_key(version),
                            "ConditionExpression": "#status = :complete",
                            "ExpressionAttributeNames": names("status"),
                            "ExpressionAttributeValues": values(
                                complete=VersionStatus.COMPLETE.value
                            ),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": {**ACTIVE_KEY, **pointer},
                            **condition,
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
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB TransactWriteItems failed: {exc}") from exc

    def delete_version(self, version: str) -> None:
        if self._active_version() == version:
            raise StoreError(f"version {version} is active; it cannot be deleted")

        def keys(pk: str) -> Iterator[dict[str, Any]]:
            found = self._db.query(
                **_partition(
                    pk,
                    ExpressionAttributeNames=names(PARTITION_KEY, SORT_KEY),
                    ProjectionExpression="#pk, #sk",
                    ConsistentRead=True,
                )
            )
            return (items.key(item[PARTITION_KEY], item[SORT_KEY]) for item in found)

        def delete_shard(shard: int) -> int:
            # Runs on the pool itself, so it writes its deletes one batch at a time.
            n = 0
            for batch in batched(keys(items.movie_pk(version, shard)), BATCH_WRITE_MAX):
                self._db.write_batch([{"DeleteRequest": {"Key": key}} for key in batch])
                n += len(batch)
            return n

        shards = self._shards(version)
        if shards is not None:
            self._fan_out(delete_shard, range(shards))
        for pk in (
            items.index_pk(version),
            items.report_pk(version),
            items.top_pk(version),
            items.block_pk(version),
        ):
            self._db.write_all({"DeleteRequest": {"Key": key}} for key in keys(pk))
        # The version item goes last: while it exists, a later loader knows to finish the job.
        self._db.call("delete_item", Key=version_key(version))
        self._shard_counts.pop(version, None)
