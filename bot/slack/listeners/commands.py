"""Slash commands: `/movie [title | help | night ...]` and `/movie-admin status|retrain|report`.

Both ack at once (Slack allows 3 s) and do the work in a lazy listener.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters import telemetry as tm
from bot.core import text as t
from bot.core.clock import utc_now
from bot.slack import night_flow
from bot.slack.admin_text import admin_reply_text
from bot.slack.blocks import Message, answer_message, help_message, movie_modal, notice
from bot.slack.context import services_of
from bot.slack.listeners.replies import (
    apologise_on_error,
    counted,
    just_ack,
    may_ask,
    slow_down,
    wants_help,
)
from bot.usecases.admin import Refused, Report, ReportFile

log = logging.getLogger(__name__)


def _respond_sorry(kwargs: dict[str, Any], message: Message) -> None:
    kwargs["respond"](response_type="ephemeral", **message.as_kwargs())


def ack_or_open_modal(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
    """`/movie` alone opens the picker here, in the request: its trigger_id expires after
    3 s, which a lazy run on a cold Lambda container could miss. It needs no index."""
    if not t.for_matcher(command.get("text")):
        metadata = json.dumps(
            {"channel": command.get("channel_id"), "response_url": command.get("response_url")}
        )
        try:
            client.views_open(trigger_id=command["trigger_id"], view=movie_modal(metadata))
        except SlackApiError as exc:
            log.warning("could not open the /movie modal: %s", exc.response.get("error"))
            ack(text="I could not open the picker; try `/movie the matrix` instead.")
            return
    ack()


@apologise_on_error(_respond_sorry)
def movie_command(
    command: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    client: WebClient | None = None,  # Bolt always passes it; only a movie night needs it
) -> None:
    services = services_of(context)
    text = t.for_matcher(command.get("text"))
    user = str(command.get("user_id") or "")
    if not text:
        return  # the modal is open; its submission answers
    if wants_help(text):
        respond(response_type="ephemeral", **help_message().as_kwargs())
        return
    if night_flow.starts_night(services, text):
        channel = str(command.get("channel_id") or "")
        rest = night_flow.night_text(text)
        slack = client or context.client
        assert slack is not None, "Bolt passes the client"
        reply = night_flow.start(services, slack, channel, user, rest, utc_now())
        if reply.message is not None:
            respond(response_type="ephemeral", **reply.message.as_kwargs())
        return
    if not may_ask(services, user):
        respond(response_type="ephemeral", **slow_down(services).as_kwargs())
        return
    answer = counted(services, lambda: services.movies.ask(text, user))
    respond(response_type="ephemeral", **answer_message(answer, shareable=True).as_kwargs())


@apologise_on_error(_respond_sorry)
def admin_command(
    command: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    services = services_of(context)
    user = str(command.get("user_id") or "")
    reply = services.admin.handle(user, str(command.get("text") or ""))
    if isinstance(reply, Refused):
        services.telemetry.count(tm.ADMIN_REFUSED)
    respond(response_type="ephemeral", **notice(admin_reply_text(reply)).as_kwargs())
    if isinstance(reply, Report) and reply.files:
        _upload(client, command, reply.files, respond)


def register(app: App) -> None:
    # The lazy listeners' names route a Lambda lazy run: keep them unique and stable.
    app.command("/movie")(ack=ack_or_open_modal, lazy=[movie_command])
    app.command("/movie-admin")(ack=just_ack, lazy=[admin_command])


def _upload(
    client: WebClient, command: dict[str, Any], files: list[ReportFile], respond: Respond
) -> None:
    uploads = [{"content": f.content, "title": f.title, "filename": f.name} for f in files]
    channel = command.get("channel_id")
    try:
        client.files_upload_v2(
            channel=channel, file_uploads=uploads, initial_comment="Cluster report"
        )
        return
    except SlackApiError as exc:
        log.warning("report upload to the channel failed: %s", exc.response.get("error"))
    try:
        # Not in that channel (or a private one): send the files to the admin directly.
        dm = client.conversations_open(users=command.get("user_id"))["channel"]["id"]
        client.files_upload_v2(channel=dm, file_uploads=uploads, initial_comment="Cluster report")
    except SlackApiError as exc:
        log.warning("report upload to the admin failed: %s", exc.response.get("error"))
        respond(response_type="ephemeral", text="I could not upload the report files here.")
