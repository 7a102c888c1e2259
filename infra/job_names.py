"""Training job names: PREFIX-YYYYMMDD-HHMMSS (UTC). The time in the name is the run's
`started_at`, so the retrain Lambda (which records the run) and the notify Lambda (which
records how it ended) write the same store item without having to share anything else."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.core.clock import format_utc

_STAMP = "%Y%m%d-%H%M%S"
_STAMP_RE = re.compile(r"-(\d{8}-\d{6})$")


def job_name_for(prefix: str, started: datetime) -> str:
    # SageMaker job names: at most 63 of [a-zA-Z0-9-]; the template caps the prefix at 23.
    return f"{prefix}-{started.astimezone(UTC):{_STAMP}}"


def started_at(started: datetime) -> str:
    """The run's started_at as the store keeps it (bot.core.clock's format)."""
    return format_utc(started)


def started_at_from_name(name: str) -> str | None:
    """The started_at a job name carries, or None when it was named some other way."""
    match = _STAMP_RE.search(name)
    if match is None:
        return None
    try:
        return started_at(datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC))
    except ValueError:
        return None
