"""Stand-ins a listener is handed when a test calls it directly: telemetry that keeps its
counts, and a retrainer that is never started by these tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.usecases.admin import RetrainStart


@dataclass
class CountingTelemetry:
    counts: Counter[str] = field(default_factory=Counter)
    timings: dict[str, list[float]] = field(default_factory=dict)

    def count(self, name: str, value: int = 1) -> None:
        self.counts[name] += value

    def timing(self, name: str, milliseconds: float) -> None:
        self.timings.setdefault(name, []).append(milliseconds)


class IdleRetrainer:
    def start(self, requested_by: str) -> RetrainStart:
        return RetrainStart("failed", "retraining is not part of these tests")
