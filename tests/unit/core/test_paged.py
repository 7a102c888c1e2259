"""PagedBytes: a blob fetched part by part, only the parts asked for, each once."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from bot.core.paged import PagedBytes

BLOB = bytes(range(256)) * 40  # 10240 bytes: 11 parts of 1000, the last 240


class Parts:
    """Fetches parts of BLOB and records every part asked for."""

    def __init__(self, part: int = 1000, fail: int = 0) -> None:
        self.part, self.asked, self.fail = part, list[int](), fail

    def __call__(self, seqs: Sequence[int]) -> list[bytes]:
        self.asked += seqs
        if self.fail:
            self.fail -= 1
            raise OSError("the store is away")
        return [BLOB[s * self.part : (s + 1) * self.part] for s in seqs]


def test_only_the_parts_covering_a_range_are_fetched_and_only_once() -> None:
    parts = Parts()
    paged = PagedBytes(len(BLOB), 1000, parts)
    paged.ensure([(1500, 2500), (9990, 10_240)])
    assert parts.asked == [1, 2, 9, 10]
    assert paged.buffer[1500:2500].tobytes() == BLOB[1500:2500]
    paged.ensure([(2000, 2100)])
    assert parts.asked == [1, 2, 9, 10]
    assert not paged.complete and paged.missing() == [0, 3, 4, 5, 6, 7, 8]
    paged.fill()
    assert paged.complete and paged.buffer.tobytes() == BLOB
    assert sorted(parts.asked) == list(range(11))


def test_threads_asking_for_the_same_part_fetch_it_once() -> None:
    gate = threading.Event()
    parts = Parts()

    def slow(seqs: Sequence[int]) -> list[bytes]:
        gate.wait(5)
        return parts(seqs)

    paged = PagedBytes(len(BLOB), 1000, slow)
    threads = [threading.Thread(target=paged.ensure, args=([(0, 1000)],)) for _ in range(4)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert parts.asked == [0]
    assert paged.buffer[:1000].tobytes() == BLOB[:1000]


def test_a_failed_fetch_leaves_the_part_missing_and_the_next_ask_fetches_it() -> None:
    parts = Parts(fail=1)
    paged = PagedBytes(len(BLOB), 1000, parts)
    with pytest.raises(OSError):
        paged.ensure([(0, 10)])
    assert paged.missing()[0] == 0
    paged.ensure([(0, 10)])
    assert paged.buffer[:10].tobytes() == BLOB[:10]


def test_a_part_of_the_wrong_size_is_refused() -> None:
    paged = PagedBytes(len(BLOB), 1000, lambda seqs: [b"short" for _ in seqs])
    with pytest.raises(ValueError, match="part 0 has 5 bytes"):
        paged.ensure([(0, 10)])
    assert paged.missing()[0] == 0
