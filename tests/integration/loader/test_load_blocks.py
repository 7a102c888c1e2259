"""The loader stores each cluster's pool as a block (both backends): the same movies, in the
same order, as the cluster's first pages; a load that dies before its blocks are written
activates nothing, and its rerun writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.store.base import Store
from bot.core.normalize import normalize
from bot.core.pool_block import unpack_block
from bot.usecases import pool_blocks
from bot.usecases.loader import load_artifact
from bot.usecases.recommend import franchise

from .helpers import CLUSTERS, Boom, FailingStore, snapshot, version_artifact


def test_each_cluster_block_holds_its_first_pages_exactly(store: Store, tmp_path: Path) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    for cluster in CLUSTERS:
        blob = store.cluster_block("v1", cluster)
        assert blob is not None
        block = unpack_block(blob)
        assert block.movies == store.cluster_page("v1", cluster, pool_blocks.POOL_SIZE).movies
        assert block.keys == [normalize(m.title) for m in block.movies]
        assert block.franchises == [franchise(m) for m in block.movies]
        assert not block.more
    assert store.cluster_block("v1", max(CLUSTERS) + 1) is None


def test_a_block_holds_the_pool_size_and_says_the_cluster_has_more(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_blocks, "POOL_SIZE", 2)
    load_artifact(version_artifact(tmp_path, "v1"), store)
    blob = store.cluster_block("v1", 0)
    assert blob is not None
    block = unpack_block(blob)
    assert block.movies == store.cluster_page("v1", 0, 2).movies and block.more


@pytest.mark.parametrize("at", [1, 3])
def test_a_load_dying_among_its_blocks_activates_nothing_and_a_rerun_writes_them(
    store: Store, tmp_path: Path, at: int
) -> None:
    load_artifact(version_artifact(tmp_path, "v1"), store)
    before = snapshot(store)
    v2 = version_artifact(tmp_path, "v2")
    with pytest.raises(Boom):
        load_artifact(v2, FailingStore(store, "put_cluster_block", at=at))  # type: ignore[arg-type]
    assert snapshot(store) == before
    load_artifact(v2, store)
    after = snapshot(store)
    assert after["version"] == "v2"
    for cluster in CLUSTERS:
        blob = after["blocks"][cluster]
        assert blob is not None
        assert unpack_block(blob).movies == after["pages"][cluster]
