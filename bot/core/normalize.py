"""One normalisation for catalogue titles and typed queries, so both meet in the same form.

Accents and case fold away, `&` becomes "and", punctuation becomes space, a leading or trailing
article ("Matrix, The", "Les Misérables") is dropped, and sequel numbers are written one way
("Rocky II" = "rocky 2", "Godfather Part Two" = "godfather 2").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from rapidfuzz import process
from rapidfuzz.distance import OSA

# Letters that NFKD does not split into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
# Articles dropped at the start ("The Matrix") or after a final comma ("Matrix, The").
# Leading: only those that are rarely a real first word of an English title.
_LEADING = ("the", "a", "an", "les", "le", "la", "l", "el", "los", "las", "il", "gli", "der", "das")
_TRAILING = (
    *_LEADING,
    "die",
    "den",
    "det",
    "de",
    "het",
    "een",
    "ein",
    "eine",
    "lo",
    "o",
    "os",
    "um",
)
_TRAILING_RE = re.compile(r"^(.+?),\s*(" + "|".join(_TRAILING) + r")'?\s*$", re.IGNORECASE)
# "Matrix, Teh": a typed trailing "the" with a slip of the finger.
_TYPED_THE = re.compile(r"^(.+?),\s*([A-Za-z]{2,4})\s*$")
# "Woods, hze": any short word after a final comma may be an inverted article with a slip.
_TYPED_ARTICLE = re.compile(r"^(.+?),\s*([A-Za-z]{1,4})\s*$")
_APOSTROPHES = re.compile(r"[\u2019\u2018`´']")
_NON_WORD = re.compile(r"[^\w]+|_")

_ROMAN = {
    "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
    "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17,
    "xviii": 18, "xix": 19, "xx": 20,
}  # fmt: skip
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
}  # fmt: skip
_NUMBERS = {**_ROMAN, **_WORDS}
# Number words of five letters or more, by first letter.
_LONG_NUMBER_WORDS = {
    initial: tuple(w for w in _WORDS if len(w) >= 5 and w[0] == initial)
    for initial in {w[0] for w in _WORDS if len(w) >= 5}
}
# "part 2", "vol. 1", "chapter 3": the marker word adds nothing once the number is there.
_PART_WORDS = frozenset({"part", "pt", "chapter", "vol", "volume", "episode", "ep"})


def _is_the(word: str) -> bool:
    word = word.lower()
    return OSA.distance(word, "the") <= (2 if {"t", "h", "e"} <= set(word) else 1)


def fold(text: str) -> str:
    """Lower case without accents: "Amélie" -> "amelie"."""
    text = text.lower()
    if text.isascii():  # most titles: nothing to fold
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalize(title: str) -> str:
    """The matching key of a title or a query."""
    return split_article(title)[0]


def split_article(title: str) -> tuple[str, bool]:
    """The matching key, and whether an article was dropped from it ("The Room" vs "Room"
    share a key; the flag lets the matcher prefer the one written the same way)."""
    tokens, article = _words(title)
    return _join(tokens, _NUMBERS.get), article


def _words(title: str) -> tuple[list[str], bool]:
    """The folded words of a title without its article, and whether one was dropped."""
    text = title.strip()
    article = False
    trailing = _TRAILING_RE.match(text) or _TYPED_THE.match(text)
    if trailing and (trailing.re is _TRAILING_RE or _is_the(trailing.group(2))):
        text = trailing.group(1)
        article = True
    tokens, dropped = drop_article(word_parts(text))
    return tokens, article or dropped


def word_parts(text: str) -> list[str]:
    """The folded words of a piece of text, punctuation gone ("Spider-Man's" -> spider mans)."""
    text = fold(text).replace("&", " and ").replace("+", " and ")
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).split()


def drop_article(tokens: list[str]) -> tuple[list[str], bool]:
    """Folded words without a leading article (or a trailing "the": "Fog the", the comma
    slipped), and whether one was dropped."""
    if len(tokens) > 1 and tokens[0] in _LEADING:
        return tokens[1:], True
    if len(tokens) > 1 and tokens[-1] == "the":
        return tokens[:-1], True
    return tokens, False


def words_key(tokens: list[str]) -> str:
    """The matching key of words already folded and split by `word_parts` (a span of a
    sentence), the same as `normalize` of their text without a trailing inverted article."""
    return _join(drop_article(tokens)[0], _NUMBERS.get)


def _join(tokens: list[str], number_of: Callable[[str], int | None]) -> str:
    """The key: the words, with those `number_of` reads as numbers written in digits."""
    out: list[str] = []
    for i, token in enumerate(tokens):
        number = number_of(token)
        # "one" / "x" / "v" stay words when they open a title ("One Day", "V for Vendetta"
        # folds to "5 for vendetta" on both sides anyway, so only the first word is spared).
        if number is not None and (i > 0 or token in _ROMAN):
            token = str(number)
        if out and out[-1] in _PART_WORDS and token.isdigit():
            out.pop()
        out.append(token)
    return " ".join(out)


def numbers(key: str) -> frozenset[str]:
    """The numbers (as digit strings) in a normalised key."""
    return frozenset(token for token in key.split() if token.isdigit())


def typed_readings(text: str) -> list[tuple[str, bool]]:
    """Other readings (key, article dropped) of what a user typed, for slips that the normal
    form would otherwise hide from fuzzy matching, since it drops or rewrites whole words:
    - a mistyped article, dropped: "Woods, hze" as "woods", "Tme Martian" as "martian";
    - a mistyped number word, read as the number: "Ocean's Tkelve" as "oceans 12";
    - a number word that is a slip of another word, kept: "Gone Baby one" as "gone baby one"
      (not "gone baby 1"), "Not Another Ten Movie" as "not another ten movie".
    For queries only, next to `split_article`'s reading (a catalogue title is written as
    meant). Each is a guess ("Tie Me Up" is also read as "me up"), so the matcher must make
    it cost something. Duplicates and the plain reading itself are left out."""
    key, article = split_article(text)
    found: list[tuple[str, bool]] = []
    trailing = _TYPED_ARTICLE.match(text.strip())
    if trailing and not _TRAILING_RE.match(text.strip()):
        found.append((split_article(trailing.group(1))[0], True))
    tokens, dropped = _words(text)
    if len(tokens) > 1 and not dropped and _is_the(tokens[0]):
        found.append((_join(tokens[1:], _NUMBERS.get), True))
    found.append((_join(tokens, _slipped_number), article))
    found.append((_join(tokens, _ROMAN.get), article))
    out: list[tuple[str, bool]] = []
    for reading in found:
        if reading[0] and reading[0] != key and reading not in out:
            out.append(reading)
    return out


def _slipped_number(token: str) -> int | None:
    """The number a word means, allowing one slip in a long spelled-out number ("tkelve").
    Short ones are a slip away from too many words ("one": "once", "ten": "teen"), and a slip
    seldom hits the first letter ("night" is not a slipped "eight")."""
    number = _NUMBERS.get(token)
    if number is None and len(token) >= 5 and token.isalpha():
        near = process.extractOne(
            token, _LONG_NUMBER_WORDS.get(token[0], ()), scorer=OSA.distance, score_cutoff=1
        )
        number = _WORDS[near[0]] if near else None
    return number
