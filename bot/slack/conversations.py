"""Which conversation a message or a button press continues, as the key its state is kept
under in the store: a DM is one conversation, a mention's thread another (a mention outside a
thread starts one). An event and a press on the bot's reply in the same place give the same
key, so either can refine what the other answered."""

from __future__ import annotations

from typing import Any


def conversation_key(channel: str, thread_ts: str | None, user: str, *, im: bool) -> str | None:
    if im:
        return f"dm:{channel}:{user}"
    return f"thread:{channel}:{thread_ts}" if channel and thread_ts else None


def of_event(event: dict[str, Any]) -> str | None:
    channel = str(event.get("channel") or "")
    thread = event.get("thread_ts") or event.get("ts")
    return conversation_key(
        channel, thread, str(event.get("user") or ""), im=event.get("channel_type") == "im"
    )


def of_press(channel: str | None, thread_ts: str | None, user: str) -> str | None:
    """A press on a message the bot posted (not an ephemeral one: that has no thread). A block
    action does not say the channel's type; a DM's id starts with D."""
    if not channel:
        return None
    return conversation_key(channel, thread_ts, user, im=channel.startswith("D"))
