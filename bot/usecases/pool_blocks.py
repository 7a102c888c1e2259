"""Cluster pools as stored blocks: the loader makes one per cluster (`cluster_blocks`), the bot
reads one back into a Pool (`block_pool`) instead of paging through the cluster's movies."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from bot.core.models import Movie
from bot.core.normalize import normalize
from bot.core.pool_block import BlockError, PoolBlock, unpack_block
from bot.usecases.recommend import Pool, franchise

POOL_SIZE = 2000  # the cluster's most popular movies the recommender chooses from
# Titles normalised again on reading a block, to catch a block written by a release whose
# normaliser differed (its keys would then not be what this one computes): a few, not all.
KEYS_CHECKED = 16


def _order(movie: Movie) -> tuple[int, str]:
    return (-movie.votes, movie.tconst)  # the order of the store's cluster pages


def cluster_blocks(movies: Iterable[Movie], size: int | None = None) -> dict[int, PoolBlock]:
    """Each cluster's `size` (POOL_SIZE) most voted movies (ties by id, as the store pages
    them), with their normalised titles and series keys."""
    size = POOL_SIZE if size is None else size
    members: dict[int, list[Movie]] = {}
    for movie in movies:
        members.setdefault(movie.cluster, []).append(movie)
    blocks = {}
    for cluster, group in sorted(members.items()):
        pool = heapq.nsmallest(size, group, key=_order)
        blocks[cluster] = PoolBlock(
            movies=pool,
            keys=[normalize(m.title) for m in pool],
            franchises=[franchise(m) for m in pool],
            more=len(group) > len(pool),
        )
    return blocks


def block_pool(blob: bytes, size: int) -> tuple[Pool, bool] | None:
    """The Pool of a stored block's first `size` movies and whether the cluster has movies
    after them; None when the block cannot stand in for reading the pages (damaged, holding
    fewer than `size` of a larger cluster, or its keys not this release's)."""
    try:
        block = unpack_block(blob)
    except BlockError:
        return None
    if len(block.movies) < size and block.more:
        return None
    sample = range(0, len(block.movies), max(1, len(block.movies) // KEYS_CHECKED))
    if any(
        block.keys[i] != normalize(block.movies[i].title)
        or block.franchises[i] != franchise(block.movies[i])
        for i in sample
    ):
        return None
    more = block.more or len(block.movies) > size
    return Pool(block.movies[:size], block.keys[:size], block.franchises[:size]), more
