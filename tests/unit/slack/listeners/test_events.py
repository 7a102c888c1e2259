"""A mention, a direct message and the App Home, their listeners called directly; each settles
the claim the app's middleware took on the event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.adapters.dedupe import event_key
from bot.core.models import MarkKind
from bot.slack.listeners.events import answer_dm, answer_mention, open_home
from bot.slack.services import Services
from bot.tools.local_slack import LocalSlackApi
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import find_block
from tests.unit.slack.listeners import payloads


def claimed(services: Services, body: dict[str, Any]) -> str:
    """What the app's middleware does before a lazy listener runs."""
    key = event_key(body)
    assert key is not None and services.dedupe.claim(key)
    return key


def test_a_mention_is_answered_in_its_thread_and_its_claim_completed(
    services: Services, context: BoltContext, client: WebClient, slack_api: LocalSlackApi
) -> None:
    body = payloads.event_callback(sr.mention("heat", ts="1700000000.000100"))
    key = claimed(services, body)
    answer_mention(body=body, event=body["event"], client=client, context=context)

    [post] = slack_api.calls("chat.postMessage")
    assert post["channel"] == sr.CHANNEL and post["thread_ts"] == "1700000000.000100"
    assert "Heat" in find_block(post["blocks"], "seed")["text"]["text"]
    assert not services.dedupe.claim(key), "a retry of an answered event is dropped"


def test_a_mention_that_cannot_be_answered_gets_a_sorry_in_its_thread(
    services: Services,
    context: BoltContext,
    client: WebClient,
    slack_api: LocalSlackApi,
    tmp_path: Path,
) -> None:
    body = payloads.event_callback(sr.mention("heat", ts="1700000000.000100"))
    claimed(services, body)
    services.store.close()
    (tmp_path / "bot.sqlite").unlink()
    (tmp_path / "bot.sqlite").mkdir()  # the store cannot be opened any more

    answer_mention(body=body, event=body["event"], client=client, context=context)

    [post] = slack_api.calls("chat.postMessage")
    assert post["thread_ts"] == "1700000000.000100"
    assert post["text"].startswith("Sorry, something went wrong on my side")


def test_a_direct_message_is_answered_but_not_the_bots_own(
    services: Services, context: BoltContext, client: WebClient, slack_api: LocalSlackApi
) -> None:
    own = payloads.event_callback({**sr.direct_message("heat"), "bot_id": "B0MOVIEBOT"})
    answer_dm(body=own, event=own["event"], client=client, context=context)
    assert slack_api.calls("chat.postMessage") == []

    body = payloads.event_callback(sr.direct_message("hello"))
    claimed(services, body)
    answer_dm(body=body, event=body["event"], client=client, context=context)
    [post] = slack_api.calls("chat.postMessage")
    assert post["channel"] == "D0ALICE"
    assert find_block(post["blocks"], "help")


def test_opening_the_home_tab_publishes_the_users_marks(
    services: Services, context: BoltContext, client: WebClient, slack_api: LocalSlackApi
) -> None:
    services.movies.mark(sr.USER, "tt0113277", MarkKind.SEEN)
    body = payloads.event_callback({"type": "app_home_opened", "user": sr.USER, "tab": "home"})
    claimed(services, body)
    open_home(body=body, event=body["event"], client=client, context=context)

    [published] = slack_api.calls("views.publish")
    assert published["user_id"] == sr.USER
    assert "Heat" in find_block(published["view"]["blocks"], "mark:0")["text"]["text"]
