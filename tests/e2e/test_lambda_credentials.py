"""The Slack credentials as a deploy meets them: missing ones get a clean refusal and one clear
log line, rotated ones are picked up by a warm container, and a refused request's body (what
the user wrote, the response_url) never reaches the logs."""

from __future__ import annotations

import logging
from urllib.parse import quote_plus

import pytest

from bot import slack_secret as secrets
from tests.e2e import slack_requests as sr


def _refused_cleanly(lambda_bot, bot_logs, response, *naming: str) -> None:
    assert response["statusCode"] == 503
    assert "not configured" in response["body"]
    lambda_bot.invoker.settle()
    assert lambda_bot.invoker.invocations == [], "no lazy listener may start"
    assert lambda_bot.slack_api.methods() == [], "nothing may reach the Web API"
    errors = [r for r in bot_logs.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    for name in naming:
        assert name in errors[0].getMessage()
    assert not any(r.exc_info for r in bot_logs.records)
    assert "Traceback" not in bot_logs.text()


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"signing_secret": ""}, secrets.SIGNING_SECRET_KEY),
        ({"bot_token": ""}, secrets.BOT_TOKEN_KEY),
    ],
)
def test_an_empty_value_in_the_secret_is_refused_cleanly(
    lambda_bot, slack_secret, bot_logs, values: dict[str, str], missing: str
) -> None:
    # What a deploy with the parameters left empty stored.
    slack_secret.put(**values)
    signing_secret = values.get("signing_secret", sr.SIGNING_SECRET)
    body, ctype = sr.command_body(
        "/movie", "heat", user=sr.USER, response_url=lambda_bot.slack_api.response_url()
    )
    response = lambda_bot.send(body, ctype, secret=signing_secret)
    _refused_cleanly(lambda_bot, bot_logs, response, missing, slack_secret.name)


def test_every_request_is_refused_while_the_secret_is_empty(
    lambda_bot, slack_secret, bot_logs
) -> None:
    slack_secret.put(signing_secret="", bot_token="")
    for _ in range(3):
        body, ctype = sr.event_body(sr.mention("heat"))
        assert lambda_bot.send(body, ctype, secret="")["statusCode"] == 503
    errors = [r.getMessage() for r in bot_logs.records if r.levelno >= logging.ERROR]
    assert len(errors) == 3  # one a request, each naming both
    assert all(secrets.SIGNING_SECRET_KEY in e and secrets.BOT_TOKEN_KEY in e for e in errors)
    assert lambda_bot.slack_api.methods() == []


def test_an_empty_signing_secret_in_the_environment_is_refused_cleanly(
    lambda_bot, bot_logs, monkeypatch
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "")
    body, ctype = sr.event_body(sr.mention("heat"))
    response = lambda_bot.send(body, ctype, secret="")
    _refused_cleanly(lambda_bot, bot_logs, response, secrets.SIGNING_SECRET_KEY, "the environment")


def test_a_secret_that_cannot_be_read_is_refused_cleanly(
    lambda_bot, slack_secret, bot_logs, monkeypatch
) -> None:
    monkeypatch.setenv("MOVIEBOT_SLACK_SECRET", "moviebot/no-such-secret")
    body, ctype = sr.event_body(sr.mention("heat"))
    response = lambda_bot.send(body, ctype)
    _refused_cleanly(lambda_bot, bot_logs, response, "moviebot/no-such-secret")


def test_a_secret_that_is_not_json_is_refused_cleanly(lambda_bot, slack_secret, bot_logs) -> None:
    slack_secret.client.put_secret_value(SecretId=slack_secret.name, SecretString="xoxb-oops")
    body, ctype = sr.event_body(sr.mention("heat"))
    response = lambda_bot.send(body, ctype)
    _refused_cleanly(lambda_bot, bot_logs, response, slack_secret.name, "JSON")
    assert "xoxb-oops" not in bot_logs.text()


def test_a_rotated_signing_secret_and_token_are_picked_up_at_once(lambda_bot, slack_secret) -> None:
    assert lambda_bot.event(sr.mention("heat"))["statusCode"] == 200  # the container is warm
    slack_secret.put(bot_token="xoxb-rotated", signing_secret="rotated-signing-secret")
    # Slack signs with the new secret at once; the cached one is five minutes from expiring.
    response = lambda_bot.event(sr.mention("alien"), secret="rotated-signing-secret")
    assert response["statusCode"] == 200
    posts = lambda_bot.slack_api.headers("chat.postMessage")
    assert len(posts) == 2
    assert posts[-1]["authorization"] == "Bearer xoxb-rotated"
    # and the old secret no longer opens the door
    assert lambda_bot.event(sr.mention("heat"))["statusCode"] == 401


def test_a_rotated_token_is_picked_up_when_the_cached_secret_expires(
    lambda_bot, slack_secret, monkeypatch
) -> None:
    monkeypatch.setattr(secrets, "SECRET_MAX_AGE_SECONDS", 0)  # every read finds it expired
    lambda_bot.event(sr.mention("heat"))
    # Only the token changes: every request is still correctly signed, none is refused.
    slack_secret.put(bot_token="xoxb-rotated")
    assert lambda_bot.event(sr.mention("alien"))["statusCode"] == 200
    tokens = [h["authorization"] for h in lambda_bot.slack_api.headers("chat.postMessage")]
    assert tokens == [f"Bearer {sr.BOT_TOKEN}", "Bearer xoxb-rotated"]


@pytest.mark.parametrize("signing", [{"secret": "not-the-signing-secret"}, {"timestamp": 1}])
def test_a_refused_request_leaves_no_private_text_in_the_logs(
    lambda_bot, bot_logs, monkeypatch, signing: dict[str, object]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")  # the most the bot ever logs
    response_url = lambda_bot.slack_api.response_url()
    body, ctype = sr.command_body(
        "/movie", "zqxprivateword heat", user=sr.USER, response_url=response_url
    )
    assert lambda_bot.send(body, ctype, **signing)["statusCode"] == 401
    logged = bot_logs.text()
    assert "zqxprivateword" not in logged
    assert response_url not in logged
    assert quote_plus(response_url) not in logged  # nor as the form body carries it
    assert "refused a request" in logged, "the refusal itself is logged"
