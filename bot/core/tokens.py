"""A message as words: Slack markup, links, emoji and formatting gone, each word with what the
typing tells about it (inside quotes or *bold*, capitalised, first of a sentence, the
punctuation after it). IMDb ids and links are kept aside as exact references."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.normalize import word_parts
from bot.core.query import IMDB_ID, SLACK_LINK, SLACK_REFERENCE, URL

# Slack markup and links are found as bot.core.query finds them; here a link's label is kept
# quoted (it is what the user pointed at).
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-]+:", re.IGNORECASE)
_SLASH = re.compile(r"\s*/\s*")
# Characters that open or close a marked group: quotes and Slack's formatting marks.
_OPEN = "\"“„«*_~`'‘["
_CLOSE = "\"”»*_~`'’]"
_PAIRS = {"“": "”", "„": "“", "«": "»", "‘": "’", "[": "]"}  # "[REC]" is a title's own
_LEAD_PUNCT = "([{¿¡"
_TRAIL_PUNCT = ")]},.!?;:…"
_SENTENCE_END = frozenset(".?;…")  # not "!": "Goal! The Dream Begins", "Airplane!"
_ABBREVIATIONS = frozenset(
    ("vs", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vol", "pt", "ep", "ft")
)
MAX_WORDS = 80  # longer messages are cut: no request needs more


@dataclass(frozen=True)
class Token:
    text: str  # as typed, quotes and formatting marks gone, inner punctuation kept ("Ocean's")
    parts: tuple[str, ...]  # folded words ("spider-man" -> spider, man); may be empty ("-")
    group: int = 0  # the quoted or formatted group it is in (0: none)
    capital: bool = False  # starts with an upper-case letter
    initial: bool = False  # first word of the message or of a sentence
    after: str = ""  # punctuation right after it ("," "?" ...)
    parens: bool = False  # written in parentheses: "(1995)"

    @property
    def word(self) -> str:
        return " ".join(self.parts)

    @property
    def ends_sentence(self) -> bool:
        if (
            self.after.startswith(".")
            and not self.after.startswith("..")
            and (len(self.text) == 1 or "." in self.text or self.text.lower() in _ABBREVIATIONS)
        ):
            return False  # "vs.", "Mr.", "Cecil B. DeMented"
        return any(ch in _SENTENCE_END for ch in self.after)


@dataclass(frozen=True)
class Tokens:
    words: tuple[Token, ...]
    references: tuple[str, ...]  # IMDb ids, lower case, in order
    groups: dict[int, tuple[int, int]]  # group -> word span [start, end)


def _drop_symbols(text: str) -> str:
    """Emoji and other pictographs become spaces (they can sit between words)."""
    if text.isascii():
        return text
    return "".join(
        " " if unicodedata.category(ch) in ("So", "Sk", "Cs", "Co") else ch for ch in text
    )


def clean_markup(raw: str) -> tuple[str, list[str]]:
    """The text without Slack markup, links and emoji codes; and the IMDb ids it held."""
    text = raw or ""
    references = [m.lower() for m in IMDB_ID.findall(text)]
    text = SLACK_REFERENCE.sub(" ", text)
    text = SLACK_LINK.sub(lambda m: f' "{m.group(2)}" ' if m.group(2) else " ", text)
    text = URL.sub(" ", text)
    text = IMDB_ID.sub(" ", text)
    text = _EMOJI_CODE.sub(" ", text)
    text = _SLASH.sub(", ", text)  # "Heat/Ronin" is a list ("Face/Off" keeps its key)
    return _drop_symbols(text), list(dict.fromkeys(references))


def tokenize(raw: str) -> Tokens:
    text, references = clean_markup(raw)
    words: list[Token] = []
    groups: dict[int, tuple[int, int]] = {}
    open_group = 0  # the group being read
    closer = ""
    next_group = 1
    initial = True
    for chunk in text.split()[: MAX_WORDS * 2]:
        core = chunk
        lead, parens = "", False
        while core and (core[0] in _OPEN or core[0] in _LEAD_PUNCT):
            lead += core[0]
            core = core[1:]
        trail = ""
        while core and (core[-1] in _CLOSE or core[-1] in _TRAIL_PUNCT):
            trail = core[-1] + trail
            core = core[:-1]
        if "(" in lead and ")" in trail:
            parens = True
        opener = next((ch for ch in lead if ch in _OPEN), "")
        if opener and open_group == 0 and (opener != "'" or core):
            open_group, closer = next_group, _PAIRS.get(opener, opener)
            next_group += 1
            groups[open_group] = (len(words), len(words))
        if not core:
            if open_group and closer in trail:
                open_group = 0
            continue
        parts = tuple(word_parts(core))
        if not parts and core not in ("&", "+"):
            initial = initial or any(ch in _SENTENCE_END for ch in trail)
            continue
        if not parts:
            parts = ("and",)
        words.append(
            Token(
                text=core,
                parts=parts,
                group=open_group,
                capital=core[0].isupper(),
                initial=initial,
                after="".join(ch for ch in trail if ch in _TRAIL_PUNCT),
                parens=parens,
            )
        )
        if open_group:
            start, _ = groups[open_group]
            groups[open_group] = (start, len(words))
        initial = any(ch in _SENTENCE_END for ch in trail)
        # A closing mark ends the group; "'" only when the group was opened by one.
        if open_group and any(ch == closer for ch in trail):
            open_group = 0
        if len(words) >= MAX_WORDS:
            break
    if open_group:  # an unclosed quote marks nothing
        groups.pop(open_group, None)
        words = [
            Token(t.text, t.parts, 0, t.capital, t.initial, t.after, t.parens)
            if t.group == open_group
            else t
            for t in words
        ]
    groups = {g: span for g, span in groups.items() if span[1] > span[0]}
    return Tokens(tuple(words), tuple(references), groups)
