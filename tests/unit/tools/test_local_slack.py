"""The Web API stand-in answers like Slack and records what the SDK sends."""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def test_records_post_message_and_upload(slack_api) -> None:
    client = WebClient(token="xoxb-test", base_url=slack_api.url)
    assert client.auth_test()["user_id"]
    reply = client.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
    assert reply["ts"]
    client.files_upload_v2(channel="C1", content=b"PNGDATA", filename="plot.png", title="Plot")
    posts = slack_api.calls("chat.postMessage")
    assert posts[0]["channel"] == "C1"
    assert posts[0]["blocks"] == [{"type": "divider"}]
    assert slack_api.calls("files.upload")[0]["_raw"] == b"PNGDATA"
    assert slack_api.calls("files.completeUploadExternal")[0]["channel_id"] == "C1"
    slack_api.clear()
    assert slack_api.calls("chat.postMessage") == []


def test_records_response_url_posts(slack_api) -> None:
    url = slack_api.response_url()
    data = json.dumps({"text": "done"}).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 200
    assert slack_api.wait_for("response_url")[0]["text"] == "done"


def test_answers_429_with_retry_after_as_often_as_asked(slack_api) -> None:
    slack_api.rate_limit("chat.postMessage", times=1, retry_after=7)
    client = WebClient(token="xoxb-test", base_url=slack_api.url, retry_handlers=[])
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="hi")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert slack_api.refused("chat.postMessage") == 1
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_chat_update_keeps_the_message_ts_and_is_recorded(slack_api) -> None:
    client = WebClient(token="xoxb-test", base_url=slack_api.url)
    posted = client.chat_postMessage(channel="C1", text="night")
    updated = client.chat_update(channel="C1", ts=posted["ts"], text="night, 1 vote")
    assert updated["ts"] == posted["ts"]
    assert slack_api.calls("chat.update")[0]["text"] == "night, 1 vote"


def test_a_channel_the_bot_left_answers_not_in_channel(slack_api) -> None:
    slack_api.leave("C2")
    client = WebClient(token="xoxb-test", base_url=slack_api.url)
    for send in (
        lambda: client.chat_postMessage(channel="C2", text="hi"),
        lambda: client.chat_update(channel="C2", ts="1.1", text="hi"),
    ):
        with pytest.raises(SlackApiError) as refused:
            send()
        assert refused.value.response["error"] == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]


def test_a_lagging_call_lands_after_one_sent_later(slack_api) -> None:
    slack_api.lag("chat.update", 0.5, 0.0)
    client = WebClient(token="xoxb-test", base_url=slack_api.url)
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(client.chat_update, channel="C1", ts="1.1", text="first")
        time.sleep(0.1)  # the first one is sent first
        fast = pool.submit(client.chat_update, channel="C1", ts="1.1", text="second")
        assert slow.result()["ok"] and fast.result()["ok"]
    assert [c["text"] for c in slack_api.calls("chat.update")] == ["second", "first"]


def test_a_lagging_reply_to_a_response_url_lands_after_one_sent_later(slack_api) -> None:
    from slack_sdk.webhook import WebhookClient

    slack_api.lag("response_url", 0.5, 0.0)
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(WebhookClient(slack_api.response_url()).send, text="first")
        time.sleep(0.1)  # the first one is sent first
        fast = pool.submit(WebhookClient(slack_api.response_url()).send, text="second")
        assert slow.result().status_code == 200 and fast.result().status_code == 200
    assert [c["text"] for c in slack_api.calls("response_url")] == ["second", "first"]
