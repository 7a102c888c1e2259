"""Coordinates as bytes, page cursors, blob chunks and movie lists, shared by both store
backends."""

from __future__ import annotations

import dataclasses
import json
import zlib

import pytest

from bot.adapters.store.base import StoreError
from bot.adapters.store.codec import (
    chunks,
    decode_cursor,
    encode_cursor,
    pack_coords,
    pack_movies,
    unpack_coords,
    unpack_movies,
)
from bot.adapters.store.dynamodb import shards_for
from bot.core.manifest import Manifest
from bot.core.models import Movie
from tests.fixtures.artifacts import SAMPLE_MOVIES


def test_coordinates_round_trip_exactly() -> None:
    coords = (0.1, -2.5e-300, 1e308, 3.141592653589793)
    assert unpack_coords(pack_coords(coords)) == coords
    assert len(pack_coords(coords)) == 8 * len(coords)
    assert unpack_coords(pack_coords(())) == ()
    assert unpack_coords(None) == ()


def test_a_cursor_round_trips_and_is_url_safe() -> None:
    position = {"votes": 2_100_000, "tconst": "tt0133093", "sk": "a/b+c"}
    cursor = encode_cursor(position)
    assert cursor.replace("-", "").replace("_", "").isalnum()
    assert decode_cursor(cursor, ("votes", "tconst")) == position


@pytest.mark.parametrize("cursor", ["", "%%%", "bm90IGpzb24", encode_cursor({"votes": 1})])
def test_a_bad_cursor_is_a_store_error(cursor: str) -> None:
    with pytest.raises(StoreError, match="invalid page cursor"):
        decode_cursor(cursor, ("votes", "tconst"))


def test_chunks_cover_the_blob_in_order() -> None:
    blob = bytes(range(256)) * 10
    parts = list(chunks(blob, 1000))
    assert [len(p) for p in parts] == [1000, 1000, 560]
    assert b"".join(parts) == blob
    assert list(chunks(b"", 1000)) == []


@pytest.mark.parametrize(
    ("counts", "shards"),
    [
        ({"movies": 35}, 1),
        ({"movies": 10_001}, 2),
        ({"movies": 720_000}, 72),
        ({"movies": 50_000_000}, 256),
        ({"movies": 0}, 16),
        ({}, 16),
    ],
)
def test_dynamodb_spreads_a_version_over_a_shard_per_10k_movies(
    counts: dict[str, int], shards: int
) -> None:
    assert shards_for(Manifest(version="v1", counts=counts)) == shards


def test_a_movie_list_round_trips_exactly_and_in_order() -> None:
    movies = [
        dataclasses.replace(SAMPLE_MOVIES[0], countries=("US", "AU"), languages=("en",)),
        dataclasses.replace(SAMPLE_MOVIES[1], year=None, runtime=None, coords=(), genres=()),
        dataclasses.replace(SAMPLE_MOVIES[2], coords=(0.1 + 0.2, -1e-300, 12345.6789)),
    ]
    assert unpack_movies(pack_movies(movies)) == movies
    assert unpack_movies(pack_movies([])) == []


def test_a_movie_list_stored_before_a_field_was_added_reads_back_with_its_default() -> None:
    # As a loader from before countries and languages would have written it.
    old = {"format": 1, "fields": ["tconst", "title", "original_title", "year", "runtime",
           "genres", "rating", "votes", "cluster", "coords"],
           "movies": [["tt1", "A", "A", 1999, None, ["Drama"], 7.5, 10, 2, [0.5]]]}  # fmt: skip
    [movie] = unpack_movies(zlib.compress(json.dumps(old).encode()))
    assert movie == Movie("tt1", "A", "A", 1999, None, ("Drama",), 7.5, 10, 2, (0.5,))
    assert movie.countries == () and movie.languages == ()


DAMAGED = [
    b"",
    b"not zlib",
    zlib.compress(b"[1, 2]"),
    zlib.compress(b'{"format": 99, "movies": []}'),
    zlib.compress(b'{"format": 1, "movies": [["tt1"]]}'),
    zlib.compress(b'{"format": 1, "fields": ["tconst", "title"], "movies": [["tt1"]]}'),
    zlib.compress(b'{"format": 1, "fields": ["tconst", "colour"], "movies": [["tt1", "red"]]}'),
]


@pytest.mark.parametrize("blob", DAMAGED)
def test_a_damaged_movie_list_is_a_store_error(blob: bytes) -> None:
    with pytest.raises(StoreError, match="a stored movie list is damaged"):
        unpack_movies(blob)
