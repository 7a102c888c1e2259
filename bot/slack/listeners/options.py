"""The typeahead behind the modal's external_select. Slack waits at most 3 s for options, so
this answers in the request itself (no lazy listener): the title index is in memory."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.core import text as t
from bot.slack.action_ids import MODAL_SELECT
from bot.slack.blocks import option_list
from bot.slack.context import services_of

log = logging.getLogger(__name__)


def suggest(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
    services = services_of(context)
    typed = t.for_matcher(payload.get("value"))
    try:
        candidates = services.movies.suggest(typed, limit=10) if len(typed) >= 2 else []
    except Exception:
        log.exception("typeahead failed")
        candidates = []
    ack(options=option_list(candidates))


def register(app: App) -> None:
    app.options(MODAL_SELECT)(suggest)
