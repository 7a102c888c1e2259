"""What several surfaces share: answering with counts and timing, replying where the question
was asked, and never leaving a user without an answer when something breaks."""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters import telemetry as tm
from bot.slack.blocks import Message, notice

if TYPE_CHECKING:
    from bot.slack.services import Services
    from bot.usecases.movies import Answer

log = logging.getLogger("bot.slack.listeners")

# How a listener that failed says sorry: given the listener's keyword arguments and the note.
Reply = Callable[[dict[str, Any], Message], None]

SORRY = notice(
    "Sorry, something went wrong on my side while answering. Please try again in a moment."
)
# Questions are counted per user in fixed windows of a minute (Settings.questions_per_minute).
QUOTA_WINDOW_SECONDS = 60
_LEADING_MENTIONS = re.compile(r"^\s*(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+")
HELP_WORDS = frozenset({"help", "?", "hi", "hello", "hey", "usage", "commands"})


def strip_bot_mention(text: str | None) -> str:
    """`<@UBOT> movies like heat` -> `movies like heat` (other mentions are the matcher's)."""
    return _LEADING_MENTIONS.sub("", text or "", count=1).strip()


def wants_help(text: str) -> bool:
    return text.strip().lower().strip("!. ") in HELP_WORDS


def may_ask(services: Services, user_id: str) -> bool:
    """Count a question against the user's quota; False when it is used up. The count is in
    the store, so every container agrees. If the store cannot count, the question goes
    through: the limit is there to stop bursts, not to silence the bot."""
    try:
        return services.quota.take_quota(
            user_id, services.settings.questions_per_minute, QUOTA_WINDOW_SECONDS
        )
    except Exception as exc:
        log.warning("could not count a question against the rate limit: %s", exc)
        return True


def slow_down(services: Services) -> Message:
    limit = services.settings.questions_per_minute
    return notice(
        f"You are asking faster than I can keep up with: up to {limit} questions a minute."
        " Give me a moment, then ask again."
    )


def counted(services: Services, work: Callable[[], Answer]) -> Answer:
    """Run a question and record matches / misses and latency."""
    started = time.perf_counter()
    answer = work()
    services.telemetry.timing(tm.ANSWER_LATENCY, (time.perf_counter() - started) * 1000)
    if answer.status == "matched":
        services.telemetry.count(tm.MATCHES)
    elif answer.status in ("no_match", "ambiguous"):
        services.telemetry.count(tm.MISSES)
    log.info("answered", extra={"status": answer.status, "picks": len(answer.recommendations)})
    return answer


def _part(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def container(body: dict[str, Any]) -> dict[str, Any]:
    return _part(body, "container")


def is_ephemeral(body: dict[str, Any]) -> bool:
    return bool(container(body).get("is_ephemeral"))


def thread_of(body: dict[str, Any]) -> str | None:
    message = _part(body, "message")
    return message.get("thread_ts") or message.get("ts") or container(body).get("message_ts")


def channel_of(body: dict[str, Any]) -> str | None:
    channel = _part(body, "channel")
    return channel.get("id") or container(body).get("channel_id")


def user_of(body: dict[str, Any]) -> str:
    user = _part(body, "user")
    return str(user.get("id") or body.get("user_id") or "")


def follow_up(body: dict[str, Any], client: WebClient, respond: Respond, message: Message) -> None:
    """Answer a button press: replace an ephemeral answer, or reply in the message's thread."""
    channel = channel_of(body)
    if is_ephemeral(body) or not channel:
        respond(replace_original=True, response_type="ephemeral", **message.as_kwargs())
        return
    client.chat_postMessage(channel=channel, thread_ts=thread_of(body), **message.as_kwargs())


def tell_privately(
    body: dict[str, Any], client: WebClient, respond: Respond, message: Message
) -> None:
    """A note only the presser sees, next to the message they pressed on."""
    channel = channel_of(body)
    if is_ephemeral(body) or not channel:
        respond(replace_original=False, response_type="ephemeral", **message.as_kwargs())
        return
    try:
        client.chat_postEphemeral(
            channel=channel, user=user_of(body), thread_ts=thread_of(body), **message.as_kwargs()
        )
    except SlackApiError:
        respond(replace_original=False, response_type="ephemeral", **message.as_kwargs())


def sorry_privately(kwargs: dict[str, Any], message: Message) -> None:
    """`apologise_on_error`'s reply for a button's lazy listener: a note only the presser sees."""
    tell_privately(kwargs["body"], kwargs["client"], kwargs["respond"], message)


def action_pattern(action_id: str) -> re.Pattern[str]:
    """`action_id` and its numbered variants (`id:2`): a message may hold several such buttons,
    and Slack wants each action_id unique within it."""
    return re.compile(rf"^{re.escape(action_id)}(:\d+)?$")


def apologise_on_error(reply: Reply) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a lazy listener: log the failure (without the user's text) and say sorry.

    `functools.wraps` keeps the signature Bolt reads to inject arguments, and the name a
    Lambda lazy invocation is routed by.
    """

    def decorate(work: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(work)
        def guarded(**kwargs: Any) -> None:
            try:
                work(**kwargs)
            except Exception:
                log.exception("listener %s failed", work.__name__)
                try:
                    reply(kwargs, SORRY)
                except Exception:
                    log.exception("could not even apologise")

        return guarded

    return decorate


def just_ack(ack: Ack) -> None:
    ack()


def say_nothing(kwargs: dict[str, Any], message: Message) -> None:
    """For listeners with nobody to apologise to (the App Home): the failure is only logged."""
