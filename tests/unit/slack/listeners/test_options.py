"""The modal's typeahead, its listener called directly: it answers in the request."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.listeners.options import suggest
from tests.e2e import slack_requests as sr
from tests.unit.slack.listeners import payloads


def offered(typed: str, context: BoltContext) -> list[dict[str, Any]]:
    body = payloads.interaction(sr.block_suggestion(typed))
    ack = Ack()
    suggest(ack=ack, payload=body, context=context)
    assert ack.response is not None and ack.response.status == 200
    return list(json.loads(ack.response.body)["options"])


def test_a_misspelt_title_is_offered(context: BoltContext) -> None:
    [first, *_] = offered("matrx", context)
    assert first["value"] == "tt0133093"
    assert first["text"] == {"type": "plain_text", "text": "The Matrix (1999)", "emoji": True}


def test_one_letter_offers_nothing_yet(context: BoltContext) -> None:
    assert offered("m", context) == []
