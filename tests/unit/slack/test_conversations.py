"""A mention's thread, a DM, and a press on the bot's reply there name the same conversation."""

from __future__ import annotations

from bot.slack.conversations import of_event, of_press


def test_an_event_and_a_press_in_the_same_place_share_a_key() -> None:
    mention = {"channel": "C1", "user": "U1", "ts": "2.0", "thread_ts": "1.0"}
    assert of_event(mention) == of_press("C1", "1.0", "U1") == "thread:C1:1.0"
    top = {"channel": "C1", "user": "U1", "ts": "1.0"}  # a mention outside a thread starts one
    assert of_event(top) == "thread:C1:1.0"
    dm = {"channel": "D9", "user": "U1", "ts": "5.0", "channel_type": "im"}
    assert of_event(dm) == of_press("D9", "7.0", "U1") == "dm:D9:U1"
    assert of_press("D9", "7.0", "U2") != of_event(dm)  # another user's


def test_no_place_no_conversation() -> None:
    assert of_press(None, "1.0", "U1") is None
    assert of_press("C1", None, "U1") is None
    assert of_event({"channel": "C1", "user": "U1"}) is None
