"""The title index's compressed postings: varint gaps, decoded one bucket at a time."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core import postings as postings_module
from bot.core.postings import Postings, decode, encode


def _csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(ids) for ids in lists], out=offsets[1:])
    flat = [i for ids in lists for i in ids]
    return np.array(flat, dtype=np.int32), offsets


def test_every_bucket_decodes_to_its_ids_whatever_the_gaps() -> None:
    # Gaps of one byte, two, three, four and five (the largest id an int32 holds).
    lists = [[0, 1, 2], [], [5, 200, 20_000, 3_000_000, 2**31 - 1], [], [7], [127, 128, 16_511]]
    post, offsets = _csr(lists)
    stream, at = encode(post, offsets)
    assert stream.dtype == np.uint8
    for b, ids in enumerate(lists):
        assert decode(stream[at[b] : at[b + 1]]).tolist() == ids


def test_small_gaps_take_one_byte_each() -> None:
    ids = list(range(0, 100_000, 50))
    stream, _ = encode(*_csr([ids]))
    assert len(stream) == len(ids)  # 4 bytes each as int32 ids


def test_postings_keep_a_bounded_number_of_decoded_buckets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postings_module, "DECODED_KEPT", 8)
    lists = [[b, b + 1] for b in range(18)]
    post, offsets = _csr(lists)
    stream, at = encode(post, offsets)
    postings = Postings(stream, at, np.diff(offsets).astype(np.uint32))
    assert len(postings) == 2 * len(lists)
    for b in range(len(lists)):
        assert postings.bucket(b).tolist() == lists[b]
    assert list(postings._kept) == list(range(10, 18))


def test_postings_keep_decoded_ids_up_to_a_bound_the_least_recently_read_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postings_module, "DECODED_IDS", 10)
    lists = [list(range(b, b + 4)) for b in range(5)]  # four ids a bucket
    post, offsets = _csr(lists)
    stream, at = encode(post, offsets)
    postings = Postings(stream, at, np.diff(offsets).astype(np.uint32))
    postings.bucket(0), postings.bucket(1)
    postings.bucket(0)  # read again: now the most recent
    postings.bucket(2)  # 12 ids: the least recently read (1) goes
    assert list(postings._kept) == [0, 2] and postings._kept_ids == 8
    assert postings.bucket(1).tolist() == lists[1]  # decoded again when asked for


def _decode_by_reduceat(data: np.ndarray) -> np.ndarray:
    """The decode this module shipped first (one reduceat over every byte), as a reference."""
    if not len(data):
        return np.zeros(0, dtype=np.int32)
    ends = np.flatnonzero(data < 0x80)
    starts = np.empty(len(ends), dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    owner = np.repeat(np.arange(len(ends)), ends - starts + 1)
    shift = 7 * (np.arange(len(data)) - starts[owner])
    gaps = np.add.reduceat((data & 0x7F).astype(np.int64) << shift, starts)
    return np.cumsum(gaps).astype(np.int32)


@pytest.mark.parametrize("seed", range(20))
def test_decode_equals_the_reference_on_random_gaps_of_every_width(seed: int) -> None:
    rng = np.random.default_rng(seed)
    lists = []
    for _ in range(30):
        # Gaps drawn per width (1..5 bytes) so every mix of widths occurs, ids within int32.
        widths = rng.integers(1, 6, size=int(rng.integers(0, 60)))
        gaps = np.array([int(rng.integers(0, 1 << min(31, 7 * w))) for w in widths], np.int64)
        ids = np.unique(np.minimum(np.cumsum(gaps), 2**31 - 1))
        lists.append(ids.tolist())
    post, offsets = _csr(lists)
    stream, at = encode(post, offsets)
    for b, ids in enumerate(lists):
        data = stream[at[b] : at[b + 1]]
        assert decode(data).tolist() == ids == _decode_by_reduceat(data).tolist()


def test_an_empty_index_has_empty_postings() -> None:
    stream, at = encode(*_csr([[], []]))
    assert len(stream) == 0 and at.tolist() == [0, 0, 0]
    assert decode(stream).tolist() == []


@pytest.mark.parametrize("n", [0, 1, 3, 5, 6, 50])
def test_the_head_of_a_bucket_is_its_first_ids_decoded_or_not(n: int) -> None:
    # Gaps of one to five bytes; the head decodes only the bytes of the ids it returns.
    lists = [[5, 200, 20_000, 3_000_000, 2**31 - 1], [], [1, 2, 3, 4, 5, 6, 7]]
    post, offsets = _csr(lists)
    stream, at = encode(post, offsets)
    postings = Postings(stream, at, np.diff(offsets).astype(np.uint32))
    for b, ids in enumerate(lists):
        assert postings.head(b, n).tolist() == ids[:n]
        postings.bucket(b)  # now decoded whole and kept: the same head
        assert postings.head(b, n).tolist() == ids[:n]
