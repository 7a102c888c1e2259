"""Bolt listeners, one module per Slack surface. Each listener is a module-level function with
Bolt's typed arguments that takes the services from its context (bot.slack.context); each
module's `register(app)` only wires them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.slack.listeners import actions, commands, events, night_actions, options, views

if TYPE_CHECKING:
    from slack_bolt import App

SURFACES = (commands, events, actions, night_actions, views, options)


def register_all(app: App) -> None:
    for surface in SURFACES:
        surface.register(app)
