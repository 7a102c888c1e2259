"""Bolt listeners, one module per Slack surface; each has `register(app, services)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.slack.listeners import actions, commands, events, options, views

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.slack.services import Services

SURFACES = (commands, events, actions, views, options)


def register_all(app: App, services: Services) -> None:
    for surface in SURFACES:
        surface.register(app, services)
