"""Events: a mention in a channel, a direct message, and the App Home tab being opened.

Answers go in the thread of the question. Each event is answered once: the app's middleware
claims it (Slack's retries and duplicates are dropped while the claim is held), and each lazy
listener here settles the claim (bot.slack.listeners.once). A user asking too fast gets a note only
they see instead of an answer.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.core import text as t
from bot.slack.blocks import Message, answer_message, help_message, home_view
from bot.slack.context import services_of
from bot.slack.conversations import of_event
from bot.slack.listeners.once import answer_once
from bot.slack.listeners.replies import (
    counted,
    just_ack,
    may_ask,
    say_nothing,
    slow_down,
    strip_bot_mention,
    wants_help,
)
from bot.slack.services import Services


def _thread(event: dict[str, Any]) -> str | None:
    return event.get("thread_ts") or event.get("ts")


def _say_sorry(kwargs: dict[str, Any], message: Message) -> None:
    event = kwargs["event"]
    kwargs["client"].chat_postMessage(
        channel=event["channel"], thread_ts=_thread(event), **message.as_kwargs()
    )


def publish_home(services: Services, client: WebClient, user_id: str) -> None:
    client.views_publish(
        user_id=user_id, view=home_view(services.movies.marks(user_id), services.movies.model())
    )


def answer_question(services: Services, event: dict[str, Any], client: WebClient) -> None:
    text = t.for_matcher(strip_bot_mention(event.get("text")))
    user = str(event.get("user") or "")
    if not text or wants_help(text):
        message = help_message(
            "Hi! Name a movie and I will find ones like it." if not text else None
        )
    elif not may_ask(services, user):
        client.chat_postEphemeral(
            channel=event["channel"],
            user=user,
            thread_ts=_thread(event),
            **slow_down(services).as_kwargs(),
        )
        return
    else:
        key = of_event(event)
        message = answer_message(
            counted(services, lambda: services.movies.ask(text, user, thread=key))
        )
    client.chat_postMessage(
        channel=event["channel"], thread_ts=_thread(event), **message.as_kwargs()
    )


# Each takes `body` and `context`: answer_once finds the event's claim by its id in the body,
# and the services in the context.
@answer_once(_say_sorry)
def answer_mention(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    answer_question(services_of(context), event, client)


@answer_once(_say_sorry)
def answer_dm(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    # Edits, joins and the bot's own messages are not questions.
    if event.get("subtype") or event.get("bot_id"):
        return
    answer_question(services_of(context), event, client)


@answer_once(say_nothing)
def open_home(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    if event.get("tab", "home") == "home":
        publish_home(services_of(context), client, event["user"])


def register(app: App) -> None:
    # The lazy listeners' names route a Lambda lazy run: keep them unique and stable.
    app.event("app_mention")(ack=just_ack, lazy=[answer_mention])
    app.event({"type": "message", "channel_type": "im"})(ack=just_ack, lazy=[answer_dm])
    app.event("app_home_opened")(ack=just_ack, lazy=[open_home])
