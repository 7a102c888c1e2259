"""Compressed postings of the title index: each bucket's sorted entry ids as gaps, in LEB128
varints (7 bits a byte, the high bit set on every byte but a number's last).

At full scale the gaps fit one byte or two, so the stream is about a quarter of the int32 ids;
it is stored without zlib and a search decodes only the buckets it reads (a few hundred
microseconds), so a new process pays nothing for postings it never touches.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

import numpy as np

# Decoded buckets a process keeps, the least recently read dropped first: at most this many
# ids (16 MB), a search reading tens of thousands, and this many buckets. Titles people ask
# for come back, and their rare trigrams with them; decoding is most of a preselection.
DECODED_IDS = 4_000_000
DECODED_KEPT = 65_536
VARINT_BYTES = 5  # the most bytes a gap takes (ids are below 2**31)

Need = Callable[[Iterable[tuple[int, int]]], None]  # byte ranges of the stream about to be read


def encode(post: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(stream, byte offsets per bucket) for CSR postings (`post[offsets[b]:offsets[b+1]]`,
    each list sorted and unique)."""
    values = post.astype(np.int64)
    gaps = np.diff(values, prepend=0)
    counts = np.diff(offsets)
    firsts = offsets[:-1][counts > 0]
    gaps[firsts] = values[firsts]  # each list starts from 0
    widths = np.ones(len(gaps), dtype=np.int64)
    for bits in (7, 14, 21, 28, 35):
        widths += gaps >= (1 << bits)
    ends = np.cumsum(widths)
    stream = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    starts = ends - widths
    remaining = gaps.copy()
    for byte in range(int(widths.max()) if len(widths) else 0):
        have = widths > byte
        more = widths > byte + 1
        chunk = (remaining[have] & 0x7F) | np.where(more[have], 0x80, 0)
        stream[starts[have] + byte] = chunk.astype(np.uint8)
        remaining >>= 7
    return stream, np.concatenate([[0], ends]).astype(np.int64)[offsets]


def decode(data: np.ndarray) -> np.ndarray:
    """The entry ids (int32) of one bucket's bytes."""
    if not len(data):
        return np.zeros(0, dtype=np.int32)
    last = data < 0x80
    if last.all():  # every gap in one byte: the usual case
        gaps = data.astype(np.int64)
    else:
        # Each gap read from its last (most significant) byte back, one byte position at a
        # time for all gaps at once: a gap has at most five bytes, so at most four passes.
        ends = np.flatnonzero(last)
        widths = np.empty(len(ends), dtype=np.int64)  # bytes per gap (np.diff's prepend is slow)
        widths[0] = ends[0] + 1
        np.subtract(ends[1:], ends[:-1], out=widths[1:])
        low = (data & 0x7F).astype(np.int64)
        gaps = low[ends]
        for back in range(1, int(widths.max())):
            longer = np.flatnonzero(widths > back)
            gaps[longer] = (gaps[longer] << 7) | low[ends[longer] - back]
    return np.cumsum(gaps).astype(np.int32)


class Postings:
    """One bucket's entry ids on demand, the most recently read buckets kept decoded."""

    def __init__(
        self, stream: np.ndarray, offsets: np.ndarray, counts: np.ndarray, need: Need | None = None
    ) -> None:
        self._stream = stream
        self._need = need  # a stream fetched as it is read (`bot.core.paged`)
        self._offsets = offsets
        self.counts = counts  # ids per bucket, so a search can plan before decoding any
        self._kept: OrderedDict[int, np.ndarray] = OrderedDict()
        self._kept_ids = 0  # ids held in _kept
        self._lock = threading.Lock()  # threads of one server share the index

    def __len__(self) -> int:
        return int(self.counts.sum())

    @property
    def nbytes(self) -> int:
        return len(self._stream)

    def prefetch(self, buckets: Iterable[int]) -> None:
        """Make the bytes of these buckets present in one go (a paged stream), before
        `bucket` decodes them one by one."""
        if self._need is not None:
            at = self._offsets
            self._need((int(at[b]), int(at[b + 1])) for b in buckets if b not in self._kept)

    def head(self, b: int, n: int) -> np.ndarray:
        """The first `n` ids of bucket b, decoding only their bytes: a search that needs the
        lowest ids of one long bucket (the most popular entries) reads a few kB of it."""
        with self._lock:
            held = self._kept.get(b)
        if held is not None:
            return held[:n]
        if n <= 0:
            return np.zeros(0, dtype=np.int32)
        start, stop = int(self._offsets[b]), int(self._offsets[b + 1])
        stop = min(stop, start + VARINT_BYTES * n)
        if self._need is not None:
            self._need([(start, stop)])
        data = self._stream[start:stop]
        ends = np.flatnonzero(data < 0x80)  # each id's last byte
        return decode(data[: int(ends[n - 1]) + 1] if len(ends) >= n else data)

    def bucket(self, b: int) -> np.ndarray:
        with self._lock:
            held = self._kept.get(b)
            if held is not None:
                self._kept.move_to_end(b)
                return held
        self.prefetch((b,))
        ids = decode(self._stream[int(self._offsets[b]) : int(self._offsets[b + 1])])
        with self._lock:
            if b not in self._kept:  # another thread may have decoded it meanwhile
                self._kept[b] = ids
                self._kept_ids += len(ids)
            while len(self._kept) > 1 and (
                len(self._kept) > DECODED_KEPT or self._kept_ids > DECODED_IDS
            ):
                self._kept_ids -= len(self._kept.popitem(last=False)[1])
        return ids
