"""Slack delivers an event again when it did not see an ack in 3 s, and may deliver the same
event twice. The bot answers an event id once, and never loses one:

- the first delivery claims the event (in progress) before it is processed; a delivery that
  finds the claim held (in progress or answered) is dropped;
- the answer completes the claim (held an hour more: no second reply to a late retry);
- a failure releases it, so Slack's retry is answered instead of dropped;
- an in-progress claim whose holder died frees itself after IN_PROGRESS_SECONDS.

The claim lives in the store (`claim_event`), which every Lambda container and process shares.
There is deliberately no in-process copy: the answer runs in another invocation (a lazy
listener), and a local memory of the claim would drop the retry its release let through.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from bot.adapters.store.base import EventClaims

# Longer than a lazy run can take (the bot's Lambda timeout is 60 s), shorter than the ~6 min
# until Slack's last retry: a claim left behind by a killed run still lets that retry answer.
IN_PROGRESS_SECONDS = 180
ANSWERED_SECONDS = 3600  # Slack retries within minutes; an hour is plenty


def event_key(body: Mapping[str, Any]) -> str | None:
    """The claim key of an Events API delivery; None for anything else."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return None
    return f"event:{body['event_id']}"


class EventDeduper(Protocol):
    def claim(self, key: str) -> bool:
        """True when nobody holds `key`: the caller answers, then calls `done` or `release`."""
        ...

    def done(self, key: str) -> None:
        """Answered: later deliveries of `key` are dropped."""
        ...

    def release(self, key: str) -> None:
        """Not answered: the next delivery of `key` may claim it."""
        ...


class MemoryDeduper:
    """The same rules within one process (tests, and where no shared store is wanted)."""

    def __init__(
        self,
        in_progress_seconds: float = IN_PROGRESS_SECONDS,
        answered_seconds: float = ANSWERED_SECONDS,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lease = in_progress_seconds
        self._ttl = answered_seconds
        self._max = max_keys
        self._clock = clock
        self._until: OrderedDict[str, float] = OrderedDict()  # key -> held until
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        while self._until:
            oldest, until = next(iter(self._until.items()))
            if until > now and len(self._until) < self._max:
                break
            self._until.pop(oldest)

    def claim(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            self._prune(now)
            if self._until.get(key, now) > now:
                return False
            self._until[key] = now + self._lease
            self._until.move_to_end(key)
            return True

    def done(self, key: str) -> None:
        with self._lock:
            self._until[key] = self._clock() + self._ttl
            self._until.move_to_end(key)

    def release(self, key: str) -> None:
        with self._lock:
            self._until.pop(key, None)


class StoreDeduper:
    """Claims in the store, shared by every process and Lambda container."""

    def __init__(
        self,
        store: EventClaims,
        in_progress_seconds: int = IN_PROGRESS_SECONDS,
        answered_seconds: int = ANSWERED_SECONDS,
    ) -> None:
        self._store = store
        self._lease = in_progress_seconds
        self._ttl = answered_seconds

    def claim(self, key: str) -> bool:
        return bool(self._store.claim_event(key, self._lease))

    def done(self, key: str) -> None:
        self._store.complete_event(key, self._ttl)

    def release(self, key: str) -> None:
        self._store.release_event(key)
