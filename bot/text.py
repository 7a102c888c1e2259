"""Making user text (and catalogue titles) safe to echo in Slack.

Slack parses `mrkdwn` text: `<!channel>`, `<@U123>`, `<url|label>` become mentions and links,
`*x*` `_x_` `~x~` and backticks become formatting. Slack has no backslash escape, so:
`& < >` become entities (Slack's documented escape), the formatting characters become look-alike
characters that Slack does not parse, and bare `@here`-style words get a word joiner so no
client turns them into broadcasts. Control and bidi-override characters are dropped (they can
hide or reorder text); emoji, RTL scripts and combining marks pass through.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Slack's own limits, with room to spare.
QUERY_ECHO_LIMIT = 200  # a user's query quoted back to them
TITLE_LIMIT = 150  # header blocks allow 150 characters
BUTTON_TEXT_LIMIT = 75
OPTION_TEXT_LIMIT = 75
SECTION_TEXT_LIMIT = 3000
FALLBACK_TEXT_LIMIT = 3000
INPUT_LIMIT = 500  # what the matcher is given: no title is longer

ELLIPSIS = "…"
Escape = Callable[[str], str]  # escape_mrkdwn or escape_code

# Directional overrides and isolates can make text read differently from what it is.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)
_FORMATTING_LOOKALIKES = str.maketrans(
    {
        "*": "\u2217",  # asterisk operator
        "_": "\u02cd",  # modifier letter low macron
        "~": "\u223c",  # tilde operator
        "`": "\u02cb",  # modifier letter grave accent
    }
)
# Inside a code span or block Slack formats nothing, but a backtick would end the code.
_CODE_LOOKALIKES = str.maketrans({"`": _FORMATTING_LOOKALIKES[ord("`")]})
_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_SPACES = re.compile(r"\s+")


def clean(text: object, limit: int | None = None) -> str:
    """One line of printable text: control characters gone, whitespace collapsed, capped."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    if limit is not None:
        # Cut noise before the per-character work so 40,000 characters stay cheap.
        raw = raw[: limit * 4 + 16]
    raw = raw.translate(_BIDI_CONTROLS)
    kept = []
    for ch in raw:
        category = unicodedata.category(ch)
        if category == "Cc" or category == "Cs":
            # Tabs and newlines separate words; other control characters and lone
            # surrogates (invalid UTF-8 from a client) are dropped.
            kept.append(" " if ch in "\t\n\r\v\f" else "")
        else:
            kept.append(ch)
    line = _SPACES.sub(" ", "".join(kept)).strip()
    return truncate(line, limit) if limit is not None else line


def truncate(text: str, limit: int) -> str:
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Do not leave half of a surrogate-free ZWJ emoji sequence dangling.
    cut = cut.rstrip("\u200d")
    return cut + ELLIPSIS


def _entities(text: str) -> str:
    """Slack's documented escape: mentions and links (`<...>`) cannot be written."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@" + _WORD_JOINER, escaped)


def escape_mrkdwn(text: str) -> str:
    """Escape text that is already clean for a mrkdwn field (no length change except entities)."""
    return _entities(text.translate(_FORMATTING_LOOKALIKES))


def escape_code(text: str) -> str:
    """Escape clean text for inside a code span or block: entities, and backticks as look-alikes;
    the formatting characters stay, so a copied S3 key or traceback is the real one."""
    return _entities(text.translate(_CODE_LOOKALIKES))


def mrkdwn(text: object, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Clean, cap and escape text for a mrkdwn field."""
    return escape_mrkdwn(clean(text, limit))


def code(text: object, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Clean and escape one line for a code span, at most `limit` characters once escaped."""
    return _escaped_within(clean(text, limit), limit, escape_code)


def mrkdwn_lines(text: object, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Several lines (an error, a failure reason) for a mrkdwn field, at most `limit` characters
    once escaped."""
    return _lines(text, limit, escape_mrkdwn)


def code_lines(text: object, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Several lines (an error, a failure reason) for a code block, at most `limit` characters
    once escaped."""
    return _lines(text, limit, escape_code)


def _lines(text: object, limit: int, escape: Escape) -> str:
    """Each line cleaned and escaped, blank ones dropped, the whole capped *after* escaping:
    entities lengthen text (`<` is four characters) and Slack refuses an overlong field."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    lines: list[str] = []
    room = limit
    for line in raw[: limit * 4 + 16].splitlines():
        escaped = escape(clean(line, limit))
        if len(escaped) > room:
            # The last line that fits, cut short (an ellipsis ends it); nothing after it.
            lines.append(_escaped_within(clean(line, limit), room, escape))
            break
        if escaped:
            lines.append(escaped)
            room -= len(escaped) + 1  # and the newline
    return "\n".join(line for line in lines if line)


def _escaped_within(line: str, room: int, escape: Escape) -> str:
    """`escape(line)`, the line cut short enough that the result fits in `room` characters."""
    cap = room
    while cap > 0:
        escaped = escape(truncate(line, cap))
        if len(escaped) <= room:
            return escaped
        # Shrink in proportion (an entity is up to five characters); always by at least one.
        cap = min(cap - 1, cap * room // len(escaped))
    return ""


def plain(text: object, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Clean and cap text for a plain_text field (Slack never parses those); never empty."""
    return clean(text, limit) or " "


def link(url: str, label: object, limit: int = TITLE_LIMIT) -> str:
    """A mrkdwn link whose label is user or catalogue text, escaped."""
    safe_url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe_url}|{mrkdwn(label, limit)}>"


def quote_query(text: object) -> str:
    """A user's query, echoed in mrkdwn: quoted, escaped and capped."""
    return "\u201c" + mrkdwn(text, QUERY_ECHO_LIMIT) + "\u201d"


def for_matcher(text: object) -> str:
    """What the matcher sees: the user's words with the noise removed and a sane length.

    Slack markup (`<@U1>`, links) is left in place: the matcher knows how to strip it.
    """
    return clean(text, INPUT_LIMIT)
