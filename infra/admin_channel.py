"""Posting to the admin channel (MOVIEBOT_ADMIN_CHANNEL) with the bot's token: from the
environment locally, from Secrets Manager (MOVIEBOT_SLACK_SECRET, cached) in AWS."""

from __future__ import annotations

import logging
from typing import Any

from bot.adapters.slack_secret import secret_bot_token
from bot.config import Settings

log = logging.getLogger(__name__)

Block = dict[str, Any]


def post_to_admins(
    text: str, blocks: list[Block], *, settings: Settings, client: Any | None = None
) -> bool:
    """Post to the admin channel; False (logged) when none is configured or Slack refuses."""
    if not settings.admin_channel:
        log.info("no admin channel configured: not posting %r", text)
        return False
    if client is None:
        from slack_sdk import WebClient

        token = secret_bot_token(settings.slack_secret_name, settings.slack_bot_token)
        if not token:
            log.warning("no Slack bot token configured: not posting %r", text)
            return False
        client = WebClient(token=token, base_url=settings.slack_api_url)
    from slack_sdk.errors import SlackApiError

    try:
        client.chat_postMessage(
            channel=settings.admin_channel, text=text, blocks=blocks, unfurl_links=False
        )
    except SlackApiError as exc:
        log.error("Slack refused the admin message: %s", exc.response.get("error"))
        return False
    return True
