"""`Services`: what the Slack surface is handed (use cases, the store, dedupe, the question
quota, the movie nights and their closing timer, telemetry).

Defined here, where it is used, so that the Slack layer never imports the composition root;
bot.bootstrap builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.adapters.dedupe import EventDeduper
from bot.adapters.night_timer import NightTimer, NoNightTimer
from bot.adapters.store import Store
from bot.adapters.store.base import QuestionQuota
from bot.adapters.telemetry import NullTelemetry, Telemetry
from bot.config import Settings
from bot.usecases.admin import AdminService, Retrainer

if TYPE_CHECKING:
    from bot.usecases.movies import MovieService
    from bot.usecases.night import MovieNights


@dataclass
class Services:
    settings: Settings
    store: Store
    movies: MovieService
    admin: AdminService
    retrainer: Retrainer
    dedupe: EventDeduper
    quota: QuestionQuota  # the per-user rate limit (listeners/replies.py may_ask)
    nights: MovieNights
    # Sets a movie night's closing time in AWS; on a laptop a timer polls instead.
    night_timer: NightTimer = field(default_factory=NoNightTimer)
    telemetry: Telemetry = field(default_factory=NullTelemetry)
