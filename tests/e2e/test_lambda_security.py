"""Requests Slack did not sign are refused before anything runs; retries and duplicate
deliveries of an event are answered once; the credentials come from Secrets Manager."""

from __future__ import annotations

import time

import pytest

from tests.e2e import slack_requests as sr


def _nothing_processed(lambda_bot) -> None:
    lambda_bot.invoker.settle()
    assert lambda_bot.invoker.invocations == [], "no lazy listener may start"
    assert lambda_bot.slack_api.methods() == [], "nothing may reach the Web API"


def test_forged_signature_is_refused(lambda_bot) -> None:
    body, ctype = sr.event_body(sr.mention("heat"))
    response = lambda_bot.send(body, ctype, secret="not-the-signing-secret")
    assert response["statusCode"] == 401
    _nothing_processed(lambda_bot)


def test_body_changed_after_signing_is_refused(lambda_bot) -> None:
    body, ctype = sr.command_body(
        "/movie", "heat", user=sr.USER, response_url=lambda_bot.slack_api.response_url()
    )
    headers = sr.signed_headers(body, ctype)
    tampered = body.replace("heat", "alien")
    assert lambda_bot.send_raw(tampered, headers)["statusCode"] == 401
    _nothing_processed(lambda_bot)


def test_stale_timestamp_is_refused(lambda_bot) -> None:
    body, ctype = sr.command_body(
        "/movie", "heat", user=sr.USER, response_url=lambda_bot.slack_api.response_url()
    )
    # Correctly signed, but six minutes old: a replay.
    response = lambda_bot.send(body, ctype, timestamp=int(time.time()) - 6 * 60)
    assert response["statusCode"] == 401
    _nothing_processed(lambda_bot)


@pytest.mark.parametrize("missing", ["x-slack-signature", "x-slack-request-timestamp"])
def test_missing_header_is_refused(lambda_bot, missing: str) -> None:
    body, ctype = sr.event_body(sr.mention("heat"))
    headers = sr.signed_headers(body, ctype)
    del headers[missing]
    assert lambda_bot.send_raw(body, headers)["statusCode"] == 401
    _nothing_processed(lambda_bot)


def test_slack_retry_of_an_event_gets_no_second_reply(lambda_bot) -> None:
    event = sr.mention("heat")
    body, ctype = sr.event_body(event, event_id="Ev0RETRY1")
    assert lambda_bot.send(body, ctype, settle=False)["statusCode"] == 200
    # Slack did not see the ack in time and retries the same event, while the first runs.
    retry = lambda_bot.send(
        body, ctype, extra={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    )
    assert retry["statusCode"] == 200
    again = lambda_bot.send(
        body, ctype, extra={"x-slack-retry-num": "2", "x-slack-retry-reason": "http_error"}
    )
    assert again["statusCode"] == 200
    assert len(lambda_bot.slack_api.calls("chat.postMessage")) == 1


def test_duplicate_delivery_without_retry_header_gets_one_reply(lambda_bot) -> None:
    event = sr.mention("alien")
    lambda_bot.event(event, event_id="Ev0DUP")
    lambda_bot.event(event, event_id="Ev0DUP")
    lambda_bot.event(event, event_id="Ev0OTHER")  # a different event is answered
    assert len(lambda_bot.slack_api.calls("chat.postMessage")) == 2


def test_a_retry_of_an_event_never_seen_is_answered(lambda_bot) -> None:
    # The first delivery never reached us (e.g. it failed upstream): the retry must answer.
    body, ctype = sr.event_body(sr.mention("heat"), event_id="Ev0LOST")
    lambda_bot.send(
        body, ctype, extra={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_error"}
    )
    assert len(lambda_bot.slack_api.calls("chat.postMessage")) == 1


def test_credentials_come_from_secrets_manager(lambda_bot, slack_secret) -> None:
    slack_secret.put(bot_token="xoxb-from-secrets", signing_secret="secret-from-secrets")
    body, ctype = sr.event_body(sr.mention("heat"))
    # the environment's secret is not it any more
    assert lambda_bot.send(body, ctype)["statusCode"] == 401
    assert lambda_bot.send(body, ctype, secret="secret-from-secrets")["statusCode"] == 200
    post_headers = lambda_bot.slack_api.headers("chat.postMessage")
    assert post_headers[-1]["authorization"] == "Bearer xoxb-from-secrets"


def test_logs_at_info_carry_neither_tokens_nor_what_users_wrote(lambda_bot, bot_logs) -> None:
    lambda_bot.event(sr.mention("zqxsecretword heat"))
    lambda_bot.command("zqxsecretword alien")
    assert bot_logs.records, "the handler logs something at info"
    logged = bot_logs.text()
    assert "zqxsecretword" not in logged
    assert sr.BOT_TOKEN not in logged and sr.SIGNING_SECRET not in logged
