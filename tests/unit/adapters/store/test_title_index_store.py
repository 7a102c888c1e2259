"""The title index through each store (SQLite and DynamoDB Local): the bytes come back as they
went in, whole or part by part, over several of the store's chunks, and answer from in place;
a cold cache answers from the parts it needs, then keeps the whole."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.adapters.index_cache import IndexCache
from bot.adapters.store import dynamodb, sqlite
from bot.adapters.store.base import Store, StoreError
from bot.adapters.store.dynamodb import INDEX_CHUNK_BYTES
from bot.core.matching import TitleIndex
from bot.core.models import Movie
from bot.core.paged import PagedBytes
from tests.fixtures.artifacts import numbered_movies
from tests.fixtures.stores import count_index_reads, fill_version, store, store_opener

__all__ = ["store", "store_opener"]  # each test runs on SQLite and on DynamoDB Local


@pytest.fixture(scope="module")
def movies() -> list[Movie]:
    return numbered_movies(12_000)


@pytest.fixture(scope="module")
def blob(movies: list[Movie]) -> bytes:
    return TitleIndex.build(movies, [(m.tconst, f"{m.title} redux") for m in movies]).to_bytes()


def test_the_index_comes_back_byte_for_byte_and_answers(
    store: Store, movies: list[Movie], blob: bytes
) -> None:
    assert len(blob) > 2 * INDEX_CHUNK_BYTES  # several DynamoDB items
    fill_version(store, "v1", movies[:10], blob)
    stored = store.title_index("v1")
    assert stored == blob
    index = TitleIndex.from_bytes(stored)
    assert TitleIndex.fits(stored, (m.tconst for m in movies))
    wanted = movies[1233]
    match = index.resolve(wanted.title).match
    assert match is not None and match.tconst == wanted.tconst


def test_an_older_format_in_the_store_is_refused_clearly(store: Store, movies: list[Movie]) -> None:
    with np.load(io.BytesIO(TitleIndex.build(movies[:50], []).to_bytes())) as data:
        arrays = {n: data[n] for n in data.files}
    arrays["format"] = np.array([3], dtype=np.int32)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    fill_version(store, "v1", movies[:10], buffer.getvalue())
    with pytest.raises(ValueError, match="format 3"):
        TitleIndex.from_bytes(store.title_index("v1") or b"")


def test_parts_of_the_index_come_back_as_asked(
    store: Store, movies: list[Movie], blob: bytes
) -> None:
    fill_version(store, "v1", movies[:10], blob)
    parts = store.title_index_parts("v1")
    assert parts is not None
    assert (parts.size, parts.sha256) == (len(blob), hashlib.sha256(blob).hexdigest())
    assert parts.count == -(-len(blob) // parts.part_bytes) > 2
    last = parts.count - 1
    size = parts.part_bytes
    got = store.title_index_chunks("v1", [last, 0, 1])
    assert got == [blob[last * size :], blob[:size], blob[size : 2 * size]]
    assert store.title_index_parts("v2") is None
    with pytest.raises(StoreError, match="missing part"):
        store.title_index_chunks("v1", [parts.count])


def test_a_cold_cache_answers_from_some_parts_then_keeps_the_whole_index(
    store: Store, movies: list[Movie], blob: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for backend in (sqlite, dynamodb):  # many small parts, so some are left unread
        monkeypatch.setattr(backend, "INDEX_CHUNK_BYTES", 20_000)
    fill_version(store, "v1", movies[:10], blob)
    asked = count_index_reads(monkeypatch, store)
    gate = threading.Event()
    fill = PagedBytes.fill
    monkeypatch.setattr(PagedBytes, "fill", lambda self: (gate.wait(60), fill(self)))
    cache = IndexCache(store, tmp_path)
    wanted = movies[4321]
    match = cache.get("v1").resolve(wanted.title).match
    assert match is not None and match.tconst == wanted.tconst
    parts = store.title_index_parts("v1")
    assert parts is not None and parts.part_bytes == 20_000
    assert len(set(asked)) < 0.75 * parts.count  # a small index: mostly its deflated members
    gate.set()
    cache.settle()
    assert sorted(asked) == list(range(parts.count))  # the rest, each part once
    copy = tmp_path / "title-index-v1.npz"
    assert TitleIndex.load(copy).resolve(wanted.title).match == match


def _part_inside(blob: bytes, member: str, part_bytes: int) -> int:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        info = archive.getinfo(f"{member}.npy")
    return (info.header_offset + info.compress_size // 2) // part_bytes


@pytest.mark.parametrize("member", ["key_off", "gram_bytes"])  # deflated; stored, read later
def test_a_damaged_part_is_refused_or_at_least_not_kept(
    store: Store,
    movies: list[Movie],
    blob: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    member: str,
) -> None:
    fill_version(store, "v1", movies[:10], blob)
    parts = store.title_index_parts("v1")
    assert parts is not None
    bad = _part_inside(blob, member, parts.part_bytes)
    read = store.title_index_chunks

    def damaged(version: str, seqs: Sequence[int]) -> list[bytes]:
        got = read(version, seqs)
        return [b"\0" * len(d) if seq == bad else d for seq, d in zip(seqs, got, strict=True)]

    monkeypatch.setattr(store, "title_index_chunks", damaged)
    cache = IndexCache(store, tmp_path / "cache")
    if member == "key_off":  # its checksum is checked before it is used
        with pytest.raises(StoreError, match="title index of v1 is damaged"):
            cache.get("v1")
        return
    first = cache.get("v1")
    cache.settle()
    assert not list(tmp_path.glob("cache/*"))  # the whole did not match the store's checksum
    assert cache.get("v1") is not first  # ...and is read again
