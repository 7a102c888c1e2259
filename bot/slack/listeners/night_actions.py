"""The movie night's buttons and its add-favourite / suggest modal.

Every button acks at once and works in a lazy listener (a Lambda self-invocation in AWS), except
Add a favourite and Suggest a film: they open the modal in the request itself, since its
trigger_id expires after 3 s. The night's message is then updated (chat.update) for everyone;
what concerns only the presser (a refusal, a did-you-mean) is said to them privately."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.clock import utc_now
from bot.slack import action_ids as ids
from bot.slack import night_flow as flow
from bot.slack.blocks import Message
from bot.slack.context import services_of
from bot.slack.listeners.replies import (
    action_pattern,
    apologise_on_error,
    channel_of,
    just_ack,
    sorry_privately,
    tell_privately,
    user_of,
)
from bot.slack.listeners.views import check, selected_movie
from bot.slack.night_blocks import night_modal, night_notice
from bot.slack.night_values import Kind, ModalTarget, decode_film, decode_modal, decode_pick

log = logging.getLogger(__name__)

EXPIRED = night_notice("That button is not one of a movie night I know; start a new one.")


def _tell(body: dict[str, Any], client: WebClient, respond: Respond, reply: flow.Reply) -> None:
    if reply.message is not None:
        tell_privately(body, client, respond, reply.message)


def click_id(body: dict[str, Any], action: dict[str, Any]) -> str:
    """The same for Slack's retry of a click, different for the next click."""
    return f"{user_of(body)}:{action.get('action_ts') or body.get('trigger_id') or ''}"


@apologise_on_error(sorry_privately)
def night_vote(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    film = decode_film(action.get("value"))
    if film is None:
        tell_privately(body, client, respond, EXPIRED)
        return
    night_id, tconst = film
    outcome = services.nights.vote(night_id, user_of(body), tconst, click_id(body, action))
    _tell(body, client, respond, flow.after(services, client, outcome, night_id))


@apologise_on_error(sorry_privately)
def night_join(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    night_id = str(action.get("value") or "")
    outcome = services.nights.join(night_id, user_of(body))
    _tell(body, client, respond, flow.after(services, client, outcome, night_id))


@apologise_on_error(sorry_privately)
def night_close(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    user = user_of(body)
    reply = flow.close(
        services,
        client,
        str(action.get("value") or ""),
        user,
        is_admin=user in services.settings.admins,
        now=utc_now(),
    )
    _tell(body, client, respond, reply)


@apologise_on_error(sorry_privately)
def night_watched(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    services = services_of(context)
    film = decode_film(action.get("value"))
    if film is None:
        tell_privately(body, client, respond, EXPIRED)
        return
    outcome = services.nights.watched(film[0], user_of(body))
    tell_privately(body, client, respond, night_notice(outcome.message or "Noted."))


@apologise_on_error(sorry_privately)
def night_pick(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """A did-you-mean answered: the film meant, by its id."""
    services = services_of(context)
    pick = decode_pick(action.get("value"))
    if pick is None:
        tell_privately(body, client, respond, EXPIRED)
        return
    reply = flow.add(services, client, pick.night_id, user_of(body), pick.kind, pick.tconst)
    _tell(body, client, respond, reply)


def _open_modal(kind: Kind) -> Callable[..., None]:
    def open_night_modal(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        target = ModalTarget(str(action.get("value") or ""), kind, channel_of(body) or "")
        try:
            client.views_open(trigger_id=body["trigger_id"], view=night_modal(target))
        except (SlackApiError, KeyError) as exc:
            log.warning("could not open the night modal: %s", exc)
            ack()  # the click was received; only the modal failed, which respond says
            respond(
                replace_original=False,
                response_type="ephemeral",
                text="I could not open the picker; press the button again.",
            )
            return
        ack()

    open_night_modal.__name__ = f"open_night_modal_{kind}"
    return open_night_modal


def _tell_in_channel(
    client: WebClient, target: ModalTarget | None, user: str, reply: Message
) -> None:
    """A modal has no response_url: an ephemeral note in the night's channel, else a DM."""
    if target is not None and target.channel:
        try:
            client.chat_postEphemeral(channel=target.channel, user=user, **reply.as_kwargs())
            return
        except SlackApiError:
            pass  # not in that channel any more: the DM below still reaches them
    client.chat_postMessage(channel=user, **reply.as_kwargs())


def _modal_sorry(kwargs: dict[str, Any], message: Message) -> None:
    view = kwargs["view"]
    user = str(kwargs["body"].get("user", {}).get("id") or "")
    _tell_in_channel(kwargs["client"], decode_modal(view.get("private_metadata")), user, message)


@apologise_on_error(_modal_sorry)
def night_add_from_modal(
    body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    user = str(body.get("user", {}).get("id") or "")
    target = decode_modal(view.get("private_metadata"))
    tconst = selected_movie(view)
    if target is None or tconst is None:
        _tell_in_channel(client, target, user, EXPIRED)
        return
    reply = flow.add(services, client, target.night_id, user, target.kind, tconst)
    if reply.message is not None:
        _tell_in_channel(client, target, user, reply.message)


def register(app: App) -> None:
    # The lazy listeners' names route a Lambda lazy run: keep them unique and stable.
    app.action(action_pattern(ids.NIGHT_VOTE))(ack=just_ack, lazy=[night_vote])
    app.action(ids.NIGHT_JOIN)(ack=just_ack, lazy=[night_join])
    app.action(ids.NIGHT_CLOSE)(ack=just_ack, lazy=[night_close])
    app.action(ids.NIGHT_WATCHED)(ack=just_ack, lazy=[night_watched])
    app.action(action_pattern(ids.NIGHT_PICK))(ack=just_ack, lazy=[night_pick])
    app.action(ids.NIGHT_FAVOURITE)(_open_modal("favourite"))
    app.action(ids.NIGHT_SUGGEST)(_open_modal("suggest"))
    app.view(ids.NIGHT_MODAL_CALLBACK)(ack=check, lazy=[night_add_from_modal])
