"""The title index's bytes (FORMAT 4): what a store holds, what the cache maps, what is refused."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from bot.core import index_file
from bot.core.matching import FORMAT, TitleIndex
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES

QUESTIONS = ["heat", "aliens", "the godfather", "teh matrix", "godf", "nothing like this"]


def _answers(index: TitleIndex) -> list[object]:
    return [index.resolve(q) for q in QUESTIONS] + [index.suggest("godf")]


def _members(blob: bytes) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {info.filename.removesuffix(".npy"): info for info in archive.infolist()}


def test_the_bytes_and_the_cache_file_answer_as_the_built_index(
    index: TitleIndex, tmp_path: Path
) -> None:
    from_store = TitleIndex.from_bytes(index.to_bytes())
    index.save(tmp_path / "index.npz")
    mapped = TitleIndex.load(tmp_path / "index.npz")
    assert _answers(from_store) == _answers(mapped) == _answers(index)
    assert from_store.postings == mapped.postings == index.postings > 0


def test_postings_are_varint_gaps_and_read_in_place(index: TitleIndex) -> None:
    blob = index.to_bytes()
    members = _members(blob)
    # The hot members are stored (no inflating in a new process), and so is the text's
    # blocks (each deflated on its own, inflated where a search reads); the rest deflated.
    assert {n for n, i in members.items() if i.compress_type == zipfile.ZIP_STORED} == {
        "gram_bytes", "exact_hash", "exact_entry", "title_blob_z", "key_blob_z",
    }  # fmt: skip
    assert "key_blob" not in members and "title_blob" not in members
    assert members["gram_bytes"].file_size < 4 * index.postings  # int32 ids took 4 bytes each
    arrays = index_file.read(blob)
    assert not arrays["gram_bytes"].flags.owndata  # a view of the blob, not a copy
    start = np.frombuffer(blob, dtype=np.uint8).ctypes.data
    for name in ("gram_bytes", "exact_hash", "exact_entry"):  # aligned within the bytes
        assert (arrays[name].ctypes.data - start) % index_file.ALIGN == 0


def test_the_same_index_gives_the_same_bytes(index: TitleIndex) -> None:
    again = TitleIndex.build(
        [*reversed([m for m in SAMPLE_MOVIES])], SAMPLE_AKAS
    )  # order of the input does not matter
    assert TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS).to_bytes() == again.to_bytes()


def _rewritten(blob: bytes, **changes: np.ndarray) -> bytes:
    with np.load(io.BytesIO(blob)) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update(changes)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_an_index_of_another_format_is_refused_and_does_not_fit(index: TitleIndex) -> None:
    blob = index.to_bytes()
    tconsts = [m.tconst for m in index_movies()]
    assert TitleIndex.fits(blob, tconsts)
    older = _rewritten(blob, format=np.array([FORMAT - 1], dtype=np.int32))
    assert not TitleIndex.fits(older, tconsts)
    with pytest.raises(ValueError, match="format"):
        TitleIndex.from_bytes(older)


def test_a_format_3_index_with_int32_postings_is_refused(index: TitleIndex) -> None:
    """What an older bot stored: the arrays of FORMAT 3 (gram_off, gram_post)."""
    with np.load(io.BytesIO(index.to_bytes())) as data:
        arrays = {n: data[n] for n in data.files if not n.startswith("gram_")}
    arrays["gram_off"] = np.zeros(2, dtype=np.int64)
    arrays["gram_post"] = np.zeros(0, dtype=np.int32)
    arrays["format"] = np.array([3], dtype=np.int32)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TitleIndex.from_bytes(buffer.getvalue())


def test_fits_only_these_movies_and_only_intact_bytes(index: TitleIndex) -> None:
    blob = index.to_bytes()
    tconsts = [m.tconst for m in index_movies()]
    assert not TitleIndex.fits(blob, tconsts[1:])
    assert not TitleIndex.fits(blob[: len(blob) // 2], tconsts)
    flipped = bytearray(blob)
    stored = _members(blob)["gram_bytes"]
    flipped[stored.header_offset + 200] ^= 0xFF  # inside the stored postings: only a CRC sees it
    assert not TitleIndex.fits(bytes(flipped), tconsts)


def test_cut_short_or_garbage_bytes_are_a_clear_error(index: TitleIndex) -> None:
    blob = index.to_bytes()
    for bad in (b"", b"not an index", blob[: len(blob) // 2], blob[:-10]):
        with pytest.raises(ValueError):
            TitleIndex.from_bytes(bad)


def test_a_torn_cache_file_is_a_clear_error(index: TitleIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.npz"
    index.save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError):
        TitleIndex.load(path)


def index_movies() -> list:  # type: ignore[type-arg]
    from tests.unit.core.conftest import EXTRA_MOVIES

    return [*SAMPLE_MOVIES, *EXTRA_MOVIES]


def test_array_headers_are_read_one_thread_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # numpy parses a header with ast.literal_eval, which CPython 3.11 cannot run in two threads
    # at once; the background index fetch and the answers both read headers.
    inside = 0
    most = 0
    guard = threading.Lock()
    read_header = np.lib.format.read_array_header_1_0

    def watched(handle: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.002)  # lets another thread in, were it allowed
        try:
            return read_header(handle)
        finally:
            with guard:
                inside -= 1

    monkeypatch.setattr(np.lib.format, "read_array_header_1_0", watched)
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.arange(5, dtype=np.uint32))
    raw = buffer.getvalue()
    shapes: list[tuple[int, ...]] = []

    def read_some() -> None:
        for _ in range(5):
            shapes.append(index_file._array_header(io.BytesIO(raw))[0])

    threads = [threading.Thread(target=read_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shapes == [(5,)] * 20
    assert most == 1
