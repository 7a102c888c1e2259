"""The credentials from the environment (no secret named): both or a refusal naming what is
missing. The secret's path runs end to end in tests/e2e/test_lambda_credentials.py."""

from __future__ import annotations

import pytest

from bot.adapters.slack_secret import MissingCredentials, SlackCredentials, read_credentials
from bot.config import Settings


def test_both_set_are_read() -> None:
    credentials = read_credentials(None, bot_token="xoxb-1", signing_secret="s3cret")
    assert credentials == SlackCredentials("xoxb-1", "s3cret")


@pytest.mark.parametrize(
    ("token", "secret", "message"),
    [
        ("xoxb-1", None, "SLACK_SIGNING_SECRET is empty or missing in the environment"),
        ("xoxb-1", "  ", "SLACK_SIGNING_SECRET is empty or missing in the environment"),
        (None, "s3cret", "SLACK_BOT_TOKEN is empty or missing in the environment"),
        (None, None, "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are empty or missing"),
    ],
)
def test_a_missing_one_is_named(token: str | None, secret: str | None, message: str) -> None:
    with pytest.raises(MissingCredentials, match=message):
        read_credentials(None, bot_token=token, signing_secret=secret)


def test_applied_to_settings() -> None:
    settings = Settings(slack_bot_token="xoxb-1").with_slack_credentials("xoxb-2", "other")
    assert (settings.slack_bot_token, settings.slack_signing_secret) == ("xoxb-2", "other")
