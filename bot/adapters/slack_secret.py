"""The Slack credentials in AWS: Secrets Manager (MOVIEBOT_SLACK_SECRET), read through Powertools
Parameters and cached. Locally they come from the environment and no secret is named: the entry
points pass what the environment holds, and apply what they get back to their settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def read_credentials(
    secret_name: str | None,
    *,
    bot_token: str | None = None,
    signing_secret: str | None = None,
    force: bool = False,
) -> SlackCredentials:
    """Both credentials, from the secret `secret_name` (cached for SECRET_MAX_AGE_SECONDS unless
    `force`) or, when none is named, the environment's `bot_token` and `signing_secret`. Raises
    MissingCredentials when either is empty or missing."""
    if secret_name:
        where = f"the secret {secret_name}"
        values = _secret_json(secret_name, force=force)
    else:
        where = "the environment"
        values = {BOT_TOKEN_KEY: bot_token, SIGNING_SECRET_KEY: signing_secret}
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


def secret_bot_token(secret_name: str | None, fallback: str | None) -> str | None:
    """The bot token of the secret `secret_name`, if one is named and holds it, else `fallback`
    (the environment's): for a function that only posts."""
    if not secret_name:
        return fallback
    return _secret_json(secret_name).get(BOT_TOKEN_KEY) or fallback


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
