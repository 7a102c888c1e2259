"""Where the titles are in a message: spans of its words scored by the title index.

Every run of up to MAX_SPAN words is looked up as an exact key (all at once); the runs holding
words no list knows are also ranked fuzzily (typos); a dynamic programme then picks the spans
that explain the message best. A span earns its likeness to a title, the words it explains
(most for words nothing else explains) and the film's popularity; each title named costs, and
so does a word left unexplained. A span of only ordinary words ("Up", "Her", "Scary Movie")
needs the typing to support it: quotes or *bold*, capitals, a cue ("like Up", "Up was great"),
or being the whole message. A message that is only a title reads as `resolve` reads it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz.distance import OSA

from bot.core.constraints import Found
from bot.core.matching import POPULARITY_WEIGHT, Resolution, SpanMatch, TitleIndex
from bot.core.normalize import normalize, words_key
from bot.core.request import SeedMention
from bot.core.tokens import Token, Tokens
from bot.core.vocabulary import (
    AFTER_CUES,
    ASKING,
    CHATTER,
    COMMON,
    CONJUNCTIONS,
    GREETINGS,
    JOINING_PAIRS,
    LIST_JOINERS,
    MOVIE_CONTEXT,
    NEGATIONS,
    OPENERS,
    OPENING_CUES,
    PARTICLES,
    REFERENTS,
    REQUEST,
    SEED_CUES,
    SENTENCE_CUES,
    SOFT,
    STRONG_CUES,
    THANKS,
    TITLE_MARKS,
    TITLE_NOUNS,
    WANTING,
    WISHING,
)

MAX_SPAN = 8  # words in a title span (longer titles are still found as one fuzzy run)
MAX_FUZZY = 4  # fuzzy rankings per message: each is a trigram search (~1-3 ms at full scale)
UNEXPLAINED = 3.0  # what an unknown word costs that no title explains
SPAN_COST = 6.0  # each title named: one long title explains a message better than two short
SUPPORTED = 2.0  # a title of ordinary words that the typing supports (capitals, a cue)
LONG_EXACT = 2.0  # per word beyond the first of an exact title: long exact hits are no chance
LONG_FUZZY = 1.0  # ...half as much for a fuzzy match, all of it for a close one
NEAR_FUZZY = 90.0
CLOSE_FUZZY = 93.0
# a guess this close is a slip, perhaps of an alternate title ("Fronhtière" of Frontiers,
# "Borther 2" of Brother 2): the slips counted against the film's own title would be too many
NEAR_GUESS = 87.0
LONE_FUZZY = 85.0  # the least likeness of one mistyped word in a sentence (more if short)
PRIOR_BASE = 6.0  # popularity prior (about 10k votes) at which a title neither gains nor loses
BARE_FLOOR = 80.0  # likeness a whole message needs to be read as a bare title
KNOWN_WORDS_FLOOR = 95.0  # ...when all its words are ordinary words (no slip to explain)
WHOLE_FLOOR = 95.0  # likeness a whole message needs to outvote the spans read in it
# A message of constraint words only that is exactly a film's title names the film when it is
# this widely seen: popularity prior of about 50,000 votes ("Epic", "Old").
LONE_TITLE_PRIOR = POPULARITY_WEIGHT * math.log10(50_000)
EXACT_BASE = 85.0  # likeness at which a span neither gains nor loses
LIKENESS_SCALE = 5.0
PRIOR_SHARE = 0.3
QUOTED = 4.0
CAPITALS = 1.0
POSSESSIVE = re.compile(r"['’]s(?=\W*$)", re.IGNORECASE)
SENTENCE_YEAR = re.compile(r"^(?:18[89]\d|19\d\d|20[0-3]\d)$")


# Function words that lead to a title rather than open one
LEADING = frozenset(
    {"of", "to", "as", "than", "like", "and", "or", "with", "by", "from", "for", "is", "was"}
)

UNKNOWN, SOFTW, REQUESTW, CONSTRAINTW, NUMBER, COMMONW = range(6)  # what each word is


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    match: SpanMatch
    value: float
    possessive: bool = False  # found without its last word's "'s" ("inception's sequel")


# --- titles -----------------------------------------------------------------------------------
def word_classes(words: Sequence[Token], found: Sequence[Found]) -> list[int]:
    classes = []
    for token in words:
        parts = token.parts
        if all(p.isdigit() for p in parts):
            classes.append(NUMBER)
        elif all(p in SOFT for p in parts):
            classes.append(SOFTW)
        elif all(p in SOFT or p in REQUEST or p in GREETINGS or p in THANKS or p in NEGATIONS
                 for p in parts):  # fmt: skip
            classes.append(REQUESTW)
        elif all(p in SOFT or p in REQUEST or p in COMMON for p in parts):
            classes.append(COMMONW)
        else:
            classes.append(UNKNOWN)
    for f in found:
        for i in range(*f.span):
            classes[i] = CONSTRAINTW
    return classes


def title_spans(tokens: Tokens, classes: list[int], index: TitleIndex) -> list[Span]:
    words = tokens.words
    n = len(words)
    if n == 0:
        return []
    breaks = [w.ends_sentence for w in words]
    spans: list[tuple[int, int]] = []
    for a in range(n):
        for b in range(a + 1, min(n, a + MAX_SPAN) + 1):
            spans.append((a, b))
            if breaks[b - 1]:
                break
    keys = [_key(words, a, b) for a, b in spans]
    # "inception's sequel", "up's director": a title followed by 's is looked up without it
    owned = [(a, b) for a, b in spans if POSSESSIVE.search(words[b - 1].text)]
    scored = index.score_spans([*keys, *(_key(words, a, b)[:-1] for a, b in owned)])
    exact, bare = scored[: len(keys)], dict(zip(owned, scored[len(keys) :], strict=True))
    exact = [hit or bare.get(span) for span, hit in zip(spans, exact, strict=True)]
    hits = {span for span, hit in zip(spans, exact, strict=True) if hit is not None}
    fuzzy_spans = _fuzzy_candidates(tokens, classes, breaks, hits)
    fuzzy_keys = [_key(words, a, b) for a, b in fuzzy_spans]
    fuzzy = index.score_spans(fuzzy_keys, [True] * len(fuzzy_keys)) if fuzzy_keys else []
    candidates: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for (a, b), hit in [*zip(spans, exact, strict=True), *zip(fuzzy_spans, fuzzy, strict=True)]:
        if hit is None or (a, b) in seen:
            continue
        seen.add((a, b))
        value = _value(tokens, classes, a, b, hit)
        if value is not None:
            candidates.append(Span(a, b, hit, value, (a, b) in bare and hit is bare[(a, b)]))
    chosen = _segment(n, classes, candidates)
    chosen = _accepted(chosen, tokens, classes)
    chosen = [s for s in chosen if not _a_kind_or_cue(s, tokens, classes, len(chosen))]
    return _beside_a_title(chosen, tokens, classes)


def _key(words: Sequence[Token], a: int, b: int) -> str:
    parts = [p for w in words[a:b] for p in w.parts]
    if _inverted(words, a, b):
        parts = parts[: -len(words[b - 1].parts)]
    return words_key(parts)


def _inverted(words: Sequence[Token], a: int, b: int) -> bool:
    """ "Matrix, The": an article after a comma at the end is the title's own."""
    return b - a > 1 and "," in words[b - 2].after and words[b - 1].word in ("the", "a", "an")


