"""The Slack credentials in AWS: Secrets Manager (MOVIEBOT_SLACK_SECRET), read through Powertools
Parameters and cached. Locally they come from the environment and no secret is named."""

from __future__ import annotations

import dataclasses

from bot.config import Settings

SECRET_MAX_AGE_SECONDS = 300  # a rotated secret is picked up within five minutes
# The secret's JSON keys (template.yaml writes the secret with exactly these).
BOT_TOKEN_KEY = "SLACK_BOT_TOKEN"
SIGNING_SECRET_KEY = "SLACK_SIGNING_SECRET"


def with_slack_secret(settings: Settings) -> Settings:
    """`settings` with the bot token and signing secret from the named secret, if one is named."""
    if not settings.slack_secret_name:
        return settings
    from aws_lambda_powertools.utilities import parameters

    secret = parameters.get_secret(
        settings.slack_secret_name, transform="json", max_age=SECRET_MAX_AGE_SECONDS
    )
    if not isinstance(secret, dict):
        raise ValueError(
            f"the Slack secret must be JSON with {BOT_TOKEN_KEY} and {SIGNING_SECRET_KEY}"
        )
    return dataclasses.replace(
        settings,
        slack_bot_token=secret.get(BOT_TOKEN_KEY) or settings.slack_bot_token,
        slack_signing_secret=secret.get(SIGNING_SECRET_KEY) or settings.slack_signing_secret,
    )
