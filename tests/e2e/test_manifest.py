"""The app manifest declares exactly what the app listens to: every event and command in it is
handled (Bolt answers 404 for anything unhandled), and the scopes cover what the bot calls."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.e2e import slack_requests as sr

MANIFEST = Path(__file__).resolve().parents[2] / "infra" / "slack-manifest.yaml"


def _manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_every_declared_event_and_command_is_handled(lambda_bot) -> None:
    manifest = _manifest()
    samples = {
        "app_mention": sr.mention("heat"),
        "message.im": sr.direct_message("heat"),
        "app_home_opened": {
            "type": "app_home_opened",
            "user": sr.USER,
            "channel": "D0ALICE",
            "tab": "home",
        },
    }
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == set(samples)
    for name in events:
        assert lambda_bot.event(samples[name])["statusCode"] == 200, name
    for command in manifest["features"]["slash_commands"]:
        assert lambda_bot.command("help", command=command["command"])["statusCode"] == 200
    assert lambda_bot.command("help", command="/not-ours")["statusCode"] == 404


def test_scopes_cover_the_web_api_calls_and_interactivity_is_on() -> None:
    manifest = _manifest()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "files:write"} <= scopes
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
