"""What the listeners count and time, behind a small interface: Powertools Metrics in Lambda,
nothing elsewhere."""

from __future__ import annotations

from typing import Protocol

MATCHES = "Matches"
MISSES = "Misses"
DECLINES = "Declines"  # a user said "Not interested"
ANSWER_LATENCY = "AnswerLatency"
ADMIN_REFUSED = "AdminRefused"


class Telemetry(Protocol):
    def count(self, name: str, value: int = 1) -> None: ...

    def timing(self, name: str, milliseconds: float) -> None: ...


class NullTelemetry:
    def count(self, name: str, value: int = 1) -> None:
        return None

    def timing(self, name: str, milliseconds: float) -> None:
        return None
