"""The `/movie` modal's submission, its listeners called directly."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.action_ids import MODAL_BLOCK, MODAL_SELECT
from bot.slack.blocks import movie_modal
from bot.slack.listeners.views import answer_pick, check
from bot.tools.local_slack import LocalSlackApi
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import find_block
from tests.unit.slack.listeners import payloads

MATRIX = {"text": {"type": "plain_text", "text": "The Matrix (1999)"}, "value": "tt0133093"}


def submitted(picked: dict[str, Any] | None, *, response_url: str | None) -> dict[str, Any]:
    """The body of the modal's submission, with `picked` chosen (or nothing)."""
    view = movie_modal(json.dumps({"channel": sr.CHANNEL, "response_url": response_url}))
    values = {MODAL_BLOCK: {MODAL_SELECT: {"selected_option": picked}}} if picked else {}
    submission = {
        "type": "view_submission",
        "team": {"id": sr.TEAM},
        "user": {"id": sr.USER},
        "api_app_id": "A0MOVIEBOT",
        "view": {**view, "id": "V1", "state": {"values": values}},
    }
    return payloads.interaction(submission)


def test_a_submission_without_a_pick_is_refused_in_the_modal() -> None:
    body = submitted(None, response_url=None)
    ack = Ack()
    check(ack=ack, view=body["view"])

    assert ack.response is not None
    assert json.loads(ack.response.body) == {
        "response_action": "errors",
        "errors": {MODAL_BLOCK: "Pick a movie from the list."},
    }


def test_a_pick_is_answered_where_the_command_was_typed(
    context: BoltContext, client: WebClient, slack_api: LocalSlackApi
) -> None:
    body = submitted(MATRIX, response_url=slack_api.response_url())
    ack = Ack()
    check(ack=ack, view=body["view"])
    answer_pick(body=body, view=body["view"], client=client, context=context)

    assert ack.response is not None and ack.response.body == ""
    [reply] = slack_api.calls("response_url")
    assert reply["response_type"] == "ephemeral"
    assert "The Matrix" in find_block(reply["blocks"], "seed")["text"]["text"]
    assert slack_api.calls("chat.postMessage") == []


def test_a_pick_without_a_response_url_is_answered_by_direct_message(
    context: BoltContext, client: WebClient, slack_api: LocalSlackApi
) -> None:
    body = submitted(MATRIX, response_url=None)
    answer_pick(body=body, view=body["view"], client=client, context=context)

    [post] = slack_api.calls("chat.postMessage")
    assert post["channel"] == sr.USER
    assert "The Matrix" in find_block(post["blocks"], "seed")["text"]["text"]
