"""The DynamoDB item layout does not move: items in the shape the hand-typed code wrote (raw
put_item calls, copied from it) read back as they did, and what the store writes now has that
same shape, attribute by attribute and type by type."""

from __future__ import annotations

import hashlib
import json
import zlib
from array import array
from collections.abc import Iterator
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

from bot.adapters.store import dynamodb
from bot.adapters.store.codec import pack_movies
from bot.adapters.store.dynamodb import DynamoStore
from bot.core.manifest import Manifest
from bot.core.models import Mark, MarkKind, Movie, RunState, TrainingRun, VersionStatus

pytestmark = pytest.mark.dynamodb

SHARDS = 3  # what shards_for gives the manifest below
# Rating and coordinates no short decimal holds, an unknown year and runtime, no genres, no
# known origin.
EXACT = Movie(
    "tt0000001", "Exact", "Exakt", 1999, 136, ("Action", "Sci-Fi"), 8.7, 2_000_000, 3,
    (0.1 + 0.2, -1e-300, 12345.678901234567), ("US", "SUHH"), ("en", "ru"),
)  # fmt: skip
SPARSE = Movie("tt0000002", "Sparse", "Sparse", None, None, (), 0.1 + 0.7, 0, 0, ())
MANIFEST = {"version": "v1", "created_at": "2026-11-21T00:00:00Z", "counts": {"movies": 20_001}}
INDEX = b"title index bytes"
TOP = pack_movies([EXACT, SPARSE])


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int | float) -> dict[str, str]:
    return {"N": repr(value) if isinstance(value, float) else str(value)}


def old_movie_item(version: str, m: Movie) -> dict[str, Any]:
    """A movie item exactly as the hand-typed code built it."""
    shard = zlib.crc32(m.tconst.encode()) % SHARDS
    item = {
        "pk": _s(f"MOVIE#{version}#{shard:03d}"),
        "sk": _s(m.tconst),
        "gpk": _s(f"CLUSTER#{version}#{m.cluster}"),
        "gsk": _s(f"{10**12 - 1 - m.votes:012d}#{m.tconst}"),
        "tconst": _s(m.tconst),
        "title": _s(m.title),
        "original_title": _s(m.original_title),
        "genres": _s(",".join(m.genres)),
        "rating": _n(float(m.rating)),
        "votes": _n(m.votes),
        "cluster": _n(m.cluster),
        "coords": {"B": array("d", m.coords).tobytes()},
    }
    if m.year is not None:
        item["year"] = _n(m.year)
    if m.runtime is not None:
        item["runtime"] = _n(m.runtime)
    # Absent when unknown, as most are.
    if m.countries:
        item["countries"] = _s(",".join(m.countries))
    if m.languages:
        item["languages"] = _s(",".join(m.languages))
    return item


def old_items() -> Iterator[dict[str, Any]]:
    """A loaded, active version, a mark, a finished run, a claimed event and a rate window,
    as the hand-typed code wrote them."""
    manifest = _s(json.dumps(MANIFEST))
    yield {
        "pk": _s("VERSION"), "sk": _s("v1"), "status": _s("complete"), "manifest": manifest,
        "created_at": _s("2026-11-21T00:00:00Z"), "movies": _n(2), "shards": _n(SHARDS),
        "index_chunks": _n(1), "index_bytes": _n(len(INDEX)),
        "index_sha256": _s(hashlib.sha256(INDEX).hexdigest()),
    }  # fmt: skip
    yield {
        "pk": _s("ACTIVE"), "sk": _s("ACTIVE"), "version": _s("v1"), "manifest": manifest,
        "activated_at": _s("2026-11-21T00:01:00Z"),
    }  # fmt: skip
    yield old_movie_item("v1", EXACT)
    yield old_movie_item("v1", SPARSE)
    yield {"pk": _s("INDEX#v1"), "sk": _s("000000"), "data": {"B": INDEX}}
    yield {"pk": _s("REPORT#v1"), "sk": _s("report.md"), "data": {"B": b"# Report"}}
    yield {"pk": _s("TOP#v1"), "sk": _s("000000"), "data": {"B": TOP}, "parts": _n(1)}
    yield {
        "pk": _s("USER#U1"), "sk": _s("MARK#tt0000001"), "tconst": _s("tt0000001"),
        "kind": _s("seen"), "title": _s("Exact"), "marked_at": _s("2026-11-21T10:00:00Z"),
    }  # fmt: skip
    yield {
        "pk": _s("RUN"), "sk": _s("2026-11-21T09:00:00Z#job-1"), "run_id": _s("job-1"),
        "state": _s("Completed"), "started_at": _s("2026-11-21T09:00:00Z"), "detail": _s(""),
        "ended_at": _s("2026-11-21T09:30:00Z"), "version": _s("v1"),
    }  # fmt: skip
    yield {"pk": _s("EVENT#Ev1"), "sk": _s("EVENT"), "expires_at": _n(4_102_444_800)}
    yield {"pk": _s("RATE#U1"), "sk": _s("WINDOW#4102444800"), "count": _n(1),
           "expires_at": _n(4_102_444_860)}  # fmt: skip


