"""A plain-text rendering of the bot's Block Kit for the terminal (`python -m bot chat` and
`ask`): mrkdwn shown as a terminal would, buttons and overflow options numbered so they can be
pressed by typing the number. A laptop tool: the bot Lambda does not ship it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Press:
    """One pressable thing in a rendered message: a button, or one option of an overflow."""

    label: str
    action_id: str
    block_id: str
    value: str
    kind: str  # "button" | "overflow"
    option_text: str = ""


@dataclass
class Rendered:
    text: str
    presses: list[Press] = field(default_factory=list)


_LINK = re.compile(r"<([^|>]+)\|([^>]*)>")
_BARE_LINK = re.compile(r"<([^|>]+)>")
_LOOKALIKES_BACK = str.maketrans(
    {"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`", "\u2060": ""}
)


def mrkdwn_to_terminal(value: str) -> str:
    """Show mrkdwn as a terminal would: links by their label, entities decoded, no markers."""
    value = _LINK.sub(lambda m: m.group(2), value)
    value = _BARE_LINK.sub(lambda m: m.group(1), value)
    value = re.sub(r"(?<![\w\u2217])\*([^*\n]+)\*", r"\1", value)
    value = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", value)
    value = value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return value.translate(_LOOKALIKES_BACK)


def _text_of(obj: dict[str, Any] | None) -> str:
    if not obj:
        return ""
    raw = str(obj.get("text", ""))
    return mrkdwn_to_terminal(raw) if obj.get("type") == "mrkdwn" else raw


def render_text(blocks: Sequence[dict[str, Any]], fallback: str = "") -> Rendered:
    """Render blocks (as dicts, the way the Web API receives them) for a terminal."""
    lines: list[str] = []
    presses: list[Press] = []

    def add_element(element: dict[str, Any], block_id: str, context: str) -> str:
        if element.get("type") == "button":
            presses.append(
                Press(
                    label=_text_of(element.get("text")),
                    action_id=element.get("action_id", ""),
                    block_id=block_id,
                    value=element.get("value", ""),
                    kind="button",
                )
            )
            return f"[{len(presses)}] {presses[-1].label}"
        if element.get("type") == "overflow":
            shown = []
            for option in element.get("options", []):
                label = _text_of(option.get("text"))
                presses.append(
                    Press(
                        label=f"{label}: {context}" if context else label,
                        action_id=element.get("action_id", ""),
                        block_id=block_id,
                        value=option.get("value", ""),
                        kind="overflow",
                        option_text=label,
                    )
                )
                shown.append(f"[{len(presses)}] {label}")
            return "  ".join(shown)
        return ""

    last_title = ""
    for block in blocks:
        kind = block.get("type")
        block_id = block.get("block_id", "")
        if kind == "header":
            lines.append(_text_of(block.get("text")).upper())
        elif kind == "section":
            text = block.get("text") or {}
            body = _text_of(text)
            # A terminal cannot click a label: each link's address goes on a line of its own.
            links = _LINK.findall(str(text.get("text", ""))) if text.get("type") == "mrkdwn" else []
            last_title = mrkdwn_to_terminal(links[0][1]) if links else body.split("\n", 1)[0]
            accessory = block.get("accessory")
            extra = add_element(accessory, block_id, last_title) if accessory else ""
            lines.append(body + (f"   {extra}" if extra else ""))
            lines.extend(f"  {url}" for url, _label in links)
        elif kind == "context":
            lines.append("  " + " ".join(_text_of(e) for e in block.get("elements", [])))
        elif kind == "actions":
            parts = [add_element(e, block_id, last_title) for e in block.get("elements", [])]
            lines.append("    " + "   ".join(p for p in parts if p))
        elif kind == "divider":
            lines.append("-" * 40)
    if not lines:
        lines.append(mrkdwn_to_terminal(fallback))
    return Rendered(text="\n".join(lines), presses=presses)
