"""The `/movie` modal's submission: the picked movie's neighbours, sent back to where the
command was typed (through the command's response_url), or as a DM when that is gone."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.slack.action_ids import MODAL_BLOCK, MODAL_CALLBACK, MODAL_SELECT
from bot.slack.blocks import Message, answer_message
from bot.slack.context import services_of
from bot.slack.listeners.replies import apologise_on_error, counted


def selected_movie(view: dict[str, Any]) -> str | None:
    values = view.get("state", {}).get("values", {})
    option = values.get(MODAL_BLOCK, {}).get(MODAL_SELECT, {}).get("selected_option") or {}
    value = option.get("value")
    return str(value) if value else None


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _deliver(client: WebClient, user: str, view: dict[str, Any], message: Message) -> None:
    response_url = _metadata(view).get("response_url")
    if response_url:
        sent = WebhookClient(str(response_url)).send(
            response_type="ephemeral", **message.as_kwargs()
        )
        if sent.status_code == 200:
            return
    client.chat_postMessage(channel=user, **message.as_kwargs())


def check(ack: Ack, view: dict[str, Any]) -> None:
    if selected_movie(view) is None:
        ack(response_action="errors", errors={MODAL_BLOCK: "Pick a movie from the list."})
    else:
        ack()


def _sorry(kwargs: dict[str, Any], message: Message) -> None:
    _deliver(kwargs["client"], kwargs["body"]["user"]["id"], kwargs["view"], message)


@apologise_on_error(_sorry)
def answer_pick(
    body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    tconst = selected_movie(view)
    if tconst is None:
        return
    user = str(body.get("user", {}).get("id") or "")
    answer = counted(services, lambda: services.movies.similar(tconst, user))
    _deliver(client, user, view, answer_message(answer, shareable=True))


def register(app: App) -> None:
    # The lazy listener's name routes a Lambda lazy run: keep it unique and stable.
    app.view(MODAL_CALLBACK)(ack=check, lazy=[answer_pick])
