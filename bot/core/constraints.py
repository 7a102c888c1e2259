"""Constraints in a message, each with the words it came from: era, genres, length, rating and
popularity, language and country. Patterns are read over the message's words (folded, lower
case), most specific first; a word belongs to one constraint at most. Whether a title explains
the words better ("Scary Movie") is decided later, by `bot.core.understand`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.normalize import fold
from bot.core.popularity import LESSER_KNOWN, POPULAR
from bot.core.request import Constraint, Field, Op, Value
from bot.core.tokens import Token
from bot.core.vocabulary import (
    COUNTRIES,
    GENRE_WORDS,
    LANGUAGES,
    NATIONALITIES,
    TITLE_NOUNS,
    TWO_GENRES,
)

MIN_YEAR, MAX_YEAR = 1880, 2035
RECENT_YEARS = 5  # "recent": released in the last five years
CLASSIC_BEFORE = 1980
SHORT_MINUTES = 100
LONG_MINUTES = 150
HIGHLY_RATED = 7.5
GEM_RATING = 7.0
LOW_RATED = 5.0
# Shares of the catalogue's votes, made numbers against the active version (bot.core.popularity).
LESSER_KNOWN_VOTES = LESSER_KNOWN
POPULAR_VOTES = POPULAR

Spec = tuple[Field, Op, Value]


@dataclass(frozen=True)
class Found:
    constraints: tuple[Constraint, ...]
    span: tuple[int, int]  # word positions [start, end)


def _alternation(words: Sequence[str]) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(w.replace(" ", r"[\s\-]*") for w in ordered)


_NEG = (
    r"(?P<neg>\b(?:no|not|without|except|excluding|nothing|never|minus|anything\s+but|but\s+not"
    r"|isnt|isn't|arent|aren't|dont|don't|doesnt|doesn't|none)\b(?:\s+(?:a|an|any|too|more|much"
    r"|really|very|so|the|want|like|of|movies?|films?|stuff|things?|ones?))*\s+|\bnon[\s\-]?)?"
)
_GENRE = _alternation(list(GENRE_WORDS))
_GENRE_LIST = (
    rf"(?P<genres>(?:{_GENRE})(?:(?:\s*,\s*|\s+(?:or|and|n|nor)\s+|\s*[/&+]\s*)(?:{_GENRE}))*)"
)
_GENRE_RE = re.compile(rf"{_NEG}\b{_GENRE_LIST}\b", re.IGNORECASE)
_GENRE_ONE = re.compile(rf"\b(?:{_GENRE})\b")

_YEAR = r"(?P<y>(?:18[89]|19\d|20[0-3])\d)"
_DECADE = re.compile(
    r"(?:\b(?:from|in|of|during|set\s+in)\s+)?(?:\bthe\s+)?(?:\b(?P<part>early|mid|late)[\s\-]*)?"
    r"(?:\b(?P<century>19|20)?(?P<d>\d)0\s?'?s\b|\b(?P<word>twenties|thirties|forties|fifties"
    r"|sixties|seventies|eighties|nineties|noughties)\b)"
)
_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9, "noughties": 0,
}  # fmt: skip
_BETWEEN = re.compile(
    r"\b(?:between|from)\s+(?P<a>(?:19|20)\d\d)\s*(?:and|to|-|until|till|through)\s*"
    r"(?P<b>(?:19|20)\d\d)\b|\b(?P<c>(?:19|20)\d\d)\s*-\s*(?P<d>(?:19|20)\d\d)\b"
)
_YEAR_OPS: list[tuple[re.Pattern[str], Op]] = [
    (
        re.compile(
            rf"\b(?:since|from)\s+{_YEAR}\s*(?:on|onwards?|and\s+(?:later|after|up|newer)"
            rf"|or\s+(?:later|after|newer)|\+)(?!\w)"
        ),
        ">=",
    ),
    (
        re.compile(
            rf"\b{_YEAR}\s*(?:\+|or\s+(?:later|after|newer)|and\s+(?:later|after|up|newer)"
            rf"|onwards?)(?!\w)"
        ),
        ">=",
    ),
    (re.compile(rf"\b{_YEAR}\s+or\s+(?:earlier|before|older)\b"), "<="),
    (re.compile(rf"\b(?:after|post|later\s+than|newer\s+than)[\s\-]*{_YEAR}\b"), ">"),
    (re.compile(rf"\bsince\s+{_YEAR}\b"), ">="),
    (re.compile(rf"\b(?:before|pre|older\s+than|earlier\s+than|prior\s+to)[\s\-]*{_YEAR}\b"), "<"),
    (re.compile(rf"\b(?:until|up\s+to|through|till|by)\s+{_YEAR}\b"), "<="),
    (re.compile(rf"\b(?:(?:released|made|came\s+out)\s+)?(?:from|in|of)\s+{_YEAR}\b"), "=="),
    (re.compile(rf"(?<![\w.])\(?{_YEAR}\)?(?![\w.])"), "=="),
]
_ERA_WORDS: list[tuple[re.Pattern[str], Callable[[int], list[Spec]]]] = [
    (re.compile(r"\b(?:newer|more\s+recent|more\s+modern|less\s+old|recenter|younger)\b"),
     lambda _y: [("year", "after_seed", None)]),
    (re.compile(r"\b(?:older|earlier|less\s+recent|more\s+classic|oldder)\b"),
     lambda _y: [("year", "before_seed", None)]),
    (re.compile(r"\b(?:recent|latest|newest|new\s+releases?|last\s+few\s+years|this\s+year"
                r"|brand\s+new|just\s+came\s+out)\b"),
     lambda y: [("year", ">=", y - RECENT_YEARS)]),
    (re.compile(r"\b(?:classics?|old|oldies|old\s+school|golden\s+age|vintage)\b(?!\s+(?:friend|man|woman|"
                r"lady|guy|boy|girl|enough|days))"),
     lambda _y: [("year", "<", CLASSIC_BEFORE)]),
]  # fmt: skip

_HOURS_WORD = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0}
_DURATION = (
    r"(?:(?P<h>\d+(?:\.\d+)?|an?|one|two|three)\s*(?:hours?|hrs?|h)\b"
    r"(?:\s*(?:and\s+)?(?P<hm>\d{1,2})\s*(?:minutes?|mins?|m)?\b|\s+and\s+a\s+half\b)?"
    r"|(?P<half>(?:an\s+)?hour\s+and\s+a\s+half)\b|(?P<m>\d{2,3})\s*(?:minutes?|mins?|m)\b)"
)
_LESS = (
    r"under|less\s+than|shorter\s+than|below|at\s+most|max(?:imum)?|no\s+more\s+than"
    r"|no\s+longer\s+than|not\s+more\s+than|not\s+longer\s+than|not\s+over|up\s+to|within|<=?"
)
_MORE = r"over|more\s+than|longer\s+than|above|at\s+least|min(?:imum)?|>=?"
_RUNTIME_OPS: list[tuple[re.Pattern[str], Op]] = [
    (re.compile(rf"(?:\b|(?=[<>]))(?:{_LESS})\s*{_DURATION}(?:\s+long)?"), "<="),
    (re.compile(rf"(?:\b|(?=[<>]))(?:{_MORE})\s*{_DURATION}(?:\s+long)?"), ">="),
    (re.compile(rf"\b{_DURATION}\s*(?:or\s+(?:less|shorter|under|fewer)|max|tops|at\s+most)\b"),
     "<="),
    (re.compile(rf"\b{_DURATION}\s*(?:or\s+(?:more|longer|over)|\+|plus)(?!\w)"), ">="),
]  # fmt: skip
_LENGTH_WORDS: list[tuple[re.Pattern[str], Spec]] = [
    (re.compile(r"\b(?:shorter|less\s+long)\b"), ("runtime", "shorter_than_seed", None)),
    (re.compile(r"\blonger\b"), ("runtime", "longer_than_seed", None)),
    (re.compile(r"\b(?:short(?:ish)?|not\s+(?:too\s+|very\s+|that\s+)?long)\b"
                r"(?!\s+(?:of|on|term|circuit|story|stories))|\b(?:something|anything)\s+"
                r"(?:quick|brief)\b|\b(?:quick|brief)(?=\s+(?:movie|film|watch|one)s?\b)"),
     ("runtime", "<=", SHORT_MINUTES)),
    (re.compile(r"\b(?:(?:really|very|a|something)\s+)?(?:long(?:ish)?|lengthy|epic)\b"
                r"(?=\s+(?:movie|film|one|epic|watch|drama)s?\b|\s*$|[?!.,])"),
     ("runtime", ">=", LONG_MINUTES)),
]  # fmt: skip

_RATING_OP = (
    r"(?P<op>at\s+least|above|over|more\s+than|higher\s+than|better\s+than|greater\s+than"
    r"|min(?:imum)?|>=|>|≥)"
)
_SCORE = r"(?P<n>(?:10|\d)(?:\.\d)?)"
_PLUS = r"(?P<plus>\+|\s*or\s+(?:more|higher|better|above|up))?"
_OUT_OF = r"(?:\s*/\s*10|\s+out\s+of\s+10)?"
_RATING_RE = [
    re.compile(
        rf"\b(?:rated|rating|ratings|score|scored|scoring|imdb(?:\s+(?:rating|score))?)\s+"
        rf"(?:of\s+|is\s+)?(?:{_RATING_OP}\s*)?(?:an?\s+)?{_SCORE}{_PLUS}{_OUT_OF}(?![\w.])"
    ),
    re.compile(
        rf"\b{_RATING_OP}\s*(?:an?\s+)?{_SCORE}{_PLUS}{_OUT_OF}\s+(?:on\s+imdb|imdb|rating"
        rf"|rated|stars?)\b"
    ),
    re.compile(
        rf"(?<![\w.]){_SCORE}(?P<plus>\+|\s*/\s*10\+?)(?:\s*(?:on\s+imdb|imdb|rating|rated"
        rf"|stars?|score)\b)?"
    ),
    re.compile(
        rf"(?<![\w.]){_SCORE}\s+or\s+(?:more|higher|better|above)\s+(?:on\s+imdb|imdb"
        rf"|rating|rated|stars?)\b"
    ),
]
_QUALITY: list[tuple[re.Pattern[str], list[Spec]]] = [
    (re.compile(r"\bhidden\s+gems?\b|\bgems?\b"),
     [("rating", ">=", GEM_RATING), ("votes", "<=", LESSER_KNOWN_VOTES)]),
    (re.compile(r"\b(?:highly|high|well|top|best|greatly)[\s\-]+(?:rated|reviewed|regarded)\b"
                r"|\bcritically[\s\-]+acclaimed\b|\bacclaimed\b|\baward[\s\-]+winning\b"
                r"|\bmasterpieces?\b|\b(?:great|good|rave)\s+reviews\b"),
     [("rating", ">=", HIGHLY_RATED)]),
    (re.compile(r"\b(?:badly|low(?:ly)?|poorly|worst)[\s\-]+(?:rated|reviewed)\b"
                r"|\bso\s+bad\s+(?:it'?s|its|they'?re)\s+good\b|\btrashy\b|\bbad\s+reviews\b"),
     [("rating", "<=", LOW_RATED)]),
    (re.compile(r"\b(?:lesser|less|little|not\s+(?:very\s+|so\s+|that\s+)?(?:well)?)[\s\-]+known\b"
                r"|\bobscure\b|\bunderrated\b|\bunder[\s\-]+the[\s\-]+radar\b|\bunder[\s\-]?seen\b"
                r"|\boverlooked\b|\bnot\s+(?:very\s+|so\s+|too\s+|that\s+)?popular\b|\bniche\b"
                r"|\bunknown\b|\bindie\b"),
     [("votes", "<=", LESSER_KNOWN_VOTES)]),
    (re.compile(r"\b(?:very\s+|really\s+|most\s+)?popular\b|\bwell[\s\-]+known\b|\bfamous\b"
                r"|\bmainstream\b|\bblockbusters?\b|\bbig[\s\-]+budget\b|\bcrowd[\s\-]+pleasers?\b"
                r"|\bwidely\s+seen\b|\beveryone\s+(?:has\s+)?seen\b"),
     [("votes", ">=", POPULAR_VOTES)]),
]  # fmt: skip

_LANG = _alternation(list(LANGUAGES))
_NATION = _alternation(list(NATIONALITIES))
_COUNTRY = _alternation(list(COUNTRIES))
_LANGUAGE_RE = [
    re.compile(rf"{_NEG}\b(?:(?:spoken|dubbed)\s+)?in\s+(?P<lang>{_LANG})(?:\s+language)?\b"),
    re.compile(rf"{_NEG}\b(?P<lang>{_LANG})[\s\-]+(?:language|speaking|spoken|dubbed|audio)\b"),
]
_FOREIGN = re.compile(
    r"\b(?:foreign(?:[\s\-]+language)?|subtitled|with\s+subtitles|non[\s\-]?english"
    r"|international|world\s+cinema)\b"
)
_COUNTRY_RE = re.compile(
    rf"{_NEG}\b(?:(?:from|made\s+in|set\s+in|shot\s+in|in)\s+)(?P<country>{_COUNTRY})\b"
)
_NATION_RE = re.compile(rf"{_NEG}\b(?P<nation>{_NATION})\b")
# A language with no country of the same name ("a Hindi film").
_BARE_LANG = _alternation([w for w in LANGUAGES if w not in NATIONALITIES])
_BARE_LANG_RE = re.compile(rf"{_NEG}\b(?P<lang>{_BARE_LANG})\b")


class _Text:
    """The message's words joined (folded, lower case, punctuation after each kept), with where
    each word starts and ends, to turn a regex match back into a word span."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        pieces: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        at = 0
        for token in tokens:
            piece = fold(token.text).replace("\u2019", "'")
            self.starts.append(at)
            self.ends.append(at + len(piece))
            pieces.append(piece + token.after)
            at += len(piece) + len(token.after) + 1
        self.text = " ".join(pieces)
        self.tokens = tokens

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The words a character range covers (None if it starts or ends inside a word)."""
        first = next((i for i, e in enumerate(self.ends) if e > start), None)
        last = next((i for i in range(len(self.starts) - 1, -1, -1) if self.starts[i] < end), None)
        if first is None or last is None or last < first:
            return None
        if self.starts[first] < start or self.ends[last] > end:
            return None
        return first, last + 1

    def words(self, span: tuple[int, int]) -> str:
        return " ".join(t.text for t in self.tokens[span[0] : span[1]])


def _year_ok(value: int) -> bool:
    return MIN_YEAR <= value <= MAX_YEAR


def _decade(m: re.Match[str]) -> list[Spec]:
    if m.group("word"):
        digit = _DECADE_WORDS[m.group("word")]
        century = 2000 if digit == 0 else 1900
    else:
        digit = int(m.group("d"))
        if m.group("century"):
            century = int(m.group("century")) * 100
        else:
            century = 2000 if digit <= 2 else 1900
    start = century + 10 * digit
    low, high = start, start + 9
    part = m.group("part")
    if part == "early":
        high = start + 3
    elif part == "mid":
        low, high = start + 3, start + 6
    elif part == "late":
        low = start + 6
    return [("year", "between", (low, high))]


def _between(m: re.Match[str]) -> list[Spec] | None:
    a, b = (
        (int(m.group("a")), int(m.group("b")))
        if m.group("a")
        else (int(m.group("c")), int(m.group("d")))
    )
    if not (_year_ok(a) and _year_ok(b)) or a > b:
        return None
    return [("year", "between", (a, b))]


def _minutes(m: re.Match[str]) -> int | None:
    if m.group("half"):
        return 90
    if m.group("m"):
        minutes = int(m.group("m"))
    else:
        hours_text = m.group("h")
        hours = _HOURS_WORD.get(hours_text) or float(hours_text)
        minutes = round(hours * 60)
        if m.group("hm"):
            minutes += int(m.group("hm"))
        elif "half" in m.group(0):
            minutes += 30
    return minutes if 20 <= minutes <= 600 else None


def _rating(m: re.Match[str]) -> list[Spec] | None:
    value = float(m.group("n"))
    if not 0 < value <= 10:
        return None
    op_text = m.groupdict().get("op") or ""
    strict = op_text and not op_text.startswith(("at", "min", ">=", "≥"))
    op: Op = ">" if strict else ">="
    return [("rating", op, value)]


def _negated(m: re.Match[str]) -> bool:
    return bool(m.groupdict().get("neg"))


def _genres(m: re.Match[str]) -> list[Spec]:
    words = _GENRE_ONE.findall(m.group("genres"))
    genres: list[str] = []
    singles: list[tuple[str, ...]] = []
    for word in words:
        key = re.sub(r"[\s\-]+", " ", word)
        mapped = GENRE_WORDS[key]
        genres.extend(g for g in mapped if g not in genres)
        if key in TWO_GENRES:
            singles.extend((g,) for g in mapped)
        else:
            singles.append(mapped)
    if _negated(m):
        return [("genres", "not in", tuple(genres))]
    if re.search(r"\b(?:or|nor)\b|/", m.group("genres")) and len(genres) > 1:
        return [("genres", "in", tuple(genres))]
    unique = list(dict.fromkeys(singles))
    return [("genres", "in", g) for g in unique]


def _place(field: Field, codes: tuple[str, ...], negated: bool) -> list[Spec]:
    if len(codes) == 1:
        return [(field, "!=" if negated else "==", codes[0])]
    return [(field, "not in" if negated else "in", codes)]


def _language(m: re.Match[str]) -> list[Spec]:
    code = LANGUAGES[re.sub(r"[\s\-]+", " ", m.group("lang"))]
    return _place("language", (code,), _negated(m))


def _country(m: re.Match[str]) -> list[Spec]:
    return _place("country", COUNTRIES[re.sub(r"[\s\-]+", " ", m.group("country"))], _negated(m))


def _not_the_country(tokens: Sequence[Token], span: tuple[int, int]) -> bool:
    """ "give us something", "Get Out and Us": "us" not in capitals is the pronoun or the film;
    the country is "US", or "us" before a film or genre word ("us movies", "us comedies")."""
    word = tokens[span[1] - 1]
    if word.word != "us" or word.text.isupper():
        return False
    after = tokens[span[1]].word if span[1] < len(tokens) else ""
    return after not in TITLE_NOUNS and after not in GENRE_WORDS


def _nation(m: re.Match[str]) -> list[Spec]:
    return _place("country", NATIONALITIES[re.sub(r"[\s\-]+", " ", m.group("nation"))], _negated(m))


Reader = Callable[[re.Match[str]], list[Spec] | None]


def _fixed(specs: Sequence[Spec]) -> Reader:
    def read(_m: re.Match[str]) -> list[Spec]:
        return list(specs)

    return read


def _year_op(op: Op) -> Reader:
    return lambda m: _year_spec(m, op)


def _runtime_op(op: Op) -> Reader:
    return lambda m: _runtime_spec(m, op)


def _rules(this_year: int) -> list[tuple[re.Pattern[str], Reader]]:
    """Every pattern with its reader, most specific first (a word is taken once)."""
    rules: list[tuple[re.Pattern[str], Reader]] = [(_BETWEEN, _between), (_DECADE, _decade)]
    rules += [(pattern, _year_op(op)) for pattern, op in _YEAR_OPS]
    rules += [(pattern, _runtime_op(op)) for pattern, op in _RUNTIME_OPS]
    rules += [(pattern, _rating) for pattern in _RATING_RE]
    rules += [(pattern, _fixed(specs)) for pattern, specs in _QUALITY]
    rules += [(pattern, _language) for pattern in _LANGUAGE_RE]
    rules.append((_FOREIGN, _fixed([("language", "!=", "en")])))
    rules.append((_COUNTRY_RE, _country))
    rules.append((_GENRE_RE, _genres))
    rules.append((_BARE_LANG_RE, _language))
    rules.append((_NATION_RE, _nation))
    rules += [(pattern, _fixed([spec])) for pattern, spec in _LENGTH_WORDS]
    rules += [(pattern, _fixed(make(this_year))) for pattern, make in _ERA_WORDS]
    return rules


def _year_spec(m: re.Match[str], op: Op) -> list[Spec] | None:
    year = int(m.group("y"))
    return [("year", op, year)] if _year_ok(year) else None


def _runtime_spec(m: re.Match[str], op: Op) -> list[Spec] | None:
    minutes = _minutes(m)
    return [("runtime", op, minutes)] if minutes is not None else None


_RULES_BY_YEAR: dict[int, list[tuple[re.Pattern[str], Reader]]] = {}


def find_constraints(tokens: Sequence[Token], this_year: int) -> list[Found]:
    """Every constraint the words state, in the order they appear."""
    if not tokens:
        return []
    text = _Text(tokens)
    rules = _RULES_BY_YEAR.setdefault(this_year, _rules(this_year))
    taken = [False] * len(tokens)
    found: list[Found] = []
    for pattern, read in rules:
        for m in pattern.finditer(text.text):
            span = text.span(m.start(), m.end())
            if span is None or any(taken[span[0] : span[1]]):
                continue
            if read is _nation and _not_the_country(tokens, span):
                continue
            specs = read(m)
            if not specs:
                continue
            words = text.words(span)
            found.append(Found(tuple(Constraint(f, o, v, words) for f, o, v in specs), span))
            for i in range(*span):
                taken[i] = True
    return sorted(found, key=lambda f: f.span)
