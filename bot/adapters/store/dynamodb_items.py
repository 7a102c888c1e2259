"""The DynamoDB store's items: their keys, and their attributes to and from plain values.

boto3's TypeSerializer / TypeDeserializer do the `{"S": ...}` typing. Two conversions are
deliberate: a float is written as the Decimal of its repr (the serializer takes no floats; the
repr reads back as the very same float), and numbers read back as Decimal, so each reader here
says which int or float it wants. Bytes are written as binary and read back as boto3's Binary.
The layout (which item holds what) is documented in bot/adapters/store/dynamodb.py.
"""

from __future__ import annotations

import decimal
import zlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from bot.adapters.store.base import StoreError
from bot.adapters.store.codec import movie_from_record, movie_record
from bot.adapters.store.dynamodb_schema import (
    CLUSTER_INDEX_PARTITION_KEY,
    CLUSTER_INDEX_SORT_KEY,
    PARTITION_KEY,
    SORT_KEY,
)
from bot.core.models import (
    Mark,
    MarkKind,
    Movie,
    RunState,
    TrainingRun,
    VersionState,
    VersionStatus,
)

MAX_VOTES = 10**12 - 1
# Partition-key prefixes of the items the bot writes while answering Slack; template.yaml
# limits the bot role's writes to exactly these (dynamodb:LeadingKeys), so a new kind of
# item the bot writes must be added here and there (a template test compares them).
USER_PK_PREFIX = "USER#"  # a user's marks
EVENT_PK_PREFIX = "EVENT#"  # claimed Slack events
RATE_PK_PREFIX = "RATE#"  # a user's questions per rate-limit window
THREAD_PK_PREFIX = "THREAD#"  # a conversation's state between turns
NIGHT_PK_PREFIX = "NIGHT#"  # a movie night
BOT_WRITE_PK_PREFIXES = (
    USER_PK_PREFIX,
    EVENT_PK_PREFIX,
    RATE_PK_PREFIX,
    THREAD_PK_PREFIX,
    NIGHT_PK_PREFIX,
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values as DynamoDB attributes; a None value is left out (the attribute is absent)."""
    item: dict[str, Any] = {}
    serialize = _serializer.serialize
    for name, value in values.items():
        if value is None:
            continue
        try:
            item[name] = serialize(Decimal(repr(value)) if type(value) is float else value)
        except (TypeError, decimal.DecimalException) as exc:
            # NaN, an infinity, a number DynamoDB cannot hold: refused before anything is sent.
            raise StoreError(f"cannot store {name}={value!r} in DynamoDB: {exc}") from None
    return item


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB attributes as plain values (numbers as Decimal, binary as Binary)."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def values(**named: Any) -> dict[str, Any]:
    """ExpressionAttributeValues: `values(now=...)` is `{":now": {...}}`."""
    return {f":{name}": value for name, value in to_item(named).items()}


def names(*attributes: str) -> dict[str, str]:
    """ExpressionAttributeNames for `attributes`, each as `#name`: reserved words are safe."""
    return {f"#{name}": name for name in attributes}


def key(pk: str, sk: str) -> dict[str, Any]:
    return to_item({PARTITION_KEY: pk, SORT_KEY: sk})


ACTIVE_KEY = key("ACTIVE", "ACTIVE")


def version_key(version: str) -> dict[str, Any]:
    return key("VERSION", version)


def movie_pk(version: str, shard: int) -> str:
    return f"MOVIE#{version}#{shard:03d}"


def shard(tconst: str, shards: int) -> int:
    return zlib.crc32(tconst.encode()) % shards


def movie_key(version: str, shards: int, tconst: str) -> dict[str, Any]:
    return key(movie_pk(version, shard(tconst, shards)), tconst)


def cluster_pk(version: str, cluster: int) -> str:
    return f"CLUSTER#{version}#{cluster}"


def index_pk(version: str) -> str:
    return f"INDEX#{version}"


def index_sk(seq: int) -> str:
    return f"{seq:06d}"


def top_pk(version: str) -> str:
    return f"TOP#{version}"


def block_pk(version: str) -> str:
    return f"BLOCK#{version}"


def block_sk_prefix(cluster: int) -> str:
    return f"{cluster:04d}#"


def block_sk(cluster: int, part: int) -> str:
    return f"{block_sk_prefix(cluster)}{part:06d}"


def report_pk(version: str) -> str:
    return f"REPORT#{version}"


def user_pk(user_id: str) -> str:
    return f"{USER_PK_PREFIX}{user_id}"


def mark_sk(tconst: str) -> str:
    return f"MARK#{tconst}"


def event_key(event: str) -> dict[str, Any]:
    return key(f"{EVENT_PK_PREFIX}{event}", "EVENT")


def thread_key(thread: str) -> dict[str, Any]:
    return key(f"{THREAD_PK_PREFIX}{thread}", "THREAD")


def night_key(night_id: str) -> dict[str, Any]:
    return key(f"{NIGHT_PK_PREFIX}{night_id}", "NIGHT")


def rate_key(user_id: str, window: int) -> dict[str, Any]:
    return key(f"{RATE_PK_PREFIX}{user_id}", f"WINDOW#{window}")


# --- movies ---
def cluster_sk(m: Movie) -> str:
    # Ascending (MAX_VOTES - votes, tconst) is votes descending, ties by tconst.
    return f"{MAX_VOTES - min(m.votes, MAX_VOTES):012d}#{m.tconst}"


def movie_item(version: str, shards: int, m: Movie) -> dict[str, Any]:
    return to_item(
        {
            PARTITION_KEY: movie_pk(version, shard(m.tconst, shards)),
            SORT_KEY: m.tconst,
            CLUSTER_INDEX_PARTITION_KEY: cluster_pk(version, m.cluster),
            CLUSTER_INDEX_SORT_KEY: cluster_sk(m),
            **movie_record(m),
        }
    )


def movie(item: Mapping[str, Any]) -> Movie:
    return movie_from_record(item)


# --- marks ---
def mark_item(user_id: str, mark: Mark, marked_at: str) -> dict[str, Any]:
    return to_item(
        {
            PARTITION_KEY: user_pk(user_id),
            SORT_KEY: mark_sk(mark.tconst),
            "tconst": mark.tconst,
            "kind": mark.kind.value,
            "title": mark.title,
            "marked_at": marked_at,
        }
    )


def mark(item: Mapping[str, Any]) -> Mark:
    return Mark(item["tconst"], MarkKind(item["kind"]), item["title"], item["marked_at"])


# --- training runs ---
def run_item(run: TrainingRun) -> dict[str, Any]:
    return to_item(
        {
            PARTITION_KEY: "RUN",
            SORT_KEY: f"{run.started_at}#{run.run_id}",
            "run_id": run.run_id,
            "state": run.state.value,
            "started_at": run.started_at,
            "detail": run.detail,
            "ended_at": run.ended_at,
            "version": run.version,
        }
    )


def run(item: Mapping[str, Any]) -> TrainingRun:
    return TrainingRun(
        run_id=item["run_id"],
        state=RunState(item["state"]),
        started_at=item["started_at"],
        ended_at=item.get("ended_at"),
        detail=item["detail"],
        version=item.get("version"),
    )


# --- versions ---
def version_state(item: Mapping[str, Any]) -> VersionState:
    return VersionState(
        item[SORT_KEY], VersionStatus(item["status"]), int(item["movies"]), item["created_at"]
    )
