"""The title index's compressed postings: varint gaps, decoded one bucket at a time."""

from __future__ import annotations

import numpy as np

from bot.core.postings import DECODED_KEPT, Postings, decode, encode


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


def test_postings_keep_a_bounded_number_of_decoded_buckets() -> None:
    lists = [[b, b + 1] for b in range(DECODED_KEPT + 10)]
    post, offsets = _csr(lists)
    stream, at = encode(post, offsets)
    postings = Postings(stream, at, np.diff(offsets).astype(np.uint32))
    assert len(postings) == 2 * len(lists)
    for b in range(len(lists)):
        assert postings.bucket(b).tolist() == lists[b]
    assert len(postings._kept) == DECODED_KEPT


def test_an_empty_index_has_empty_postings() -> None:
    stream, at = encode(*_csr([[], []]))
    assert len(stream) == 0 and at.tolist() == [0, 0, 0]
    assert decode(stream).tolist() == []
