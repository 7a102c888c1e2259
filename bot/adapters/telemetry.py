"""What the listeners count and time, behind a small interface: Powertools Metrics in Lambda,
nothing (or a list, in tests) elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class RecordingTelemetry:
    """Keeps what was measured, for tests and the terminal chat."""

    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, list[float]] = field(default_factory=dict)

    def count(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    def timing(self, name: str, milliseconds: float) -> None:
        self.timings.setdefault(name, []).append(milliseconds)