def _fuzzy_candidates(
    tokens: Tokens, classes: list[int], breaks: list[bool], exact: set[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Where a mistyped title may be: each run of title-like words (bounded by request,
    constraint and cue words, commas, "and", sentence ends; function words trimmed, a leading
    "the" kept) that holds a word no list knows and is not itself an exact title; also the
    unknown words alone when the run is longer. (A short message as a whole is read by
    `bare_title`.)"""
    words = tokens.words
    n = len(words)
    # Constraint words may sit inside a mistyped title ("the queit american").
    title_like = (UNKNOWN, COMMONW, SOFTW, NUMBER, CONSTRAINTW)
    # What the user quoted or set in bold is the first place to look.
    out: list[tuple[int, int]] = [
        span for span in tokens.groups.values() if span not in exact and span[1] - span[0] > 0
    ]
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i in range(n + 1):
        inside = (
            i < n
            and (classes[i] in title_like or _title_request_word(words[i], classes[i]))
            and words[i].word not in SENTENCE_CUES
        )
        if inside and start is None:
            start = i
        if start is not None and (not inside or breaks[i] or "," in words[i].after):
            stop = i + 1 if inside else i
            runs.append((start, stop))
            start = None
    parts: list[tuple[int, int]] = []
    for a, b in runs:
        # "thor and teh heat", "thor crossed with teh heat": each side of a joiner may be a
        # title, or the whole run may be.
        cuts = _joiners(words, a, b)
        edges = [(a, a), *cuts, (b, b)]
        pieces = [(edges[k][1], edges[k + 1][0]) for k in range(len(edges) - 1)]
        parts.extend(p for p in pieces if p != (a, b) and p[1] > p[0])
        parts.append((a, b))
    levels: list[list[tuple[int, int]]] = [[], [], [], []]
    for a, b in parts:
        while b > a + 1 and SENTENCE_YEAR.match(words[b - 1].word):
            b -= 1  # a year after a title is a hint, read when the span is resolved
        trimmed = _trim(words, classes, a, b)
        if trimmed is None or trimmed in exact:
            continue
        # right after "like" or "watched" a title may start with a function word: "like they
        # came togetxer"; tried last ("loved both the nuft job"), as is the message opening
        cued_from = a if a == 0 or words[a - 1].word in SENTENCE_CUES else trimmed[0]
        # a function word or two may open the mistyped title ("About Time", "I Origins"),
        # unless it leads to one ("in the vein of X", "close to X", "my favourite is X")
        opened = trimmed[0]
        while (
            opened > a
            and trimmed[0] - opened < 2
            and classes[opened - 1] == SOFTW
            and words[opened - 1].word not in LEADING
        ):
            opened -= 1
        a, b = trimmed
        unknown = [i for i in range(a, b) if classes[i] == UNKNOWN]
        if not unknown or any(
            x <= unknown[0] and unknown[-1] < y <= b and x >= a for x, y in exact
        ):
            continue  # an exact title inside the run already explains its unknown words
        core_start = unknown[0] - (unknown[0] > a and words[unknown[0] - 1].word == "the")
        core = (core_start, unknown[-1] + 1)
        # the unknown words, then with the words before them up to the run's start (a slip
        # often ends a title: "the dark knigth"), then the whole run
        levels[0].append(core)
        # an exact title right before or after the slip is often the rest of its title
        # ("take me home tonigqt", "the next thrke days")
        before = [x for x, y in exact if y == core[0] and a <= x < y - 1]
        after = [y for x, y in exact if x == core[1] and x + 1 < y <= b]
        levels[1].extend([(min(before), core[1])] if before else [])
        levels[1].extend([(core[0], max(after))] if after else [])
        levels[1].append((a, core[1]))
        levels[2].append((a, b))
        if cued_from < a:  # after a cue the title runs on; opening the message, to the slip
            levels[3].append((cued_from, b if cued_from else core[1]))
        # last, as a slip often starts a title too: "pitjh black", "snw dogs 2002 last night"
        levels[3].extend([(core[0], core[1] + 1)] if core[1] < b and not after else [])
        levels[3].extend([(opened, core[1])] if opened < a == core[0] else [])
    # "elite squad: the enemy within": two exact titles either side of a colon may be one
    # title written a little differently ("Elite Squad 2: The Enemy Within")
    colons = [i for i in range(n - 1) if ":" in words[i].after and not breaks[i]]
    for c in colons:
        left = [x for x, y in exact if y == c + 1]
        right = [y for x, y in exact if x == c + 1]
        if left and right:
            levels[0].append((min(left), max(right)))
    for span in (span for level in levels for span in level):
        if span not in out and span[1] - span[0] <= MAX_SPAN + 4:
            out.append(span)
    return out[:MAX_FUZZY]


def _joiners(words: Sequence[Token], a: int, b: int) -> list[tuple[int, int]]:
    """The joiners between a and b, as word spans: "and", "x", "crossed with", "or maybe"."""
    out: list[tuple[int, int]] = []
    i = a
    while i < b:
        if i + 1 < b and (words[i].word, words[i + 1].word) in JOINING_PAIRS:
            out.append((i, i + 2))
            i += 2
            continue
        if words[i].word in CONJUNCTIONS:
            out.append((i, i + 1))
        i += 1
    return out


def _joined_before(words: Sequence[Token], a: int) -> bool:
    """A joiner ends right before word a ("and Heat", "crossed with Heat")."""
    if a >= 1 and words[a - 1].word in CONJUNCTIONS:
        return True
    return a >= 2 and (words[a - 2].word, words[a - 1].word) in JOINING_PAIRS


def _joined_after(words: Sequence[Token], b: int) -> bool:
    """A joiner starts at word b ("Heat and", "Heat crossed with")."""
    if b < len(words) and words[b].word in CONJUNCTIONS:
        return True
    return b + 1 < len(words) and (words[b].word, words[b + 1].word) in JOINING_PAIRS


def _title_request_word(token: Token, kind: int) -> bool:
    """A word of requests that titles use too ("night", "love", "good"): inside a run."""
    return kind == REQUESTW and not any(p in ASKING for p in token.parts)


def _trim(words: Sequence[Token], classes: list[int], a: int, b: int) -> tuple[int, int] | None:
    """Function and request words off the edges of a run; a leading "the" and a closing
    particle stay ("The Dark Knight", "Black Hawk Down")."""
    while (
        a < b
        and (classes[a] == SOFTW or _asking(words[a], classes[a]))
        and not (words[a].word == "the" and a + 1 < b)
    ):
        a += 1
    while b > a and (classes[b - 1] == SOFTW or _asking(words[b - 1], classes[b - 1])):
        if words[b - 1].word in PARTICLES:
            break
        b -= 1
    return (a, b) if b > a else None


def _asking(token: Token, kind: int) -> bool:
    return kind == REQUESTW and not _title_request_word(token, kind)


def _value(tokens: Tokens, classes: list[int], a: int, b: int, hit: SpanMatch) -> float | None:
    """What a span earns as a title, or None when it may not be one."""
    words = tokens.words
    inside = classes[a:b]
    group = words[a].group
    if group and tokens.groups.get(group) != (a, b) and any(w.group != group for w in words[a:b]):
        return None  # across a quote's edge
    if not group and any(w.group for w in words[a:b]):
        return None
    quoted = bool(group) and tokens.groups.get(group) == (a, b)
    if words[a].word in CONJUNCTIONS and not quoted and (b - a == 1 or _joining(words, a)):
        return None  # "Heat x Ronin", "Heat x the Notebook": the x joins two titles
    if _inverted(words, a, b) and not (
        b == len(words)
        or words[b - 1].ends_sentence
        or "," in words[b - 1].after
        or SENTENCE_YEAR.match(words[b].word)
    ):
        return None  # "shadow dancer, a bit longer": the article opens the next clause
    capitals = _capitalised(words, a, b)
    if UNKNOWN not in inside and not quoted and not _supported(words, classes, a, b, hit, capitals):
        return None
    lone_floor = LONE_FUZZY + (5.0 if len(words[a].word) <= 4 else 0.0)
    if not hit.exact and b - a == 1 and hit.shown < lone_floor and not _whole(words, a, b):
        return None  # one mistyped word in a sentence must come close ("hapn" is no "Hope")
    value = (hit.shown - EXACT_BASE) / LIKENESS_SCALE - SPAN_COST
    value += PRIOR_SHARE * (hit.prior - PRIOR_BASE)
    other = 1.0 if hit.exact else 0.5
    for i in range(a, b):
        c = classes[i]
        if c == UNKNOWN:
            value += UNEXPLAINED
        elif c == CONSTRAINTW:
            value += 0.5 * other
        else:
            # "movies like Heat": a cue after a request word belongs to the request.
            lead = (
                i == a < b - 1
                and words[i].word in SEED_CUES
                and a > 0
                and classes[a - 1] == REQUESTW
            )
            value += -other if lead else other
    if hit.exact or hit.shown >= CLOSE_FUZZY:
        value += LONG_EXACT * (b - a - 1)
    elif hit.shown >= NEAR_FUZZY:
        value += LONG_FUZZY * (b - a - 1)
    if UNKNOWN not in inside:
        value += SUPPORTED
    if quoted:
        value += QUOTED
    if capitals:
        value += CAPITALS
    return value


def _joining(words: Sequence[Token], a: int) -> bool:
    """A lower-case "x" or "vs" after a word: it joins titles ("X" and "Vs" are films)."""
    return a > 0 and not words[a].capital and words[a].word in ("x", "n", "vs", "versus")


def _supported(
    words: Sequence[Token], classes: list[int], a: int, b: int, hit: SpanMatch, capitals: bool
) -> bool:
    """A span of only ordinary words ("Up", "Her", "Gone Girl", "Scary Movie") is a title only
    if the typing says so: capitals, a cue before or after it ("like Up", "Up was great"),
    being the whole message.
    title. Constraint words need capitals or a cue; a lone function word needs capitals."""
    inside = classes[a:b]
    constraint = CONSTRAINTW in inside
    if all(c in (CONSTRAINTW, NUMBER) for c in inside) and not all(c == NUMBER for c in inside):
        # "under 100 minutes" is what it says; "American Heist", in capitals, is a title
        return capitals and b - a > 1
    if _dated(words, b) and not any(_asking(words[i], classes[i]) for i in range(a, b)):
        return True  # "wanted (2008)", "2046 (2004)": a year in brackets follows a title
    lone = b - a == 1 and inside[0] in (SOFTW, REQUESTW, NUMBER)
    if lone and inside[0] == SOFTW and not capitals and not _whole(words, a, b):
        return _short_title(words, classes, a)
    if all(c == SOFTW for c in inside) and not _whole(words, a, b):
        return capitals  # "similar to the": function words are a title only in capitals
    if lone and inside[0] == REQUESTW:
        return capitals and not _whole(words, a, b)  # "lol" alone is no film
    if lone and inside[0] == NUMBER:
        listed = _joined_before(words, a) and (
            b == len(words) or _joined_after(words, b) or "," in words[a].after
        )  # "between The Boss and 300"
        return _whole(words, a, b) or (a > 0 and words[a - 1].word in SEED_CUES) or listed
    if lone and not _whole(words, a, b):
        return capitals
    if b - a == 1 and inside[0] == COMMONW and _listed_word(words, classes, a):
        return True  # "drive plus nightcrawler"
    if capitals:
        return True
    if _whole(words, a, b) and (not constraint or all(c == NUMBER for c in inside)):
        return True
    return _cued(words, a, b)


def _short_title(words: Sequence[Token], classes: list[int], a: int) -> bool:
    """A lone function word in lower case is a title ("up", "nope") when listed with a word no
    list knows ("up, coco, soul", "arrival and her"), at the end of a clause after a cue ("my
    kids want something like up"), or opening the message before a verb ("nope was so weird");
    never a word that points back ("like it", "loved that", "it was great")."""
    word = words[a].word
    if _listed_word(words, classes, a):
        return True
    if words[a].capital and _opening(words, a, a + 1) and words[a + 1].word in AFTER_CUES:
        return True  # "Her but funnier", "Us vibes please": capitalised, even as the first word
    if word in REFERENTS or word in OPENERS:
        return False
    clause_end = a + 1 == len(words) or words[a].ends_sentence or "," in words[a].after
    cue = a > 0 and words[a - 1].word in STRONG_CUES | SEED_CUES | {"recommended"}
    if clause_end and cue and _cued_before(words, a) | (words[a - 1].word == "recommended"):
        return True  # "something like up", "in the spirit of up", "friends recommended up"
    opening = all(w.word in OPENERS for w in words[:a]) and a + 1 < len(words)
    # "nope was so weird", "up 2009 but newer"
    return opening and bool(
        words[a + 1].word in OPENING_CUES or SENTENCE_YEAR.match(words[a + 1].word)
    )


def _listed_word(words: Sequence[Token], classes: list[int], a: int) -> bool:
    """One word at the edge of a list, next to a word no list knows: "up, coco", "x and her"
    ("you and me", "heat with her", "gave up and left" are no lists)."""
    n = len(words)
    edge_before = a == 0 or "," in words[a - 1].after or words[a - 1].word in LIST_JOINERS
    edge_after = a + 1 == n or "," in words[a].after or words[a + 1].word in LIST_JOINERS
    if not (edge_before and edge_after):
        return False
    sides = []
    if a > 0 and ("," in words[a - 1].after or words[a - 1].word in LIST_JOINERS):
        sides.append(a - 1 - (words[a - 1].word in LIST_JOINERS))
    if a + 1 < n and ("," in words[a].after or words[a + 1].word in LIST_JOINERS):
        sides.append(a + 1 + (words[a + 1].word in LIST_JOINERS))
    return any(0 <= i < n and classes[i] == UNKNOWN for i in sides)


def _dated(words: Sequence[Token], b: int) -> bool:
    """A year in brackets right after the span: "Wanted (2008)"."""
    return b < len(words) and words[b].parens and bool(SENTENCE_YEAR.match(words[b].word))


def _capitalised(words: Sequence[Token], a: int, b: int) -> bool:
    """Written as a title: its main words capitalised, not just as a sentence's first word or
    "I", in a message that is not all capitals."""
    main = [w for w in words[a:b] if (w.word not in SOFT or w is words[a]) and w.text[0].isalpha()]
    if not main or not all(w.capital for w in main):
        return False
    if all(w.initial or w.word == "i" or len(w.word) < 2 for w in main):
        return False
    if all(w.text.isupper() and len(w.text) > 1 for w in main) and (
        all(w.text.isupper() for w in words if w.text[0].isalpha() and len(w.text) > 1)
        or any(p in REQUEST or p in OPENERS for w in main for p in w.parts)
    ):
        return False  # shouting ("MOVIES LIKE HEAT") or chat ("LOL"); "we loved HER" is a title
    return any(not w.capital for w in words) or len(words) == b - a


def _cued(words: Sequence[Token], a: int, b: int) -> bool:
    i = a - 1
    if i >= 0 and words[i].word == "the":
        i -= 1
    if i >= 0 and words[i].word in SEED_CUES:
        return True
    if b < len(words) and words[b].word in AFTER_CUES:
        return True
    # In a list ("Heat, Ronin", "gone girl and up") only several words say title.
    listed = (
        _joined_before(words, a)
        or (i >= 0 and (words[i].word in CONJUNCTIONS or "," in words[i].after))
        or _joined_after(words, b)
    )
    if listed and b - a > 1:
        return True
    if _opening(words, a, b):
        return True
    return "!" in words[b - 1].after or ("," in words[b - 1].after and b - a > 1)


def _opening(words: Sequence[Token], a: int, b: int) -> bool:
    """ "X was great", "ok X was great": a title opening the message, then a verb or a cue."""
    opening = all(w.word in OPENERS for w in words[:a])
    # "X was great", "X but funnier", "X vibes please"
    return opening and b < len(words) and words[b].word in OPENING_CUES | AFTER_CUES


def marked(tokens: Tokens, a: int, b: int) -> bool:
    """Clearly written as a title, as a phrase that is also one ("surprise me") must be: quoted
    or in bold, after "like" or "similar to", or after "the movie", or opening the message
    before a verb ("anything else was amazing")."""
    words = tokens.words
    group = words[a].group
    if (group and tokens.groups.get(group) == (a, b)) or _opening(words, a, b):
        return True
    i = a - 1
    if i >= 0 and words[i].word == "the":
        i -= 1
    if i < 0:
        return False
    before = words[i - 1].word if i > 0 else ""
    if words[i].word in TITLE_NOUNS or (words[i].word == "to" and before == "similar"):
        return True
    return words[i].word in TITLE_MARKS and before not in WANTING


def _cued_before(words: Sequence[Token], a: int) -> bool:
    i = a - 1
    if i >= 0 and words[i].word == "the":
        i -= 1
    wish = any(w.word in WISHING for w in words[max(0, i - 2) : max(0, i)])
    if i >= 0 and words[i].word in ("like", "love") and wish:
        return False
    return i >= 0 and words[i].word in SEED_CUES


def _whole(words: Sequence[Token], a: int, b: int) -> bool:
    """The span is the message, bar a year after it; an indefinite article before it means a
    kind of film ("a scary movie"), not a title."""
    rest = [i for i in range(b, len(words)) if not SENTENCE_YEAR.match(words[i].word)]
    return a == 0 and not rest and words[0].word not in ("a", "an", "some", "any")


def _segment(n: int, classes: list[int], candidates: list[Span]) -> list[Span]:
    """The spans that explain the message best (no two overlapping)."""
    ending: dict[int, list[Span]] = {}
    for span in candidates:
        ending.setdefault(span.end, []).append(span)
    best = [0.0] * (n + 1)
    back: list[Span | None] = [None] * (n + 1)
    for i in range(1, n + 1):
        cost = -UNEXPLAINED if classes[i - 1] == UNKNOWN else 0.0
        best[i], back[i] = best[i - 1] + cost, None
        for span in ending.get(i, ()):
            score = best[span.start] + span.value
            if score > best[i]:
                best[i], back[i] = score, span
    chosen: list[Span] = []
    i = n
    while i > 0:
        last = back[i]
        if last is None:
            i -= 1
        else:
            chosen.append(last)
            i = last.start
    return chosen[::-1]


def _accepted(chosen: list[Span], tokens: Tokens, classes: list[int]) -> list[Span]:
    """In a message with nothing about movies in it (no movie word, no constraint), a title
    must be the message, bar function and request words, or be quoted, capitalised, cued
    ("loved edmond", "edmond was great"), in a list, or the exact title of several words no
    list knows: "what time is the standup tomorrow" names no film."""
    words = tokens.words
    if not chosen or _movie_context(words, classes):
        return chosen
    covered = {i for s in chosen for i in range(s.start, s.end)}
    if all(c not in (UNKNOWN, COMMONW) or i in covered for i, c in enumerate(classes)):
        return chosen
    listed = _listed(words, chosen)  # "Heat + Ronin", "heat, ronin": a list says titles
    return [
        s
        for s in chosen
        if s.start in listed
        or _capitalised(words, s.start, s.end)
        or _cued_before(words, s.start)
        or _dated(words, s.end)
        or _opening(words, s.start, s.end)
        or (s.match.exact and _rare_words(classes, s.start, s.end))
        or (words[s.start].group and tokens.groups.get(words[s.start].group) == (s.start, s.end))
    ]  # fmt: skip


def _beside_a_title(chosen: list[Span], tokens: Tokens, classes: list[int]) -> list[Span]:
    """Next to a title, a lone word or a run of ordinary words that the typing does not mark
    is talk, not a second film: "watched Breach, what should I watch next", "one of the best
    films ever made, anything close?", "watched parasite last night". A second title is
    listed, quoted, capitalised, dated or cued ("loved")."""
    if len(chosen) < 2:
        return chosen
    words = tokens.words
    listed = _listed(words, chosen)
    kept = [
        s
        for s in chosen
        if (
            s.end - s.start - (words[s.start].word == "the") > 1
            and UNKNOWN in classes[s.start : s.end]
        )
        or s.start in listed
        or _capitalised(words, s.start, s.end)
        or _dated(words, s.end)
        or _opening(words, s.start, s.end)
        or any(w.group for w in words[s.start : s.end])
        or _strongly_cued(words, s.start)
    ]
    return kept or chosen


def _a_kind_or_cue(span: Span, tokens: Tokens, classes: list[int], spans: int) -> bool:
    """Unmarked words that say what kind of film, or lead to the title: "a thriller", "a bit
    (longer)" beside another title, "close (to Heat)". The constraint under them is read
    instead. Quotes, capitals, a year or "like" make them a title ("like A Thriller")."""
    words = tokens.words
    a, b = span.start, span.end
    inside = classes[a:b]
    if any(w.group for w in words[a:b]) or _capitalised(words, a, b) or _dated(words, b):
        return False
    if b < len(words) and words[b].word == "to" and words[b - 1].word in ("close", "similar"):
        return True  # "movies close to Paul"
    if UNKNOWN in inside or _cued_before(words, a):
        return False
    if CONSTRAINTW in inside and all(c in (SOFTW, CONSTRAINTW) for c in inside):
        return True  # "a thriller", "a thriller please"
    return spans > 1 and b - a == 2 and words[a].word in ("a", "an")  # "a bit", "a while"


def _strongly_cued(words: Sequence[Token], a: int) -> bool:
    """ "loved X", "similar to X", "the movie X": cues that name a film ("watch next" does not)."""
    i = a - 1 - (a > 0 and words[a - 1].word == "the")
    if i < 0:
        return False
    before = words[i - 1].word if i > 0 else ""
    if words[i].word in TITLE_NOUNS or (words[i].word == "to" and before == "similar"):
        return True
    return words[i].word in STRONG_CUES and not (words[i].word == "like" and before in WANTING)


def _rare_words(classes: list[int], a: int, b: int) -> bool:
    """An exact title this unlikely by chance: two words no list knows, or one in a title of
    four words or more ("everything everywhere all at once")."""
    unknown = classes[a:b].count(UNKNOWN)
    return unknown >= 2 or (unknown >= 1 and b - a >= 4)


def _movie_context(words: Sequence[Token], classes: list[int]) -> bool:
    """The message is about movies: it says so, or sets a constraint."""
    return any(
        c == CONSTRAINTW or any(p in MOVIE_CONTEXT for p in w.parts)
        for w, c in zip(words, classes, strict=True)
    )


def is_bare(words: Sequence[Token], classes: list[int], spans: list[Span]) -> bool:
    """The message may be a bare title that the spans do not explain whole: a few words, no
    word about movies, no cue, no constraint, and not a list of titles ("Heat, Ronin")."""
    if not words or len(words) > MAX_SPAN + 2:
        return False
    if CONSTRAINTW in classes and UNKNOWN not in classes and not words[0].word.isdigit():
        return False  # "thriller?", "funnier": constraints, unless a mistyped word says title
    if any(p in CHATTER for w in words for p in w.parts):
        return False  # "hey, the rfench home vibes pls" is a request, not a title
    asking = MOVIE_CONTEXT - TITLE_NOUNS  # "Scary Movie 2" is a title, "seen" is not
    if any(p in asking or p in SENTENCE_CUES for w in words[1:] for p in w.parts):
        return False
    if (
        words[0].word in SEED_CUES
        and len(words) > 1
        and any(s.start > 0 and s.match.exact for s in spans)
    ):  # "like Heat and Ronin", not "Like Crazy"
        return False
    if (
        len(spans) == 1
        and spans[0].match.exact
        and (spans[0].start, spans[0].end) == (0, len(words))
    ):
        return False
    return not (len(spans) > 1 and all(s.match.exact for s in spans) and _listed(words, spans))


def _listed(words: Sequence[Token], spans: Sequence[Span]) -> set[int]:
    """Starts of the spans that stand in a list of titles: next to another span with only a
    comma or a joiner between them, bar a year ("Heat, Ronin", "Heat (1995) + Ronin")."""
    listed: set[int] = set()
    for first, second in pairwise(spans):
        end = first.end
        while end < second.start and SENTENCE_YEAR.match(words[end].word):
            end += 1  # "Heat (1995) and Ronin": the year is the first title's
        between = (end, second.start)
        if (between[0] == between[1] and "," in words[end - 1].after) or (
            between[1] - between[0] in (1, 2) and _joiners(words, *between) == [between]
        ):
            listed.update((first.start, second.start))
    return listed


def bare_title(
    words: Sequence[Token], classes: list[int], whole: Callable[[], Resolution]
) -> SeedMention | None:
    """`whole`: the whole message as `resolve` reads it (read once, shared with
    `whole_title` and `titled_exactly`)."""
    resolution = whole()
    best = resolution.match or next(iter(resolution.alternatives), None)
    if resolution.status not in ("matched", "ambiguous") or best is None or best.score < BARE_FLOOR:
        return None
    if CONSTRAINTW in classes and len(words) > 1 and not CLOSE_FUZZY <= best.score < 100.0:
        return None  # "a scary movie" as typed is a kind of film; "Scary Moive" is a title
    if UNKNOWN not in classes and best.score < KNOWN_WORDS_FLOOR:
        return None  # "lunch?" is a word, not a mistyped "The Lunchbox"
    return SeedMention(" ".join(w.text for w in words), (0, len(words)), resolution)


def whole_title(
    tokens: Tokens,
    classes: list[int],
    seeds: Sequence[SeedMention],
    whole: Callable[[], Resolution],
) -> SeedMention | None:
    """The message is one title that its spans split or missed, as `resolve` reads the whole
    of it: a title holding cue or movie words ("Bend It Like Beckhdam", "Msut Love Dogs",
    "Hey rnold! The Movie"), split at its punctuation ("Spring, Summer, Fall, Winter... and
    Spring") or written as a title over a pick from the last answer ("The Number 23"). The whole
    message must come within a slip of the title (its own words, not a title found inside
    it); one of only ordinary words must be written as a title and be it exactly. Only tried
    when the spans leave a doubt (a word unexplained, several or mistyped titles) and the
    words could be a title's, as reading the whole message is a fuzzy search."""
    words = tokens.words
    n = len(words)
    if not n or n > MAX_SPAN + 2 or tokens.references:
        return None
    titled = n > 1 and _capitalised(words, 0, n)
    if UNKNOWN not in classes and not titled:
        return None
    # "I loved Sunsun, what else?", "funny films like Kaarhal please": unless written as one,
    # a title holds one asking or constraint word at most, and does not start with "like"
    asking = ASKING | AFTER_CUES
    if not titled and (
        sum(
            c == CONSTRAINTW or (w.word not in TITLE_NOUNS and any(p in asking for p in w.parts))
            for w, c in zip(words, classes, strict=True)
        )
        > 1
    ):
        return None
    lead = next((w.word for w in words if w.word not in TITLE_NOUNS), "")
    if lead in ("like", "similar") and not titled:
        return None  # "movies like zombi blood american"
    if CONSTRAINTW in classes and UNKNOWN not in classes:
        return None  # "Scary Movie" is read by the spans; "Funny Movies" is a request
    covered = {i for s in seeds for i in range(*s.span)}
    explained = all(c != UNKNOWN or i in covered for i, c in enumerate(classes))
    if (
        not titled
        and explained
        and len(seeds) == 1
        and seeds[0].match is not None
        and seeds[0].match.score >= 100.0
    ):
        return None  # one exact title explains every unknown word: "movies like heat"
    resolution = whole()
    best = resolution.match
    if resolution.status != "matched" or best is None or best.score < WHOLE_FLOOR:
        return None
    if UNKNOWN not in classes and best.score < 100.0:
        return None  # ordinary words written as a title must be the title exactly
    # the whole message, not a title `resolve` found inside it ("movies like teh heat")
    said, title = normalize(resolution.query), normalize(best.title)
    if OSA.distance(said, title) > max(1, len(title) // 10):
        return None
    return SeedMention(" ".join(w.text for w in words), (0, n), resolution)


def lone_title(
    tokens: Tokens, found: Sequence[Found], index: TitleIndex, whole: Callable[[], Resolution]
) -> SeedMention | None:
    """A message of constraint words only that is exactly the title of a widely seen film
    names that film ("Epic", "Old"): typed alone, a title is what it most likely is, and the
    reply says which film it read. A genre's name stays a kind of film ("war", "horror"), as
    do words around a title's words ("something epic", "old movies"). A year may follow."""
    words = tokens.words
    n = len(words)
    if not n or n > MAX_SPAN or tokens.references:
        return None
    if sum(f.span[1] - f.span[0] for f in found) != n:
        return None
    if any(c.field == "genres" for f in found for c in f.constraints):
        return None
    end = n - 1 if n > 1 and SENTENCE_YEAR.match(words[-1].word) else n  # "Old (2021)"
    hit = index.score_spans([_key(words, 0, end)])[0]
    if hit is None or not hit.exact or hit.prior < LONE_TITLE_PRIOR:
        return None
    resolution = whole()
    match = resolution.match
    if match is None or match.tconst != hit.candidate.tconst:
        return None
    if end < n and (match.year is None or abs(match.year - int(words[-1].word)) > 1):
        return None  # "old 1975": old films of 1975, not Old (2021)
    return SeedMention(" ".join(w.text for w in words), (0, n), resolution)


def titled_exactly(tokens: Tokens, whole: Callable[[], Resolution]) -> bool:
    """Written as a title and exactly one: "The Number 23" is the film, "the number 23" a
    pick from the last answer."""
    words = tokens.words
    if len(words) < 2 or not _capitalised(words, 0, len(words)):
        return False
    resolution = whole()
    return resolution.match is not None and resolution.match.score >= 100.0


def weak_guess(tokens: Tokens, classes: list[int], seed: SeedMention, alone: bool) -> bool:
    """A guess at a mistyped title in a message about nothing movie-like (no movie word, no
    constraint, no cue): "who wants pizza" is no "Fat Pizza", "standup in 5" no "Stand Up"
    (beside another title a guess may stand: "Heat, eternal sunshine"). A message that
    is only the guess is a title if close, a slip or two from it ("Tsuk", "ratatoulie") or
    the title and a word more ("wolf of wall street energy"); not "qwerty uiop" ("Qwerty")."""
    best = seed.match or next(iter(seed.alternatives), None)
    words = tokens.words
    if best is None or best.score >= 100.0 or _movie_context(words, classes):
        return False
    a, b = seed.span
    if b <= a or marked(tokens, a, b) or _cued_before(words, a) or _capitalised(words, a, b):
        return False
    after = [w.word for w in words[b : b + 2]]
    if after[:1] and (after[0] in AFTER_CUES or after == ["more", "like"]):
        return False  # "catwwoman vibes please", "stee jobs!! more like that"
    if a > 0 or any(not SENTENCE_YEAR.match(w.word) for w in words[b:]):
        return alone  # in a list ("fans of superfast!, the help") a guess may stand
    if best.score >= NEAR_GUESS:
        return False  # close, or the start of a long title ("Interstate 60")
    said, title = normalize(seed.text), normalize(best.title)
    if f" {title} " in f" {said} " and len(title) >= 0.7 * len(said):
        return False
    # a slip, two in a long title, perhaps in the title's start ("Yi iY") or its article
    # ("Th eEast")
    slips = min(
        OSA.distance(said, title),
        OSA.distance(said, title[: len(said)]),
        OSA.distance(seed.text.lower(), best.title.lower()),
    )
    return slips > 1 + len(title) // 10
