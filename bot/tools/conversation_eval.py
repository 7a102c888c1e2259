"""The conversational part of `python -m bot evaluate`: sentences the way people type them in
Slack, around MovieLens titles the catalogue holds, read by `bot.core.understand`.

Each kind of sentence is measured on two halves that share nothing: dev (shapes, phrasings and
titles tuned on) and held-out (other shapes, phrasings and titles; only reported). Titles are
split by their IMDb id. Reported: sentences resolving to the seed they name, sentences with all
their seeds, constraints understood exactly (field, operator, value), nonsense declined, small
talk and follow-ups read right, titles alone, and the time to understand and resolve.
"""

from __future__ import annotations

import random
import re
import statistics
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.matching import TitleIndex
from bot.core.request import Request
from bot.core.understand import understand
from bot.tools import sentence_shapes as shapes
from bot.tools.evaluate import add_typos, nonsense, offered, without_year

THIS_YEAR = 2025  # fixed, so "recent" means the same in every run
HALVES = ("dev", "held_out")
_PARENS = re.compile(r"\s*\([^()]*\)")
_INVERTED = re.compile(r"^(.*), (The|A|An|Les|Le|La|L'|Il|El|Das|Der|Die)$")


def spoken(title: str) -> str:
    """A MovieLens title as people write it: no year, no alternate names in brackets, the
    article in front ("Matrix, The (1999)" -> "The Matrix")."""
    text = _PARENS.sub("", without_year(title)).strip()
    inverted = _INVERTED.match(text)
    if inverted:
        article = inverted.group(2)
        text = f"{article}{'' if article.endswith(chr(39)) else ' '}{inverted.group(1)}"
    return text


@dataclass
class Tally:
    n: int = 0
    ok: int = 0
    misses: list[list[str]] = field(default_factory=list)

    def add(self, ok: bool, sentence: str, got: str) -> None:
        self.n += 1
        self.ok += ok
        if not ok and len(self.misses) < 12:
            self.misses.append([sentence, got])

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "rate": round(self.ok / max(1, self.n), 4), "misses": self.misses}


@dataclass
class Half:
    name: str
    titles: list[tuple[str, str]]  # (tconst, title as people write it)
    rng: random.Random
    tallies: dict[str, Tally] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())


def _render_title(title: str, rng: random.Random, lower: bool) -> str:
    text = title.lower() if lower or rng.random() < 0.3 else title
    if rng.random() < 0.25:
        text = add_typos(text, 1, rng)
    roll = rng.random()
    if roll < 0.06:
        text = f'"{text}"'
    elif roll < 0.1:
        text = f"*{text}*"
    elif roll < 0.13:
        text = f"“{text}”"
    return text


def _with_year(title: str, year: int | None, rng: random.Random) -> str:
    if year and rng.random() < 0.15:
        return rng.choice((f"{title} ({year})", f"{title} {year}"))
    return title


def _understood(half: Half, index: TitleIndex, sentence: str) -> Request:
    started = time.perf_counter()
    request = understand(sentence, index, this_year=THIS_YEAR)
    half.times.append((time.perf_counter() - started) * 1000.0)
    return request


def _seed_tconsts(request: Request) -> list[str]:
    out = []
    for seed in request.seeds:
        shown = offered(seed.resolution)
        if shown:
            out.append(shown[0].tconst)
    return out


def _got(request: Request) -> str:
    seeds = ", ".join(f"{s.text!r}->{offered(s.resolution)[:1]}" for s in request.seeds)
    cons = ", ".join(f"{c.field} {c.op} {c.value}" for c in request.constraints)
    return f"{request.intent}; seeds [{seeds}]; constraints [{cons}]"


def _specs(request: Request) -> set[tuple[Any, ...]]:
    return {(c.field, c.op, c.value) for c in request.constraints if c.field != "title"}


def _sentence_case(text: str, rng: random.Random) -> str:
    """Many type all in lower case; others start with a capital."""
    if rng.random() < 0.4:
        return text.lower()
    return text[0].upper() + text[1:] if text[:1].islower() and rng.random() < 0.5 else text


