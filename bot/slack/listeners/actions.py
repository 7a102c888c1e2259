"""Buttons and overflow menus: More like this, Show more, Did you mean, a condition's drop
button, Seen it / Not interested, Share in channel, and Remove on the App Home list.

A button of an answer with conditions or several seeds carries the whole request
(button_values.encode_request): pressing it answers that request again, and in a thread or a
DM it becomes the conversation's last answer, which a follow-up then refines."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.adapters import telemetry as tm
from bot.core.models import MarkKind
from bot.slack import action_ids as ids
from bot.slack.blocks import answer_message, marked_notice, notice
from bot.slack.button_values import RequestValue, decode_mark, decode_page, decode_request
from bot.slack.context import services_of
from bot.slack.conversations import of_press
from bot.slack.listeners.events import publish_home
from bot.slack.listeners.replies import (
    action_pattern,
    apologise_on_error,
    channel_of,
    counted,
    follow_up,
    is_ephemeral,
    just_ack,
    say_nothing,
    sorry_privately,
    tell_privately,
    thread_of,
    user_of,
)
from bot.slack.services import Services
from bot.usecases.movies import Answer

EXPIRED = notice("That button has expired; ask me again.")


@apologise_on_error(sorry_privately)
def more_like_this(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    tconst = str(action.get("value") or "")
    answer = counted(services, lambda: services.movies.similar(tconst, user_of(body)))
    follow_up(body, client, respond, answer_message(answer, shareable=is_ephemeral(body)))


def _again(services: Services, body: dict[str, Any], request: RequestValue) -> Answer:
    """The request a button carries, answered again as a turn of the conversation it was
    pressed in (an ephemeral answer has none)."""
    user = user_of(body)
    thread = None if is_ephemeral(body) else of_press(channel_of(body), thread_of(body), user)
    return counted(
        services,
        lambda: services.movies.again(
            request.seeds, request.constraints, user, thread=thread, offset=request.offset
        ),
    )


def _answer_again(
    body: dict[str, Any], client: WebClient, respond: Respond, services: Services, value: Any
) -> bool:
    """Answer the request a button's value carries; False when the value is not one."""
    request = decode_request(value)
    if request is None:
        return False
    answer = _again(services, body, request)
    if answer.status == "no_match":  # its seeds are not in the model in service any more
        tell_privately(body, client, respond, EXPIRED)
    else:
        follow_up(body, client, respond, answer_message(answer, shareable=is_ephemeral(body)))
    return True


@apologise_on_error(sorry_privately)
def drop_constraint(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    if not _answer_again(body, client, respond, services_of(context), action.get("value")):
        tell_privately(body, client, respond, EXPIRED)


@apologise_on_error(sorry_privately)
def did_you_mean(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """One seed of a request swapped for the movie meant; a bare id is a title's neighbours."""
    services = services_of(context)
    if _answer_again(body, client, respond, services, action.get("value")):
        return
    tconst = str(action.get("value") or "")
    answer = counted(services, lambda: services.movies.similar(tconst, user_of(body)))
    follow_up(body, client, respond, answer_message(answer, shareable=is_ephemeral(body)))


@apologise_on_error(sorry_privately)
def show_more(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    if _answer_again(body, client, respond, services, action.get("value")):
        return
    page = decode_page(action.get("value"))
    if page is None:
        tell_privately(body, client, respond, EXPIRED)
        return
    tconst, offset = page
    answer = counted(
        services, lambda: services.movies.similar(tconst, user_of(body), offset=offset)
    )
    follow_up(body, client, respond, answer_message(answer, shareable=is_ephemeral(body)))


@apologise_on_error(sorry_privately)
def mark(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    selected = action.get("selected_option") or {}
    decoded = decode_mark(selected.get("value"))
    if decoded is None:
        tell_privately(body, client, respond, notice("I did not understand that choice."))
        return
    kind, tconst = decoded
    movie = services.movies.mark(user_of(body), tconst, kind)
    if kind is MarkKind.NOT_INTERESTED:
        services.telemetry.count(tm.DECLINES)
    tell_privately(body, client, respond, marked_notice(kind, movie, tconst))


@apologise_on_error(sorry_privately)
def share(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    user = user_of(body)
    request = decode_request(action.get("value"))
    page = decode_page(action.get("value"))
    if request is not None:
        answer = services.movies.again(
            request.seeds, request.constraints, user, offset=request.offset
        )
    elif page is not None:
        answer = services.movies.similar(page[0], user, offset=page[1])
    else:
        return
    message = answer_message(answer, shared_by=user)
    # The response_url of an ephemeral answer can post it for everyone, even in channels
    # the bot was never invited to; then the private copy goes away.
    respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
    respond(delete_original=True)


@apologise_on_error(say_nothing)
def remove_mark(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    user = user_of(body)
    services.movies.unmark(user, str(action.get("value") or ""))
    publish_home(services, client, user)


def register(app: App) -> None:
    # The lazy listeners' names route a Lambda lazy run: keep them unique and stable.
    app.action(action_pattern(ids.MORE_LIKE))(ack=just_ack, lazy=[more_like_this])
    app.action(action_pattern(ids.DID_YOU_MEAN))(ack=just_ack, lazy=[did_you_mean])
    app.action(action_pattern(ids.DROP_CONSTRAINT))(ack=just_ack, lazy=[drop_constraint])
    app.action(action_pattern(ids.SHOW_MORE))(ack=just_ack, lazy=[show_more])
    app.action(action_pattern(ids.MARK_MENU))(ack=just_ack, lazy=[mark])
    app.action(action_pattern(ids.SHARE))(ack=just_ack, lazy=[share])
    app.action(action_pattern(ids.REMOVE_MARK))(ack=just_ack, lazy=[remove_mark])
