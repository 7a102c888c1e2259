"""Text bytes deflated in small independent blocks, inflated only where they are read.

The title index's title and key text (80 MB at full scale) is most of what a new process would
otherwise inflate before its first answer, which reads a few hundred titles of it. Packed in
blocks of BLOCK_BYTES, each deflated on its own, a reader inflates just the blocks its slices
fall in; `whole` inflates the rest (for a cache copy, which holds the text as it is).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterable

import numpy as np

BLOCK_BYTES = 16_384  # a block inflates in ~0.1 ms; its deflate ratio is near a whole blob's
_LEVEL = 6
_WBITS = -zlib.MAX_WBITS  # raw deflate: no header or checksum per block

Need = Callable[[Iterable[tuple[int, int]]], None]  # packed byte ranges about to be read


def pack(data: np.ndarray, block: int = BLOCK_BYTES) -> tuple[np.ndarray, np.ndarray]:
    """(the deflated blocks one after another, where each begins plus the end): the same
    output for the same input."""
    raw = memoryview(np.ascontiguousarray(data, dtype=np.uint8))  # type: ignore[arg-type]
    parts = [
        zlib.compress(raw[start : start + block], _LEVEL, _WBITS)
        for start in range(0, len(raw), block)
    ]
    bounds = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=bounds[1:])
    return np.frombuffer(b"".join(parts), dtype=np.uint8), bounds


class BlockedText:
    """`size` bytes of UTF-8 text, either at hand (`at_hand`) or packed (`pack`) and inflated
    a block at a time as slices are read."""

    def __init__(
        self,
        size: int,
        packed: np.ndarray | None = None,
        bounds: np.ndarray | None = None,
        need: Need | None = None,
        block: int = BLOCK_BYTES,
    ) -> None:
        self.size = size
        self._block = block
        self._packed = None if packed is None else memoryview(packed)  # type: ignore[arg-type]
        self._bounds = bounds
        self._need = need
        self._lock = threading.Lock()
        if packed is None:
            self._raw = np.zeros(0, dtype=np.uint8)
            self._done = np.ones(0, dtype=bool)
            self._complete = False  # `at_hand` sets the bytes
            return
        assert bounds is not None
        count = -(-size // block)
        if len(bounds) != count + 1 or int(bounds[-1]) > len(packed) or int(bounds[0]) != 0:
            raise ValueError(f"packed text of {size} bytes needs {count} blocks")
        if np.any(np.diff(bounds) < 0):
            raise ValueError("packed text has blocks out of order")
        self._raw = np.zeros(size, dtype=np.uint8)  # pages cost nothing until inflated into
        self._done = np.zeros(count, dtype=bool)
        self._complete = count == 0
        self._view = memoryview(self._raw)  # type: ignore[arg-type]  # a buffer

    @classmethod
    def at_hand(cls, raw: np.ndarray) -> BlockedText:
        """Text already whole (a cache copy, a freshly built index)."""
        text = cls(len(raw))
        text._raw = raw
        text._view = memoryview(raw)  # type: ignore[arg-type]  # a buffer
        text._complete = True
        return text

    def ensure(self, ranges: Iterable[tuple[int, int]]) -> None:
        """Inflate every block that the [start, stop) byte ranges touch."""
        if self._complete:
            return
        block = self._block
        wanted: set[int] = set()
        for start, stop in ranges:
            if stop > start:
                wanted.update(range(start // block, (stop - 1) // block + 1))
        self._inflate(sorted(b for b in wanted if not self._done[b]))

    def text(self, start: int, stop: int) -> str:
        """The text of bytes [start, stop) (`ensure`d first)."""
        return str(self._view[start:stop], "utf-8")

    def texts(self, starts: np.ndarray, stops: np.ndarray) -> list[str]:
        """The text of each [start, stop) (`ensure`d first), for hundreds of short slices at
        once: gathered with a NUL after each and decoded in one go, not one string a slice (nor
        a slice object each, which the garbage collector would have to look at)."""
        if not len(starts) or not self.size:
            return [""] * len(starts)
        starts = starts.astype(np.int64)
        sizes = stops.astype(np.int64) - starts + 1  # each slice and its NUL
        ends = np.cumsum(sizes)
        at = np.arange(int(ends[-1])) + np.repeat(starts - (ends - sizes), sizes)
        gathered = self._raw[np.minimum(at, max(0, self.size - 1))]
        gathered[ends - 1] = 0
        out = gathered[:-1].tobytes().decode("utf-8").split("\x00")
        if len(out) != len(starts):  # a NUL in the text itself: slice by slice
            return [self.text(a, b) for a, b in zip(starts.tolist(), stops.tolist(), strict=True)]
        return out

    def inflated_bytes(self) -> int:
        """How many bytes are at hand (all of them, once whole)."""
        if self._complete:
            return self.size
        return min(self.size, int(self._done.sum()) * self._block)

    def whole(self) -> np.ndarray:
        """Every byte, inflated."""
        if not self._complete:
            self._inflate(np.flatnonzero(~self._done).tolist())
        return self._raw

    def _inflate(self, blocks: list[int]) -> None:
        if not blocks:
            return
        assert self._packed is not None and self._bounds is not None
        bounds = self._bounds
        if self._need is not None:
            self._need((int(bounds[b]), int(bounds[b + 1])) for b in blocks)
        for b in blocks:
            # A block at a time: a search waits for at most one block of another thread's
            # `whole`, not for all of it.
            with self._lock:
                if self._done[b]:
                    continue  # another thread inflated it meanwhile
                start, stop = b * self._block, min(self.size, (b + 1) * self._block)
                try:
                    raw = zlib.decompress(
                        self._packed[int(bounds[b]) : int(bounds[b + 1])], _WBITS, stop - start
                    )
                except zlib.error as exc:
                    raise ValueError(f"text block {b} does not inflate ({exc})") from None
                if len(raw) != stop - start:
                    raise ValueError(f"text block {b} has {len(raw)} bytes, not {stop - start}")
                self._raw[start:stop] = np.frombuffer(raw, dtype=np.uint8)
                self._done[b] = True
        with self._lock:
            self._complete = bool(self._done.all())
