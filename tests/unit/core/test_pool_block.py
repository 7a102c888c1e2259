"""The cluster pool block's format: what the loader packs comes back exactly, and a damaged
or foreign block is refused with BlockError, never a crash."""

from __future__ import annotations

import dataclasses
import zlib

import pytest

from bot.core.pool_block import BlockError, PoolBlock, pack_block, unpack_block
from tests.fixtures.artifacts import SAMPLE_MOVIES


def _block(more: bool = True) -> PoolBlock:
    movies = [
        dataclasses.replace(SAMPLE_MOVIES[0], countries=("US", "CA"), languages=("en",)),
        dataclasses.replace(SAMPLE_MOVIES[1], year=None, runtime=None, genres=()),
        dataclasses.replace(SAMPLE_MOVIES[2], coords=(0.1, 1 / 3)),  # shorter: not padded
        dataclasses.replace(SAMPLE_MOVIES[3], coords=()),
        *SAMPLE_MOVIES[4:],
    ]
    return PoolBlock(movies, [f"k{i}" for i in range(len(movies))], ["f"] * len(movies), more)


def test_a_block_comes_back_exactly() -> None:
    block = _block()
    assert unpack_block(pack_block(block)) == block  # coordinates bit for bit, None kept
    empty = PoolBlock([], [], [], False)
    assert unpack_block(pack_block(empty)) == empty


@pytest.mark.parametrize(
    "blob",
    [
        b"not zlib",
        zlib.compress(b"[1, 2]"),
        zlib.compress(b'{"format": 99}'),
        zlib.compress(b'{"format": 1, "tconst": ["tt1"]}'),
    ],
)
def test_a_damaged_or_foreign_block_is_refused(blob: bytes) -> None:
    with pytest.raises(BlockError):
        unpack_block(blob)


def test_a_block_needs_a_key_and_franchise_per_movie() -> None:
    block = _block()
    with pytest.raises(ValueError, match="one key and one franchise"):
        pack_block(dataclasses.replace(block, keys=block.keys[:-1]))
