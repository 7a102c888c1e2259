"""`/movie` and `/movie-admin`, their listeners called directly."""

from __future__ import annotations

from pathlib import Path

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.adapters import telemetry as tm
from bot.slack.listeners.commands import ack_or_open_modal, admin_command, movie_command
from bot.slack.services import Services
from bot.tools.local_slack import LocalSlackApi
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import find_block, pick_titles
from tests.unit.slack.listeners import payloads
from tests.unit.slack.listeners.fakes import CountingTelemetry


def test_movie_heat_responds_privately_with_the_answer(
    context: BoltContext, respond: Respond, slack_api: LocalSlackApi, telemetry: CountingTelemetry
) -> None:
    command = payloads.command("heat", response_url=str(respond.response_url))
    movie_command(command=command, respond=respond, context=context)

    [reply] = slack_api.calls("response_url")
    assert reply["response_type"] == "ephemeral"
    assert "Heat" in find_block(reply["blocks"], "seed")["text"]["text"]
    assert pick_titles(reply["blocks"])
    assert telemetry.counts[tm.MATCHES] == 1
    assert len(telemetry.timings[tm.ANSWER_LATENCY]) == 1


def test_movie_help_responds_with_the_help(
    context: BoltContext, respond: Respond, slack_api: LocalSlackApi, telemetry: CountingTelemetry
) -> None:
    command = payloads.command("help", response_url=str(respond.response_url))
    movie_command(command=command, respond=respond, context=context)

    [reply] = slack_api.calls("response_url")
    assert reply["response_type"] == "ephemeral"
    assert "/movie" in find_block(reply["blocks"], "help")["text"]["text"]
    assert not telemetry.counts, "help is not a question"


def test_a_failing_answer_responds_with_a_sorry(
    services: Services,
    context: BoltContext,
    respond: Respond,
    slack_api: LocalSlackApi,
    tmp_path: Path,
) -> None:
    # The store's file is damaged: the question cannot be answered.
    services.store.close()
    for name in ("bot.sqlite", "bot.sqlite-wal", "bot.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    (tmp_path / "bot.sqlite").write_bytes(b"not a database " * 512)
    command = payloads.command("heat", response_url=str(respond.response_url))
    movie_command(command=command, respond=respond, context=context)

    [reply] = slack_api.calls("response_url")
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Sorry, something went wrong on my side")


def test_admin_command_refuses_a_non_admin_and_counts_it(
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    slack_api: LocalSlackApi,
    telemetry: CountingTelemetry,
) -> None:
    command = payloads.command(
        "status", name="/movie-admin", user=sr.USER, response_url=str(respond.response_url)
    )
    admin_command(command=command, client=client, respond=respond, context=context)

    [reply] = slack_api.calls("response_url")
    assert "for the bot's admins" in reply["text"]
    assert telemetry.counts["AdminRefused"] == 1


def test_admin_command_shows_an_admin_the_loaded_model(
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    slack_api: LocalSlackApi,
    telemetry: CountingTelemetry,
) -> None:
    command = payloads.command(
        "status", name="/movie-admin", user=sr.ADMIN, response_url=str(respond.response_url)
    )
    admin_command(command=command, client=client, respond=respond, context=context)

    [reply] = slack_api.calls("response_url")
    assert "v-test-1" in reply["text"]
    assert not telemetry.counts


def test_movie_alone_opens_the_picker_within_the_request(
    client: WebClient, slack_api: LocalSlackApi
) -> None:
    command = payloads.command("", response_url=slack_api.response_url())
    ack = Ack()
    ack_or_open_modal(ack=ack, command=command, client=client)

    [opened] = slack_api.calls("views.open")
    assert opened["trigger_id"] == command["trigger_id"]
    assert ack.response is not None and ack.response.status == 200
    assert ack.response.body == ""


def test_movie_with_a_title_only_acks(client: WebClient, slack_api: LocalSlackApi) -> None:
    command = payloads.command("heat", response_url=slack_api.response_url())
    ack = Ack()
    ack_or_open_modal(ack=ack, command=command, client=client)

    assert slack_api.calls("views.open") == []
    assert ack.response is not None and ack.response.status == 200
