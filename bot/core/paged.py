"""A blob read part by part as it is needed: the title index as a store holds it (fixed-size
parts), fetched when a search first touches a byte range, so a new process's first answer reads
only what it needs; the rest can be filled in later (`fill`, from a background thread).

The fetching itself is the caller's (`fetch`: part numbers -> their bytes), so this module does
no I/O of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

import numpy as np

FILL_BATCH = 32  # parts per fetch when filling the rest in: a search waits at most for one

Fetch = Callable[[Sequence[int]], Sequence[bytes]]


class PagedBytes:
    """`size` bytes in parts of `part_bytes`; `buffer` holds them, zeros until fetched, so
    arrays can be views of it before their bytes arrive (`ensure` first)."""

    def __init__(self, size: int, part_bytes: int, fetch: Fetch) -> None:
        if size < 0 or part_bytes < 1:
            raise ValueError(f"cannot page {size} bytes in parts of {part_bytes}")
        self.buffer = np.zeros(size, dtype=np.uint8)  # calloc: pages cost nothing until written
        self.part_bytes = part_bytes
        self.count = -(-size // part_bytes)
        self._fetch = fetch
        self._filled: set[int] = set()
        self._claimed: dict[int, threading.Event] = {}  # parts being fetched, by any thread
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.buffer)

    @property
    def complete(self) -> bool:
        return len(self._filled) == self.count

    def missing(self) -> list[int]:
        with self._lock:
            return [seq for seq in range(self.count) if seq not in self._filled]

    def ensure(self, ranges: Iterable[tuple[int, int]]) -> None:
        """Make the bytes of every [start, stop) range present, with one fetch for all parts
        missing."""
        seqs: set[int] = set()
        for start, stop in ranges:
            start, stop = max(0, start), min(len(self.buffer), stop)
            if stop > start:
                seqs.update(range(start // self.part_bytes, (stop - 1) // self.part_bytes + 1))
        self.ensure_parts(sorted(seqs))

    def ensure_parts(self, seqs: Sequence[int]) -> None:
        wanted = [seq for seq in seqs if seq not in self._filled]
        while wanted:
            mine, theirs = [], []
            with self._lock:
                for seq in wanted:
                    if seq in self._filled:
                        continue
                    event = self._claimed.get(seq)
                    if event is None:
                        self._claimed[seq] = threading.Event()
                        mine.append(seq)
                    else:
                        theirs.append(event)
            if mine:
                self._fetch_into(mine)
            for event in theirs:  # another thread is fetching these: wait, don't fetch twice
                event.wait()
            # A part another thread failed to fetch is still missing: claim it ourselves.
            wanted = [seq for seq in wanted if seq not in self._filled]

    def fill(self) -> None:
        """Fetch every part not yet present, a batch at a time."""
        rest = self.missing()
        for start in range(0, len(rest), FILL_BATCH):
            self.ensure_parts(rest[start : start + FILL_BATCH])

    def _fetch_into(self, seqs: list[int]) -> None:
        try:
            parts = self._fetch(seqs)
            if len(parts) != len(seqs):
                raise ValueError(f"asked for {len(seqs)} parts, got {len(parts)}")
            for seq, data in zip(seqs, parts, strict=True):
                start = seq * self.part_bytes
                expected = min(self.part_bytes, len(self.buffer) - start)
                if len(data) != expected:
                    raise ValueError(f"part {seq} has {len(data)} bytes, expected {expected}")
                self.buffer[start : start + expected] = np.frombuffer(data, dtype=np.uint8)
                with self._lock:
                    self._filled.add(seq)
        finally:
            with self._lock:
                for seq in seqs:
                    self._claimed.pop(seq).set()
