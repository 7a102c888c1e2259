"""From what a user typed to what to look up: Slack markup, links and "movies like" go away;
an IMDb id or URL is kept as an exact reference; a trailing year is read as a hint."""

from __future__ import annotations

import re
from dataclasses import dataclass

IMDB_ID = re.compile(r"\b(tt\d{7,10})\b", re.IGNORECASE)
# <@U123>, <@U123|name>, <#C123|general>, <!here>: mentions carry no title.
SLACK_REFERENCE = re.compile(r"<[@#!][^>]*>")
# <https://x|label> keeps its label; <https://x> is dropped (an IMDb one was read before).
SLACK_LINK = re.compile(r"<((?:https?|mailto):[^>|]*)(?:\|([^>]*))?>")
URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_LEAD = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so)\b[\s,!]*)?(?:please\s+)?"
    r"(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?"
    r"(?:(?:recommend|suggest|find|show|give|get|tell)\s+(?:me\s+)?)?"
    r"(?:(?:some|any|a|more|other)\s+)?"
    r"(?:(?:good\s+)?(?:movies?|films?|something|anything|stuff|titles?|ones?)\s+)?"
    r"(?:(?:that\s+(?:is|are)\s+|which\s+(?:is|are)\s+)?"
    # a bare leading "like" is a title word ("Like Crazy"), so it needs a word before it
    r"(?:(?:similar|close)\s+to|(?<=\w\s)like|such\s+as|resembling|in\s+the\s+vein\s+of)(?:\s+|$))"
    r"|^(?:i\s+(?:liked|loved|enjoyed)\s+)"
    r"|^(?:what\s+(?:should|can)\s+i\s+watch\s+(?:if|after)\s+i\s+(?:liked|loved|enjoyed)\s+)",
    re.IGNORECASE,
)
_TAIL = re.compile(r"[\s?!.]*(?:\bplease\b)?[\s?!.]*$", re.IGNORECASE)
_QUOTES = re.compile(r"^[\s\"'“”‘’*_`]+|[\s\"'“”‘’*_`]+$")
_YEAR = re.compile(r"^(?P<title>.*?\S)[\s,]*(?:\(\s*(?P<p>\d{4})\s*\)|(?P<bare>\d{4}))\s*$")
_PARENS = re.compile(r"\(([^()]*)\)")
_AKA = re.compile(r"^\s*(?:a\.?k\.?a\.?|also known as)\s*", re.IGNORECASE)
MIN_YEAR, MAX_YEAR = 1880, 2035


@dataclass(frozen=True)
class Query:
    text: str  # the cleaned title text (may still hold parenthesised alternates)
    year: int | None  # a trailing year read as a hint
    tconst: str | None  # an IMDb id found in the text or a link
    bare_year: bool = False  # "dune 1984" (could be the title's own number), not "(1984)"

    def variants(self) -> list[tuple[str, int | None]]:
        """Texts worth matching: the whole, the main part and each parenthesised alternate
        ("Seven Samurai (Shichinin no samurai)"), and the year read as part of the title."""
        alternates = [_AKA.sub("", part).strip() for part in _PARENS.findall(self.text)]
        main = " ".join(_PARENS.sub(" ", self.text).split())
        out: list[tuple[str, int | None]] = [(main, self.year)] if main else []
        # "Frontière(s)": a letter or two in brackets is part of the title, not another name.
        out.extend((part, self.year) for part in alternates if len(part) > 2)
        out.append((self.text, self.year))
        if self.year is not None and self.bare_year:
            # "Wonder Woman 1984", "Blade Runner 2049": the number may be the title's own.
            out.append((f"{self.text} {self.year}", None))
        unique: list[tuple[str, int | None]] = []
        for item in out:
            if item not in unique:
                unique.append(item)
        return unique


def parse_query(raw: str) -> Query:
    text = raw or ""
    tconst_match = IMDB_ID.search(text)
    tconst = tconst_match.group(1).lower() if tconst_match else None
    text = SLACK_REFERENCE.sub(" ", text)
    text = SLACK_LINK.sub(lambda m: f" {m.group(2)} " if m.group(2) else " ", text)
    text = URL.sub(" ", text)
    if tconst:
        text = IMDB_ID.sub(" ", text)
    text = " ".join(text.split())
    previous = None
    while previous != text:  # "please, movies like ..." may stack several lead-ins
        previous = text
        text = _LEAD.sub("", text, count=1).strip()
    text = _QUOTES.sub("", _TAIL.sub("", text))
    year = None
    found = _YEAR.match(text)
    if found:
        value = int(found.group("p") or found.group("bare"))
        if MIN_YEAR <= value <= MAX_YEAR:
            year = value
            text = found.group("title").strip(" ,-")
    text = _QUOTES.sub("", text)
    bare = found is not None and year is not None and found.group("bare") is not None
    return Query(text=text, year=year, tconst=tconst, bare_year=bare)
