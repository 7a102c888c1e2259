"""Slack delivers an event again when it did not see an ack in 3 s, and may deliver the same
event twice. The bot answers an event id once: the first claim wins, later ones are dropped.

The claim goes to the store (`claim_event`), which every Lambda container and process shares;
a small in-process table in front of it answers repeats without a round trip.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from bot.adapters.store.base import Store

DEFAULT_TTL_SECONDS = 3600  # Slack retries within minutes; an hour is plenty


class EventDeduper(Protocol):
    def first_time(self, key: str) -> bool:
        """True exactly once per key within the time to live."""
        ...


class MemoryDeduper:
    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            while self._seen:
                oldest, at = next(iter(self._seen.items()))
                if now - at < self._ttl and len(self._seen) < self._max:
                    break
                self._seen.pop(oldest)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


class StoreDeduper:
    """Claims in the store (shared across processes), remembering claims locally as well."""

    def __init__(self, store: Store, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self._claim = store.claim_event
        self._ttl = ttl_seconds
        self._local = MemoryDeduper(ttl_seconds)

    def first_time(self, key: str) -> bool:
        return self._local.first_time(key) and bool(self._claim(key, self._ttl))
