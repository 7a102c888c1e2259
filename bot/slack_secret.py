"""The Slack credentials in AWS: Secrets Manager (MOVIEBOT_SLACK_SECRET), read through Powertools
Parameters and cached. Locally they come from the environment and no secret is named."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.config import Settings

SECRET_MAX_AGE_SECONDS = 300  # a rotated secret is picked up within five minutes
# The secret's JSON keys (template.yaml writes the secret with exactly these).
BOT_TOKEN_KEY = "SLACK_BOT_TOKEN"
SIGNING_SECRET_KEY = "SLACK_SIGNING_SECRET"


class MissingCredentials(ValueError):
    """The Slack credentials are empty, missing or unreadable; the message names which and where."""


@dataclass(frozen=True)
class SlackCredentials:
    bot_token: str
    signing_secret: str

    def apply(self, settings: Settings) -> Settings:
        return dataclasses.replace(
            settings, slack_bot_token=self.bot_token, slack_signing_secret=self.signing_secret
        )


def read_credentials(settings: Settings, *, force: bool = False) -> SlackCredentials:
    """Both credentials, from the named secret (cached for SECRET_MAX_AGE_SECONDS unless `force`)
    or else from the environment. Raises MissingCredentials when either is empty or missing."""
    if settings.slack_secret_name:
        where = f"the secret {settings.slack_secret_name}"
        values = _secret_json(settings.slack_secret_name, force=force)
    else:
        where = "the environment"
        values = {
            BOT_TOKEN_KEY: settings.slack_bot_token,
            SIGNING_SECRET_KEY: settings.slack_signing_secret,
        }
    missing = [
        key
        for key in (SIGNING_SECRET_KEY, BOT_TOKEN_KEY)
        if not isinstance(values.get(key), str) or not values[key].strip()
    ]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise MissingCredentials(f"{' and '.join(missing)} {verb} empty or missing in {where}")
    return SlackCredentials(
        bot_token=values[BOT_TOKEN_KEY], signing_secret=values[SIGNING_SECRET_KEY]
    )


def with_slack_secret(settings: Settings) -> Settings:
    """`settings` with the bot token and signing secret from the named secret, if one is named."""
    if not settings.slack_secret_name:
        return settings
    secret = _secret_json(settings.slack_secret_name)
    return dataclasses.replace(
        settings,
        slack_bot_token=secret.get(BOT_TOKEN_KEY) or settings.slack_bot_token,
        slack_signing_secret=secret.get(SIGNING_SECRET_KEY) or settings.slack_signing_secret,
    )


def _secret_json(name: str, *, force: bool = False) -> dict[str, Any]:
    from aws_lambda_powertools.utilities import parameters
    from aws_lambda_powertools.utilities.parameters.exceptions import (
        GetParameterError,
        TransformParameterError,
    )

    shape = f"JSON with {BOT_TOKEN_KEY} and {SIGNING_SECRET_KEY}"
    try:
        secret = parameters.get_secret(
            name, transform="json", force_fetch=force, max_age=SECRET_MAX_AGE_SECONDS
        )
    except TransformParameterError:
        raise MissingCredentials(f"the secret {name} is not {shape}") from None
    except GetParameterError as exc:
        raise MissingCredentials(f"the secret {name} could not be read: {exc}") from None
    if not isinstance(secret, dict):
        raise MissingCredentials(f"the secret {name} is not {shape}")
    return secret
