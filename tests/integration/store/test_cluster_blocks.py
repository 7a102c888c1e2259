"""The cluster pool block role on both backends (SQLite, DynamoDB Local): stored with a loading
version only, read back whole (from parts when large), gone with its version; and the cursor
that continues a cluster after a block's last movie."""

from __future__ import annotations

import dataclasses
import os

import pytest

from bot.adapters.store import dynamodb
from bot.adapters.store.base import Store, StoreError
from bot.core.manifest import Manifest
from bot.core.models import Movie
from tests.fixtures.artifacts import SAMPLE_MOVIES
from tests.fixtures.stores import fill_version


def test_a_block_is_stored_with_its_version_and_goes_with_it(store: Store) -> None:
    store.begin_version("v1", Manifest(version="v1"))
    assert store.cluster_block("v1", 0) is None  # none stored (yet, or by an older loader)
    store.put_movies("v1", SAMPLE_MOVIES)
    store.put_cluster_block("v1", 0, b"block zero")
    store.put_cluster_block("v1", 10, b"block ten")  # cluster 1 is not a prefix of 10
    store.put_cluster_block("v1", 1, b"first")
    store.put_cluster_block("v1", 1, b"block one")  # a rerun of the load replaces it
    store.complete_version("v1")
    store.activate("v1", None)
    assert store.cluster_block("v1", 0) == b"block zero"
    assert store.cluster_block("v1", 1) == b"block one"
    assert store.cluster_block("v1", 10) == b"block ten"
    assert store.cluster_block("v1", 2) is None
    assert store.cluster_block("v2", 0) is None
    with pytest.raises(StoreError, match="only a loading version is written"):
        store.put_cluster_block("v1", 0, b"late")
    fill_version(store, "v2", SAMPLE_MOVIES)
    fill_version(store, "v3", SAMPLE_MOVIES)
    store.delete_version("v1")
    assert store.cluster_block("v1", 0) is None
    assert store.cluster_block("v1", 10) is None


def test_a_block_over_the_item_limit_is_split_and_a_shorter_rewrite_replaces_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dynamodb, "INDEX_CHUNK_BYTES", 1000)  # DynamoDB's parts; SQLite: one row
    big = os.urandom(10_500)  # eleven parts
    store.begin_version("v1", Manifest(version="v1"))
    store.put_cluster_block("v1", 3, big)
    store.put_cluster_block("v1", 4, b"neighbour")
    assert store.cluster_block("v1", 3) == big
    store.put_cluster_block("v1", 3, big[:1500])  # two parts; nine stale ones left behind
    assert store.cluster_block("v1", 3) == big[:1500]
    assert store.cluster_block("v1", 4) == b"neighbour"


@pytest.mark.parametrize("after", [0, 3, 5])
def test_the_cursor_after_a_movie_continues_its_cluster_page_there(
    store: Store, after: int
) -> None:
    tied = [
        dataclasses.replace(SAMPLE_MOVIES[0], tconst=f"tt90000{i:02d}", votes=500000)
        for i in range(4)
    ]
    fill_version(store, "v1", [*SAMPLE_MOVIES, *tied])
    whole: list[Movie] = store.cluster_page("v1", 0, 100).movies
    cursor = store.cursor_after("v1", whole[after])
    assert store.cluster_page("v1", 0, 100, cursor).movies == whole[after + 1 :]
