"""Buttons and menus, their listeners called directly: answers follow up where the button
was, notes go to the presser alone."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.adapters import telemetry as tm
from bot.core.models import MarkKind
from bot.slack import action_ids as ids
from bot.slack.button_values import encode_mark, encode_page
from bot.slack.listeners.actions import mark, more_like_this, remove_mark, share, show_more
from bot.slack.services import Services
from bot.tools.local_slack import LocalSlackApi
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import find_block, pick_titles
from tests.unit.slack.listeners import payloads
from tests.unit.slack.listeners.fakes import CountingTelemetry

HEAT = "tt0113277"


def pressed(action: dict[str, Any], respond: Respond, **where: Any) -> dict[str, Any]:
    """A press on a message the bot sent, its replies going to `respond`'s response_url."""
    return payloads.interaction(
        sr.block_action(action, response_url=str(respond.response_url), **where)
    )


def test_more_like_this_on_a_private_answer_replaces_it(
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    slack_api: LocalSlackApi,
    telemetry: CountingTelemetry,
) -> None:
    button = {"type": "button", "action_id": f"{ids.MORE_LIKE}:0", "value": HEAT}
    body = pressed(button, respond, ephemeral=True)
    more_like_this(
        body=body, action=body["actions"][0], client=client, respond=respond, context=context
    )

    [reply] = slack_api.calls("response_url")
    assert reply["replace_original"] is True and reply["response_type"] == "ephemeral"
    assert "Heat" in find_block(reply["blocks"], "seed")["text"]["text"]
    assert telemetry.counts[tm.MATCHES] == 1


def test_show_more_in_a_channel_answers_in_the_thread(
    context: BoltContext, client: WebClient, respond: Respond, slack_api: LocalSlackApi
) -> None:
    button = {"type": "button", "action_id": f"{ids.SHOW_MORE}:0", "value": encode_page(HEAT, 3)}
    body = pressed(button, respond, thread_ts="1700000000.000100")
    show_more(body=body, action=body["actions"][0], client=client, respond=respond, context=context)

    [post] = slack_api.calls("chat.postMessage")
    assert post["channel"] == sr.CHANNEL and post["thread_ts"] == "1700000000.000100"
    assert pick_titles(post["blocks"])


def test_an_expired_show_more_tells_the_presser_alone(
    context: BoltContext, client: WebClient, respond: Respond, slack_api: LocalSlackApi
) -> None:
    button = {"type": "button", "action_id": f"{ids.SHOW_MORE}:0", "value": "not ours"}
    body = pressed(button, respond)
    show_more(body=body, action=body["actions"][0], client=client, respond=respond, context=context)

    [note] = slack_api.calls("chat.postEphemeral")
    assert note["user"] == sr.USER and "expired" in note["text"]
    assert slack_api.calls("chat.postMessage") == []


def test_not_interested_is_kept_counted_and_confirmed_privately(
    services: Services,
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    slack_api: LocalSlackApi,
    telemetry: CountingTelemetry,
) -> None:
    menu = {
        "type": "overflow",
        "action_id": f"{ids.MARK_MENU}:0",
        "selected_option": {"value": encode_mark(MarkKind.NOT_INTERESTED, HEAT)},
    }
    body = pressed(menu, respond)
    mark(body=body, action=body["actions"][0], client=client, respond=respond, context=context)

    assert [m.tconst for m in services.movies.marks(sr.USER)] == [HEAT]
    assert telemetry.counts[tm.DECLINES] == 1
    [note] = slack_api.calls("chat.postEphemeral")
    assert note["user"] == sr.USER and "Heat" in note["text"]


def test_share_posts_the_answer_for_everyone_and_drops_the_private_copy(
    context: BoltContext, client: WebClient, respond: Respond, slack_api: LocalSlackApi
) -> None:
    button = {"type": "button", "action_id": f"{ids.SHARE}:0", "value": encode_page(HEAT, 0)}
    body = pressed(button, respond, ephemeral=True)
    share(body=body, action=body["actions"][0], client=client, respond=respond, context=context)

    shared, deleted = slack_api.calls("response_url")
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert f"<@{sr.USER}> shared this" in json.dumps(shared["blocks"])
    assert deleted["delete_original"] is True


def test_remove_on_the_home_tab_unmarks_and_republishes(
    services: Services, context: BoltContext, client: WebClient, slack_api: LocalSlackApi
) -> None:
    services.movies.mark(sr.USER, HEAT, MarkKind.SEEN)
    home = {"id": "V1", "type": "home"}
    button = {"type": "button", "action_id": f"{ids.REMOVE_MARK}:0", "value": HEAT}
    body = payloads.interaction(sr.block_action(button, response_url="", view=home))
    remove_mark(body=body, action=body["actions"][0], client=client, context=context)

    assert services.movies.marks(sr.USER) == []
    [published] = slack_api.calls("views.publish")
    assert published["user_id"] == sr.USER
