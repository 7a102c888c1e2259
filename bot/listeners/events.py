"""Events: a mention in a channel, a direct message, and the App Home tab being opened.

Answers go in the thread of the question. Each event is answered once: the app's middleware
claims it (Slack's retries and duplicates are dropped while the claim is held), and each lazy
listener here settles the claim (bot.listeners.once). A user asking too fast gets a note only
they see instead of an answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import text as t
from bot.blocks import Message, answer_message, help_message, home_view
from bot.listeners.once import answer_once
from bot.listeners.replies import (
    counted,
    just_ack,
    may_ask,
    slow_down,
    strip_bot_mention,
    wants_help,
)

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.bootstrap import Services


def _thread(event: dict[str, Any]) -> str | None:
    return event.get("thread_ts") or event.get("ts")


def _say_sorry(kwargs: dict[str, Any], message: Message) -> None:
    event = kwargs["event"]
    kwargs["client"].chat_postMessage(
        channel=event["channel"], thread_ts=_thread(event), **message.as_kwargs()
    )


def publish_home(services: Services, client: Any, user_id: str) -> None:
    client.views_publish(
        user_id=user_id, view=home_view(services.movies.marks(user_id), services.movies.model())
    )


def register(app: App, services: Services) -> None:
    def answer_question(event: dict[str, Any], client: Any) -> None:
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
            message = answer_message(counted(services, lambda: services.movies.ask(text, user)))
        client.chat_postMessage(
            channel=event["channel"], thread_ts=_thread(event), **message.as_kwargs()
        )

    # Each takes `body`: answer_once finds the event's claim by its id there.
    @answer_once(services, _say_sorry)
    def answer_mention(body: dict[str, Any], event: dict[str, Any], client: Any) -> None:
        answer_question(event, client)

    @answer_once(services, _say_sorry)
    def answer_dm(body: dict[str, Any], event: dict[str, Any], client: Any) -> None:
        # Edits, joins and the bot's own messages are not questions.
        if event.get("subtype") or event.get("bot_id"):
            return
        answer_question(event, client)

    @answer_once(services, lambda kwargs, message: None)
    def open_home(body: dict[str, Any], event: dict[str, Any], client: Any) -> None:
        if event.get("tab", "home") == "home":
            publish_home(services, client, event["user"])

    app.event("app_mention")(ack=just_ack, lazy=[answer_mention])
    app.event({"type": "message", "channel_type": "im"})(ack=just_ack, lazy=[answer_dm])
    app.event("app_home_opened")(ack=just_ack, lazy=[open_home])
