"""Bursts: a user asking too fast gets a friendly note only they see instead of an answer
(counted in the store, so it holds across containers), and a post Slack refused with 429 is
sent again after its Retry-After instead of being lost."""

from __future__ import annotations

import pytest

from bot.listeners import replies
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import find_block, pick_titles


@pytest.fixture
def two_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVIEBOT_QUESTIONS_PER_MINUTE", "2")
    # One window for the whole test, so it never straddles two minutes.
    monkeypatch.setattr(replies, "QUOTA_WINDOW_SECONDS", 10**9)


def test_the_question_past_the_limit_gets_a_private_note_and_no_picks(
    lambda_bot, two_a_minute
) -> None:
    for ts, title in (("1700000000.000001", "heat"), ("1700000000.000002", "alien")):
        lambda_bot.event(sr.mention(title, ts=ts))
    assert len(lambda_bot.slack_api.calls("chat.postMessage")) == 2

    lambda_bot.event(sr.mention("the matrix", ts="1700000000.000003"))
    assert len(lambda_bot.slack_api.calls("chat.postMessage")) == 2, "no third answer"
    [note] = lambda_bot.slack_api.calls("chat.postEphemeral")
    assert note["user"] == sr.USER and note["channel"] == sr.CHANNEL
    assert note["thread_ts"] == "1700000000.000003"
    assert "2 questions a minute" in note["text"]
    assert pick_titles(note["blocks"]) == []

    # The limit is per user: someone else is still answered.
    lambda_bot.event(sr.mention("the matrix", user="U0BOB", ts="1700000000.000004"))
    posts = lambda_bot.slack_api.calls("chat.postMessage")
    assert len(posts) == 3
    assert "The Matrix" in find_block(posts[-1]["blocks"], "seed")["text"]["text"]


def test_slash_movie_past_the_limit_answers_privately_with_the_note(
    lambda_bot, two_a_minute
) -> None:
    lambda_bot.command("heat")
    lambda_bot.command("alien")
    lambda_bot.command("help")  # asking for help is not a question about movies
    lambda_bot.command("the matrix")
    replies_sent = lambda_bot.slack_api.calls("response_url")
    assert len(replies_sent) == 4
    assert all(r["response_type"] == "ephemeral" for r in replies_sent)
    assert "2 questions a minute" in replies_sent[-1]["text"]
    assert pick_titles(replies_sent[-1]["blocks"]) == []


def test_a_post_refused_with_429_is_sent_again(lambda_bot) -> None:
    lambda_bot.slack_api.rate_limit("chat.postMessage", times=1, retry_after=0)
    lambda_bot.event(sr.mention("heat"))
    assert lambda_bot.slack_api.refused("chat.postMessage") == 1
    [post] = lambda_bot.slack_api.calls("chat.postMessage")
    assert "Heat" in find_block(post["blocks"], "seed")["text"]["text"]
