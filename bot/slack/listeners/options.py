"""The typeahead behind the modal's external_select. Slack waits at most 3 s for options, so
this answers in the request itself (no lazy listener): the title index is in memory."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.core import text as t
from bot.slack.action_ids import MODAL_SELECT
from bot.slack.blocks import option_list

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    def suggest(ack: Any, payload: dict[str, Any]) -> None:
        typed = t.for_matcher(payload.get("value"))
        try:
            candidates = services.movies.suggest(typed, limit=10) if len(typed) >= 2 else []
        except Exception:
            log.exception("typeahead failed")
            candidates = []
        ack(options=option_list(candidates))

    app.options(MODAL_SELECT)(suggest)
