"""The signer the tests and the load benchmark share: what it signs, Slack's own verifier (the one
the bot checks requests with) accepts, and nothing else."""

from __future__ import annotations

from urllib.parse import parse_qs

from slack_sdk.signature import Clock, SignatureVerifier

from bot.tools.slack_signing import Workspace, signed_headers, slash_command_body

SECRET = "unit-signing-secret"


def _verifies(body: str, headers: dict[str, str], secret: str = SECRET) -> bool:
    return SignatureVerifier(secret).is_valid(
        body, headers["x-slack-request-timestamp"], headers["x-slack-signature"]
    )


def test_signed_headers_verify_with_slacks_verifier() -> None:
    body = "token=legacy&text=heat"
    headers = signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET)
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert _verifies(body, headers)


def test_another_body_or_secret_does_not_verify() -> None:
    headers = signed_headers("text=heat", "application/json", secret=SECRET)
    assert not _verifies("text=heath", headers)
    assert not _verifies("text=heat", headers, secret="another-secret")


def test_the_given_timestamp_is_signed_and_extra_headers_kept() -> None:
    headers = signed_headers(
        "{}", "application/json", secret=SECRET, timestamp=1_700_000_000, extra={"x-a": "1"}
    )
    assert headers["x-slack-request-timestamp"] == "1700000000"
    assert headers["x-a"] == "1"
    # Slack's verifier refuses a timestamp over five minutes old: the signature itself is right.
    assert SignatureVerifier(SECRET, clock=_At(1_700_000_010)).is_valid(
        "{}", "1700000000", headers["x-slack-signature"]
    )


def test_slash_command_body_carries_what_slack_sends() -> None:
    body, content_type = slash_command_body(
        Workspace(team="T1", channel="C1"),
        "/movie",
        "movies like heat & co",
        user="U1",
        response_url="http://127.0.0.1:9/response/1",
        trigger_id="trig",
    )
    form = {key: values[0] for key, values in parse_qs(body).items()}
    assert content_type == "application/x-www-form-urlencoded"
    assert form["command"] == "/movie"
    assert form["text"] == "movies like heat & co"
    assert (form["team_id"], form["channel_id"], form["user_id"]) == ("T1", "C1", "U1")
    assert form["response_url"] == "http://127.0.0.1:9/response/1"
    assert form["trigger_id"] == "trig"


class _At(Clock):
    """slack-sdk's Clock at a fixed time."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now
