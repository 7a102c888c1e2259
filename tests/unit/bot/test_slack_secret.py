"""The credentials from the environment (no secret named): both or a refusal naming what is
missing. The secret's path runs end to end in tests/e2e/test_lambda_credentials.py."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.slack_secret import MissingCredentials, SlackCredentials, read_credentials


def test_both_set_are_read() -> None:
    settings = Settings(slack_bot_token="xoxb-1", slack_signing_secret="s3cret")
    assert read_credentials(settings) == SlackCredentials("xoxb-1", "s3cret")


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
    settings = Settings(slack_bot_token=token, slack_signing_secret=secret)
    with pytest.raises(MissingCredentials, match=message):
        read_credentials(settings)


def test_applied_to_settings() -> None:
    settings = SlackCredentials("xoxb-2", "other").apply(Settings(slack_bot_token="xoxb-1"))
    assert (settings.slack_bot_token, settings.slack_signing_secret) == ("xoxb-2", "other")
