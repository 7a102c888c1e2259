"""From a message to a typed `Request`: small talk, follow-ups, constraints and the movies
named (found by `bot.core.title_spans`, resolved as `TitleIndex.resolve` resolves a title).
No Slack and no store: the same reading serves Slack, `ask` and `chat`."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from bot.core.constraints import find_constraints
from bot.core.intents import follow_up, small_talk, surprise_words, thread_reference
from bot.core.matching import Resolution, TitleIndex
from bot.core.request import Constraint, Intent, Request, SeedMention
from bot.core.title_spans import (
    POSSESSIVE,
    SENTENCE_YEAR,
    UNKNOWN,
    Span,
    bare_title,
    is_bare,
    lone_title,
    marked,
    title_spans,
    titled_exactly,
    weak_guess,
    whole_title,
    word_classes,
)
from bot.core.tokens import Token, Tokens, tokenize


def understand(
    text: str, index: TitleIndex | None, *, this_year: int | None = None, references: bool = True
) -> Request:
    """Read a message. Without an index (no model yet), titles are not looked for. With
    `references` off, nothing points at a last answer ("42" is then the film, not a pick)."""
    raw = text or ""
    tokens = tokenize(raw)
    words = tuple(t.text for t in tokens.words)
    year = this_year or datetime.date.today().year
    found = find_constraints(tokens.words, year)
    small = small_talk(tokens.words)
    if small is not None and not found and not tokens.references:
        return Request(intent=small, text=raw, words=words)
    whole = _whole_reading(raw, index)
    follow = thread_reference(tokens.words) if references else None
    if follow is not None and not (whole is not None and titled_exactly(tokens, whole)):
        # "more", "not that one", "like the second one"
        return Request(intent="follow_up", text=raw, words=words, follow_up=follow)
    classes = word_classes(tokens.words, found)
    spans = title_spans(tokens, classes, index) if index is not None else []
    # "surprise me", "anything": the phrase, not the film of that name, unless marked as one
    # or a longer title around it ("whatever it takes").
    phrase = surprise_words(tokens.words)
    spans = [
        s
        for s in spans
        if not phrase.intersection(range(s.start, s.end))
        or marked(tokens, s.start, s.end)
        or _beyond_phrase(s, phrase, classes)
    ]
    seeds, excluded, hints = _resolve(tokens, spans, index) if index is not None else ([], [], {})
    covered = {i for s in spans for i in range(s.start, s.end)}
    if (
        whole is not None
        and not tokens.references
        and not phrase - covered
        and is_bare(tokens.words, classes, spans)
    ):
        # A message that is only a title reads as `resolve` reads it, as before sentences.
        title = bare_title(tokens.words, classes, whole)
        if title is not None:
            seeds, excluded, hints = [title], [], {}
            covered = set(range(len(words)))
    if whole is not None and covered != set(range(len(words))) and not phrase - covered:
        title = whole_title(tokens, classes, seeds, whole)
        if title is not None:
            seeds, excluded, hints = [title], [], {}
            covered = set(range(len(words)))
    if whole is not None and index is not None and not seeds and not excluded and not spans:
        title = lone_title(tokens, found, index, whole)
        if title is not None:
            seeds, covered = [title], set(range(len(words)))
    seeds = [s for s in seeds if not weak_guess(tokens, classes, s, len(seeds) == 1)]
    covered |= set(hints)
    refs = _references(tokens, index)
    constraints = [
        c for f in found if not covered.intersection(range(*f.span)) for c in f.constraints
    ]
    constraints += [
        Constraint("title", "!=", seed.match.tconst, seed.text)
        for seed in excluded
        if seed.match is not None
    ]
    all_seeds = tuple(_distinct(refs + seeds))
    follow = None if any(s.found for s in all_seeds) else follow_up(tokens.words, constraints)
    intent: Intent = "follow_up" if follow is not None else "recommend"
    if small is not None and not all_seeds and not constraints and follow is None:
        intent = small
    return Request(
        intent=intent,
        text=raw,
        words=words,
        seeds=all_seeds,
        excluded_titles=tuple(excluded),
        constraints=tuple(constraints),
        follow_up=follow,
        surprise=intent == "recommend" and bool(phrase - covered),
    )


def _whole_reading(raw: str, index: TitleIndex | None) -> Callable[[], Resolution] | None:
    """The whole message as `resolve` reads it, read at most once (a fuzzy search)."""
    if index is None:
        return None
    held: list[Resolution] = []

    def read() -> Resolution:
        if not held:
            held.append(index.resolve(raw))
        return held[0]

    return read


def _beyond_phrase(span: Span, phrase: set[int], classes: list[int]) -> bool:
    """An exact title of three words or more with a word beyond the phrase that no list knows:
    "Whatever It Takes" (not "whatever you like" nor "i don't care, pick something")."""
    if not span.match.exact or span.end - span.start < 3:
        return False
    rest = [i for i in range(span.start, span.end) if i not in phrase]
    return any(classes[i] == UNKNOWN for i in rest)


# --- resolving the chosen spans ---------------------------------------------------------------
def _resolve(
    tokens: Tokens, spans: list[Span], index: TitleIndex
) -> tuple[list[SeedMention], list[SeedMention], dict[int, int]]:
    """Each chosen span resolved as `resolve` reads a title (year hint, alternatives), split
    into seeds and excluded titles ("not Heat"); and the year words used as hints."""
    words = tokens.words
    seeds: list[SeedMention] = []
    excluded: list[SeedMention] = []
    hints: dict[int, int] = {}
    for span in spans:
        text = _span_text(words, span.start, span.end)
        text = POSSESSIVE.sub("", text) if span.possessive else text
        year, used = _year_after(words, span.end)
        resolution = index.resolve(f"{text} ({year})" if year else text)
        if resolution.status not in ("matched", "ambiguous"):
            continue
        for i in used:
            hints[i] = year or 0
        mention = SeedMention(text, (span.start, span.end), resolution, year)
        (excluded if _negated(words, span.start) else seeds).append(mention)
    return seeds, excluded, hints


def _span_text(words: Sequence[Token], a: int, b: int) -> str:
    pieces = []
    for i in range(a, b):
        after = words[i].after if i < b - 1 else words[i].after.replace(",", "").replace(";", "")
        pieces.append(("(" if words[i].parens else "") + words[i].text + after.rstrip(".?:"))
    return " ".join(pieces)


def _year_after(words: Sequence[Token], end: int) -> tuple[int | None, list[int]]:
    """A year right after a title ("Heat 1995", "Heat (1995)", "heat from 1995")."""
    i = end
    used = []
    if i < len(words) and words[i].word in ("from", "of", "in") and not words[i - 1].ends_sentence:
        used.append(i)
        i += 1
    if i < len(words) and SENTENCE_YEAR.match(words[i].word):
        return int(words[i].word), [*used, i]
    return None, []


def _negated(words: Sequence[Token], start: int) -> bool:
    """ "not Heat", "but not Heat", "except Heat", "other than Heat", "anything but Heat"."""
    before = [w.word for w in words[max(0, start - 2) : start]]
    if not before:
        return False
    if before[-1] in ("not", "except", "excluding", "without", "besides", "minus", "nor"):
        return True
    return before[-2:] in (["other", "than"], ["apart", "from"], ["anything", "but"])


def _references(tokens: Tokens, index: TitleIndex | None) -> list[SeedMention]:
    """IMDb ids and links: exact references, resolved by id."""
    out = []
    for tconst in tokens.references:
        if index is None:
            continue
        resolution = index.resolve(tconst)
        out.append(SeedMention(tconst, (0, 0), resolution))
    return out


def _distinct(seeds: list[SeedMention]) -> list[SeedMention]:
    """Each movie once ("Heat, I mean heat (1995)")."""
    out: list[SeedMention] = []
    held: set[str] = set()
    for seed in seeds:
        if seed.match is not None and seed.match.tconst in held:
            continue
        if seed.match is not None:
            held.add(seed.match.tconst)
        out.append(seed)
    return out


def first_resolution(request: Request) -> Resolution | None:
    """The resolution a single-seed surface shows: the first movie found, else the first
    mention (a miss with its did-you-mean), else None."""
    for seed in request.seeds:
        if seed.found:
            return seed.resolution
    return request.resolution
