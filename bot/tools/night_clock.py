"""The laptop's movie night timer: a daemon thread that closes the nights whose closing time
has passed (in AWS an EventBridge Scheduler schedule does it; bot.adapters.night_timer)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.core.clock import Clock, utc_now
from bot.slack import night_flow

if TYPE_CHECKING:
    from bot.slack.services import Services

log = logging.getLogger(__name__)


@dataclass
class NightClock:
    services: Services
    client: WebClient
    interval_seconds: float
    clock: Clock = utc_now
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def tick(self) -> list[str]:
        """Close the nights due now; their ids. A failure is logged and tried at the next tick."""
        try:
            return night_flow.close_due(self.services, self.client, self.clock())
        except Exception:
            log.exception("closing due movie nights failed")
            return []

    def start(self) -> NightClock:
        def run() -> None:
            while not self._stop.wait(self.interval_seconds):
                self.tick()

        self._thread = threading.Thread(target=run, name="night-clock", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