@pytest.fixture
def dynamo(dynamodb_local: str, dynamodb_table: str) -> Iterator[DynamoStore]:
    store = DynamoStore(dynamodb_table, endpoint_url=dynamodb_local)
    yield store
    store.close()


def test_items_the_hand_typed_code_wrote_read_back_the_same(dynamo: DynamoStore) -> None:
    for item in old_items():
        dynamo.client.put_item(TableName=dynamo.table, Item=item)

    active = dynamo.active()
    assert active is not None and active.version == "v1"
    assert active.manifest.to_dict() == MANIFEST
    assert dynamo.movie("v1", EXACT.tconst) == EXACT
    assert dynamo.movie("v1", SPARSE.tconst) == SPARSE
    assert dynamo.cluster_page("v1", 3, 5).movies == [EXACT]
    assert dynamo.title_index("v1") == INDEX
    assert dynamo.report("v1") == {"report.md": b"# Report"}
    assert dynamo.catalogue_top("v1") == [EXACT, SPARSE]
    assert dynamo.marks("U1") == [Mark("tt0000001", MarkKind.SEEN, "Exact", "2026-11-21T10:00:00Z")]
    assert dynamo.latest_run() == TrainingRun(
        "job-1", RunState.COMPLETED, "2026-11-21T09:00:00Z", "2026-11-21T09:30:00Z", "", "v1"
    )
    [state] = dynamo.versions()
    assert (state.version, state.status, state.movies) == ("v1", VersionStatus.COMPLETE, 2)
    assert dynamo.count_movies("v1") == 2
    assert dynamo.claim_event("Ev1", 60) is False  # the old claim still holds
    dynamo.delete_version("v0")  # nothing to delete; the old version stays
    assert dynamo.movie("v1", EXACT.tconst) == EXACT


def _shape(item: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Each attribute's DynamoDB type and value (numbers compared as numbers, not as text)."""
    plain = TypeDeserializer()
    return {name: (next(iter(typed)), plain.deserialize(typed)) for name, typed in item.items()}


def test_the_store_writes_the_shape_the_hand_typed_code_wrote(dynamo: DynamoStore) -> None:
    raw = dynamo.client

    def stored(pk: str, sk: str) -> dict[str, Any]:
        return raw.get_item(TableName=dynamo.table, Key={"pk": _s(pk), "sk": _s(sk)})["Item"]

    dynamo.begin_version("v1", Manifest.from_stored(MANIFEST, version="v1"))
    dynamo.put_movies("v1", [EXACT, SPARSE])
    dynamo.put_title_index("v1", INDEX)
    dynamo.put_report("v1", {"report.md": b"# Report"})
    dynamo.put_catalogue_top("v1", [EXACT, SPARSE])
    dynamo.complete_version("v1")
    dynamo.activate("v1", None)
    dynamo.add_mark("U1", Mark("tt0000001", MarkKind.SEEN, "Exact", "2026-11-21T10:00:00Z"))
    dynamo.record_run(
        TrainingRun(
            "job-1", RunState.COMPLETED, "2026-11-21T09:00:00Z", "2026-11-21T09:30:00Z", "", "v1"
        )
    )
    old = {(i["pk"]["S"], i["sk"]["S"]): i for i in old_items()}

    for m in (EXACT, SPARSE):
        want = old_movie_item("v1", m)
        assert _shape(stored(want["pk"]["S"], m.tconst)) == _shape(want)
    for key in [("INDEX#v1", "000000"), ("REPORT#v1", "report.md"), ("TOP#v1", "000000"),
                ("USER#U1", "MARK#tt0000001"), ("RUN", "2026-11-21T09:00:00Z#job-1")]:  # fmt: skip
        assert _shape(stored(*key)) == _shape(old[key])
    # Times are the writer's own; everything else is as the hand-typed code wrote it.
    version = _shape(stored("VERSION", "v1"))
    want = _shape(old[("VERSION", "v1")])
    assert version.pop("created_at")[0] == "S" and want.pop("created_at")
    # Added since: the index's part size, so a reader fetches parts by byte range.
    assert version.pop("index_part_bytes") == ("N", dynamodb.INDEX_CHUNK_BYTES)
    assert version == want
    pointer = _shape(stored("ACTIVE", "ACTIVE"))
    want = _shape(old[("ACTIVE", "ACTIVE")])
    assert pointer.pop("activated_at")[0] == "S" and want.pop("activated_at")
    assert pointer == want

    assert dynamo.claim_event("Ev2", 60)
    assert dynamo.take_quota("U2", 5, 60)
    event = _shape(stored("EVENT#Ev2", "EVENT"))
    assert set(event) == {"pk", "sk", "expires_at"} and event["expires_at"][0] == "N"
    [window] = raw.query(
        TableName=dynamo.table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": _s("RATE#U2")},
    )["Items"]
    rate = _shape(window)
    assert rate["sk"][1].startswith("WINDOW#") and rate["count"] == ("N", 1)
    assert set(rate) == {"pk", "sk", "count", "expires_at"}
