"""A bounded map of the most recently used values that threads may share (`serve` answers in
many threads through one service): every read and write holds a lock, and what a caller
iterates is a copy, so another thread adding, reordering or dropping an entry never breaks it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Kept(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._held: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held)

    def get(self, key: K) -> V | None:
        """The value held for `key`, now the most recently used; None when none is."""
        with self._lock:
            value = self._held.get(key)
            if value is not None:
                self._held.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        """Hold `value`, dropping the least recently used beyond the size; returns `value`."""
        with self._lock:
            self._held[key] = value
            self._held.move_to_end(key)
            while len(self._held) > self._size:
                self._held.popitem(last=False)
        return value

    def items(self) -> list[tuple[K, V]]:
        """A copy of what is held, least recently used first."""
        with self._lock:
            return list(self._held.items())
