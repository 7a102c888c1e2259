"""Progress lines for long training steps, shown only when stderr is a terminal (a SageMaker
job's log or a test's captured output stays quiet)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Progress:
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    enabled: bool | None = None  # None: only when the stream is a terminal
    _step: str = ""
    _started: float = 0.0
    _cpu: float = 0.0

    def __post_init__(self) -> None:
        if self.enabled is None:
            self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def start(self, step: str) -> None:
        self._step, self._started, self._cpu = step, time.perf_counter(), time.process_time()
        self._write(f"{step} ...")

    def update(self, detail: str) -> None:
        self._write(f"{self._step} ... {detail}")

    def done(self, detail: str = "") -> None:
        elapsed = time.perf_counter() - self._started
        cpu = time.process_time() - self._cpu
        text = f"{self._step}: {detail + ', ' if detail else ''}{elapsed:.1f} s (cpu {cpu:.1f} s)"
        self._write(text, end="\n")

    def _write(self, text: str, end: str = "") -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{text}{end}")
            self.stream.flush()


QUIET = Progress(enabled=False)
