"""Requests as Slack signs and shapes them, for the tests and the load benchmark alike: the v0
signature headers and a slash command's form. Standard library only, so that the load tool's own
virtualenv can import it without the bot's dependencies."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


def signature(body: str, secret: str, timestamp: str) -> str:
    """Slack's v0 signature of `body` sent at `timestamp`."""
    # By hand: slack-sdk's signer refuses the empty key a broken deploy has, and the load
    # tool's virtualenv has no slack-sdk.
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return f"v0={digest.hexdigest()}"


def signed_headers(
    body: str,
    content_type: str,
    *,
    secret: str,
    timestamp: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The headers Slack sends with `body`: content type, timestamp (now unless given) and
    signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature(body, secret, ts),
        **(extra or {}),
    }


@dataclass(frozen=True)
class Workspace:
    """Where a slash command comes from."""

    team: str
    channel: str
    app_id: str = "A0MOVIEBOT"


def slash_command_body(
    workspace: Workspace,
    command: str,
    text: str,
    *,
    user: str,
    response_url: str,
    trigger_id: str | None = None,
) -> tuple[str, str]:
    """A slash command's form body and content type, with the fields Slack sends."""
    form = {
        "token": "legacy",
        "team_id": workspace.team,
        "channel_id": workspace.channel,
        "channel_name": "movies",
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": trigger_id or f"trigger-{time.monotonic_ns()}",
        "api_app_id": workspace.app_id,
    }
    return urlencode(form), FORM
