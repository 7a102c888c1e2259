"""What Slack sends, as Bolt parses it before handing it to a listener: the request builders of
tests/e2e/slack_requests.py, read back through BoltRequest."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltRequest

from tests.e2e import slack_requests as sr


def _parsed(raw: str, content_type: str) -> dict[str, Any]:
    return dict(BoltRequest(body=raw, headers={"content-type": [content_type]}).body)


def command(
    text: str, *, response_url: str, name: str = "/movie", user: str = sr.USER
) -> dict[str, Any]:
    """A slash command's body (Bolt's `command` and `body` alike)."""
    return _parsed(*sr.command_body(name, text, user=user, response_url=response_url))


def event_callback(event: dict[str, Any]) -> dict[str, Any]:
    """An Events API body; Bolt's `event` is its "event"."""
    return _parsed(*sr.event_body(event))


def interaction(payload: dict[str, Any]) -> dict[str, Any]:
    """A block action, view submission or block suggestion, as Bolt's `body`."""
    return _parsed(*sr.interactive_body(payload))
