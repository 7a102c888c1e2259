"""No event is lost and none is answered twice, when the claim, the answer or the start of the
answer fails: Slack's retries get through exactly when nothing has answered yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import lambda_handler
from bot.service import MovieService
from bot.store.base import StoreError
from bot.store.sqlite import SqliteStore
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import LambdaBot, find_block
from tests.e2e.faults import fail_next


def _retry(n: int, reason: str) -> dict[str, str]:
    return {"x-slack-retry-num": str(n), "x-slack-retry-reason": reason}


def _seed(post: dict[str, Any]) -> str:
    return str(find_block(post["blocks"], "seed")["text"]["text"])


def test_a_failed_claim_and_a_failed_answer_still_give_exactly_one_reply(
    lambda_bot, monkeypatch
) -> None:
    fail_next(monkeypatch, SqliteStore, "claim_event", StoreError("DynamoDB put_item failed"))
    asked = fail_next(monkeypatch, MovieService, "ask", RuntimeError("index read failed"))
    body, ctype = sr.event_body(sr.mention("heat"), event_id="Ev0FLAKY")

    first = lambda_bot.send(body, ctype)
    assert first["statusCode"] >= 500, "a claim that failed asks Slack to retry"
    assert "x-slack-no-retry" not in (first.get("headers") or {})
    assert lambda_bot.invoker.invocations == [], "nothing ran for the unclaimed delivery"

    # Slack retries after the error; the answer fails once on the way; Slack's later retries
    # (its ack having been slow, say) find the event answered.
    lambda_bot.send(body, ctype, extra=_retry(1, "http_error"))
    lambda_bot.send(body, ctype, extra=_retry(2, "http_timeout"))
    lambda_bot.send(body, ctype, extra=_retry(3, "http_timeout"))

    posts = lambda_bot.slack_api.calls("chat.postMessage")
    assert len(posts) == 1, [p.get("text") for p in posts]
    assert "Heat" in _seed(posts[0]), "the one reply is the answer, not an apology"
    assert asked[0] == 2


def test_an_answer_that_keeps_failing_gets_one_apology_and_no_second_reply(
    lambda_bot, monkeypatch
) -> None:
    fail_next(monkeypatch, MovieService, "ask", RuntimeError("index read failed"), times=10)
    body, ctype = sr.event_body(sr.mention("heat"), event_id="Ev0BROKEN")
    lambda_bot.send(body, ctype)
    lambda_bot.send(body, ctype, extra=_retry(1, "http_timeout"))
    posts = lambda_bot.slack_api.calls("chat.postMessage")
    assert len(posts) == 1
    assert "Sorry" in posts[0]["text"]


def test_a_timeout_retry_of_an_event_never_claimed_is_answered(lambda_bot) -> None:
    # The first delivery never got as far as a claim (lost on the way, or refused): a retry,
    # whatever its reason, is all there is.
    body, ctype = sr.event_body(sr.mention("alien"), event_id="Ev0TIMEOUT")
    lambda_bot.send(body, ctype, extra=_retry(1, "http_timeout"))
    posts = lambda_bot.slack_api.calls("chat.postMessage")
    assert len(posts) == 1 and "Alien" in _seed(posts[0])


@dataclass
class LambdaThatFailsOnce(sr.InProcessLambda):
    """Lambda's Invoke API refusing the lazy self-invocation once."""

    failures: int = 1

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("could not reach the Lambda API")
        return super().invoke(**kwargs)


def test_an_answer_that_could_not_be_started_is_left_to_slacks_retry(lambda_env, slack_api) -> None:
    invoker = LambdaThatFailsOnce()
    lambda_handler.use_lambda_client(invoker)
    try:
        bot = LambdaBot(slack_api, invoker)
        body, ctype = sr.event_body(sr.mention("heat"), event_id="Ev0NOSTART")
        assert bot.send(body, ctype)["statusCode"] == 500
        assert bot.send(body, ctype, extra=_retry(1, "http_error"))["statusCode"] == 200
        bot.send(body, ctype, extra=_retry(2, "http_error"))
        posts = slack_api.calls("chat.postMessage")
        assert len(posts) == 1 and "Heat" in _seed(posts[0])
    finally:
        invoker.settle()
        lambda_handler.use_lambda_client(None)