def _run_half(
    half: Half,
    index: TitleIndex,
    years: dict[str, int | None],
    genres: set[str],
    per_kind: int,
) -> None:
    dev = half.name == "dev"
    rng = half.rng
    seed_shapes = shapes.DEV_SEED_SHAPES if dev else shapes.HELD_OUT_SEED_SHAPES
    constrained = shapes.DEV_CONSTRAINED_SHAPES if dev else shapes.HELD_OUT_CONSTRAINED_SHAPES
    multi = shapes.DEV_MULTI_SHAPES if dev else shapes.HELD_OUT_MULTI_SHAPES
    only = shapes.DEV_CONSTRAINT_ONLY_SHAPES if dev else shapes.HELD_OUT_CONSTRAINT_ONLY_SHAPES
    phrases = [
        p
        for p in (shapes.DEV_PHRASES if dev else shapes.HELD_OUT_PHRASES)
        # constraints checked against the catalogue's own fields: only genres it has
        if all(
            s[0] != "genres" or set(s[2]) <= genres  # type: ignore[arg-type]
            for s in p(rng, THIS_YEAR).specs
        )
    ]

    def title(i: int | None = None) -> tuple[str, str]:
        tconst, text = half.titles[rng.randrange(len(half.titles))] if i is None else half.titles[i]
        return tconst, text

    def render(tconst: str, text: str, lower: bool) -> str:
        return _with_year(_render_title(text, rng, lower), years.get(tconst), rng)

    for _ in range(per_kind):  # one seed
        tconst, text = title()
        lower = rng.random() < 0.4
        sentence = rng.choice(seed_shapes).format(t=render(tconst, text, lower))
        sentence = sentence.lower() if lower else sentence
        request = _understood(half, index, sentence)
        found = _seed_tconsts(request)
        half.tally("seed").add(bool(found) and found[0] == tconst, sentence, _got(request))
        half.tally("seed_only_one").add(found == [tconst], sentence, _got(request))
    for _ in range(per_kind):  # one seed and a constraint
        tconst, text = title()
        phrase = rng.choice(phrases)(rng, THIS_YEAR)
        lower = rng.random() < 0.4
        sentence = rng.choice(constrained).format(t=render(tconst, text, lower), c=phrase.text)
        sentence = sentence.lower() if lower else sentence
        request = _understood(half, index, sentence)
        found = _seed_tconsts(request)
        seed_ok = bool(found) and found[0] == tconst
        specs_ok = _specs(request) == set(phrase.specs)
        half.tally("seed").add(seed_ok, sentence, _got(request))
        half.tally("constraints").add(specs_ok, sentence, _got(request))
        half.tally("constrained_all").add(seed_ok and specs_ok, sentence, _got(request))
    for _ in range(per_kind // 2):  # several seeds
        chosen = list(dict.fromkeys(title() for _ in range(3)))
        if len(chosen) < 3:
            continue
        lower = rng.random() < 0.4
        texts = [render(t, x, lower) for t, x in chosen]
        shape = rng.choice(multi)
        sentence = shape.format(t=texts[0], t2=texts[1], t3=texts[2])
        sentence = sentence.lower() if lower else sentence
        named = [t for (t, _x), slot in zip(chosen, ("{t}", "{t2}", "{t3}"), strict=True)
                 if slot in shape]  # fmt: skip
        request = _understood(half, index, sentence)
        found = _seed_tconsts(request)
        half.tally("several_seeds").add(found == named, sentence, _got(request))
    for _ in range(per_kind // 2):  # constraints alone
        phrase = rng.choice(phrases)(rng, THIS_YEAR)
        if any(s[1] in ("after_seed", "before_seed", "shorter_than_seed", "longer_than_seed")
               for s in phrase.specs):  # fmt: skip
            continue  # relative to a seed: a follow-up, measured below
        sentence = _sentence_case(rng.choice(only).format(c=phrase.text), rng)
        request = _understood(half, index, sentence)
        ok = not request.seeds and _specs(request) == set(phrase.specs)
        half.tally("constraint_only").add(ok, sentence, _got(request))
    off_topic = shapes.DEV_OFF_TOPIC if dev else shapes.HELD_OUT_OFF_TOPIC
    made_up = shapes.DEV_MADE_UP_SHAPES if dev else shapes.HELD_OUT_MADE_UP_SHAPES
    for i in range(per_kind):  # nonsense: no title, no constraint
        kind = i % 3
        if kind == 0:
            sentence = off_topic[(i // 3) % len(off_topic)]
        elif kind == 1:
            sentence = nonsense(rng)
        else:
            words = nonsense(rng).split() + nonsense(rng).split()
            sentence = rng.choice(made_up).format(x=words[0], x2=words[-1])
        request = _understood(half, index, sentence)
        half.tally("nonsense_declined").add(request.declined, sentence, _got(request))
    talk = shapes.DEV_SMALL_TALK if dev else shapes.HELD_OUT_SMALL_TALK
    for sentence, intent in talk:
        request = _understood(half, index, sentence)
        half.tally("small_talk").add(request.intent == intent, sentence, _got(request))
    follow = shapes.DEV_FOLLOW_UPS if dev else shapes.HELD_OUT_FOLLOW_UPS
    for sentence, action in follow:
        request = _understood(half, index, sentence)
        ok = request.intent == "follow_up" and request.follow_up is not None
        ok = ok and request.follow_up is not None and request.follow_up.action == action
        half.tally("follow_ups").add(ok, sentence, _got(request))
    for tconst, text in half.titles[: per_kind * 2]:  # titles alone, as written and mistyped
        for name, query in (("title_alone", text), ("title_typo", add_typos(text, 1, rng))):
            request = _understood(half, index, query)
            found = _seed_tconsts(request)
            half.tally(name).add(bool(found) and found[0] == tconst, query, _got(request))
            # the same text through `resolve` alone, as the bot read it before sentences
            before = offered(index.resolve(query))
            ok = bool(before) and before[0].tconst == tconst
            half.tally(f"{name}_resolve").add(ok, query, str(before[:1]))


def split_halves(titles: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    halves: dict[str, list[tuple[str, str]]] = {name: [] for name in HALVES}
    for tconst, title in sorted(titles.items()):
        text = spoken(title)
        if not text:
            continue
        name = HALVES[zlib.crc32(tconst.encode()) % 2]
        halves[name].append((tconst, text))
    return halves


def evaluate_conversation(
    index: TitleIndex,
    titles: dict[str, str],
    years: dict[str, int | None],
    genres: set[str],
    *,
    per_kind: int = 300,
    seed: int = 13,
) -> dict[str, Any]:
    """`titles`: tconst -> MovieLens title, for movies the catalogue holds."""
    out: dict[str, Any] = {}
    for name, held in split_halves(titles).items():
        if not held:
            continue
        half = Half(name, held, random.Random(f"{seed}-{name}"))
        _run_half(half, index, years, genres, per_kind)
        times = half.times
        out[name] = {
            "titles": len(held),
            **{kind: tally.as_dict() for kind, tally in half.tallies.items()},
            "time_ms": {
                "n": len(times),
                "p50": round(statistics.median(times), 2) if times else 0.0,
                "p95": round(percentile(times, 0.95), 2) if times else 0.0,
            },
        }
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


ROWS = (
    ("seed", "sentences resolve to the seed they name"),
    ("several_seeds", "several seeds: all found, nothing else"),
    ("constraints", "constraints understood exactly"),
    ("constrained_all", "constrained: right seed and constraints"),
    ("constraint_only", "constraints alone, no seed"),
    ("nonsense_declined", "nonsense declined"),
    ("small_talk", "small talk read as such"),
    ("follow_ups", "follow-ups read as such"),
    ("title_alone", "titles alone"),
    ("title_alone_resolve", "  the same, `resolve` alone (before)"),
    ("title_typo", "titles alone, one typo"),
    ("title_typo_resolve", "  the same, `resolve` alone (before)"),
)


def halves_table(title: str, rows: Sequence[tuple[str, str]], report: dict[str, Any]) -> list[str]:
    """A table of rates, a row per (key, label), a column per half; then the caller's lines."""
    lines = [f"{title:<52}{'dev':>14}{'held-out':>16}"]
    for key, label in rows:
        cells = []
        for name in HALVES:
            row = report.get(name, {}).get(key)
            cells.append(f"{row['rate']:>7.1%} of {row['n']:<4}" if row else f"{'-':>14}")
        lines.append(table_line(label, cells))
    return lines


def table_line(label: str, cells: Sequence[str]) -> str:
    return f"  {label:<48}{cells[0]:>14}{cells[1]:>16}"


def timing_line(label: str, report: dict[str, Any], key: str) -> str:
    times = [report.get(name, {}).get(key, {}) for name in HALVES]
    return table_line(label, [f"{t.get('p50', 0):.1f} / {t.get('p95', 0):.1f}" for t in times])


def format_conversation(report: dict[str, Any]) -> list[str]:
    lines = halves_table("conversation:", ROWS, report)
    lines.append(timing_line("understand + resolve, ms p50 / p95", report, "time_ms"))
    return lines


def conversation_targets(report: dict[str, Any]) -> dict[str, bool]:
    held = report.get("held_out", {})

    def rate(key: str) -> float:
        return float(held.get(key, {}).get("rate", 0.0))

    return {
        "held-out sentences resolve to their seed >= 97%": rate("seed") >= 0.97,
        "held-out nonsense declined >= 95%": rate("nonsense_declined") >= 0.95,
    }
