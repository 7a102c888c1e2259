"""Admin use cases: status, retrain, report. No Slack here: each returns what it found, and
the Slack layer turns that into messages and files.

Who is an admin comes from Settings.admins (MOVIEBOT_ADMINS); anyone else is refused politely
and the attempt is logged. Retraining goes through the `Retrainer` it is given
(bot/adapters/retrainers/): the retrain Lambda in AWS, or training in-process on a laptop.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Protocol

from bot.adapters.retrainers.base import Retrainer, RetrainStart
from bot.adapters.store.base import ActiveModel, ReportReader, RunLog
from bot.config import Settings
from bot.core import text as t
from bot.core.models import ModelVersion, TrainingRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportFile:
    name: str
    title: str
    content: bytes


# What each `/movie-admin` command found, as data; bot/slack/admin_text.py words it for Slack.


@dataclass(frozen=True)
class Refused:
    """The user is not an admin."""


@dataclass(frozen=True)
class Usage:
    """No command, or one this service does not know."""


@dataclass(frozen=True)
class Status:
    model: ModelVersion | None  # the version in service
    run: TrainingRun | None  # the latest training run
    schedule: str | None  # the retrain schedule, None when retraining is on request only


@dataclass(frozen=True)
class NoReport:
    """The version in service (if any) has no report stored."""

    model: ModelVersion | None


@dataclass(frozen=True)
class Report:
    metrics: dict[str, int | float | str]  # metrics.json's plain values, in its order
    files: list[ReportFile] = field(default_factory=list)


AdminReply = Refused | Usage | Status | RetrainStart | NoReport | Report


class AdminStore(ActiveModel, ReportReader, RunLog, Protocol):
    """What the admin use cases read: the active version, its report, the latest run."""


class AdminService:
    def __init__(
        self,
        settings: Settings,
        store: AdminStore,
        retrainer: Retrainer,
    ) -> None:
        self._settings = settings
        self._store = store
        self._retrainer = retrainer

    def is_admin(self, user_id: str | None) -> bool:
        return bool(user_id) and user_id in self._settings.admins

    def handle(self, user_id: str, command: str) -> AdminReply:
        """`/movie-admin <command>` for `user_id`."""
        word = t.clean(command, 40).lower().split(" ", 1)[0]
        if not self.is_admin(user_id):
            log.warning("refused /movie-admin %s for non-admin user %s", word or "(none)", user_id)
            return Refused()
        if word == "status":
            return self.status()
        if word == "retrain":
            return self.retrain(user_id)
        if word == "report":
            return self.report()
        return Usage()

    def status(self) -> Status:
        return Status(
            self._store.active(), self._store.latest_run(), self._settings.retrain_schedule
        )

    def retrain(self, user_id: str) -> RetrainStart:
        return self._retrainer.start(user_id)

    def report(self) -> NoReport | Report:
        active = self._store.active()
        stored = self._store.report(active.version) if active is not None else {}
        if not stored:
            return NoReport(active)
        plots = [
            ReportFile(name, name.removesuffix(".png").replace("_", " "), data)
            for name, data in stored.items()
            if name.endswith(".png")
        ]
        files = plots
        if "report.md" in stored:
            files = [ReportFile("report.md", "Cluster report", stored["report.md"]), *plots]
        return Report(_plain_metrics(stored.get("metrics.json", b"{}")), files)


def _plain_metrics(raw: bytes) -> dict[str, int | float | str]:
    """metrics.json's numbers and strings; nothing when it is not a JSON object."""
    try:
        data = json.loads(raw.decode("utf-8"))
        return {k: v for k, v in data.items() if isinstance(v, int | float | str)}
    except (ValueError, AttributeError):
        return {}
