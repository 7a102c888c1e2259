"""The honouring part of `python -m bot evaluate`: whole answers of the movie service (the same
`MovieService.ask` that Slack, `ask` and `chat` call: understanding, resolving, recommending,
the thread's state in the store) to sentences written the way people write in Slack
(`bot.tools.honour_shapes`), checked against the catalogue's own fields.

Measured on a dev half and a held-out half (other shapes, phrasings and titles; only reported):
- constrained: the right seed, at least three picks, every pick meets every constraint the
  sentence set. Language and country constraints are reported apart: the catalogue knows them
  only from its akas (the 2000-2022-us extract has only US ones). A request nothing in the
  catalogue fits is left out and counted.
- several seeds: all seeds understood; picks never a seed, in one of the seeds' clusters, and
  closer to all seeds (the farthest seed) than the first seed's own picks are.
- no seed: at least three picks meeting the constraints, each well known among the movies that
  fit (votes in their top tenth, rating at least their median).
- follow-ups: a turn, then a follow-up in the same thread: picks meet the merged constraints and
  differ from the first turn's where they should ("more", "not that one", "like the second").
- the time of whole answers, p50 / p95.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from bot.core.models import Movie
from bot.core.popularity import VoteLines, against_catalogue, votes_percentiles
from bot.core.request import Constraint
from bot.tools import honour_shapes as shapes
from bot.tools.conversation_eval import (
    HALVES,
    Tally,
    halves_table,
    percentile,
    split_halves,
    table_line,
    timing_line,
)
from bot.tools.evaluate import add_typos
from bot.tools.sentence_shapes import Phrase, Spec
from bot.usecases.honour import against_seed, meets, meets_all
from bot.usecases.movies import Answer, MovieService

MIN_PICKS = 3
TARGET_CONSTRAINED = 0.9


def _constraints(specs: Iterable[Spec], text: str = "") -> tuple[Constraint, ...]:
    return tuple(Constraint(f, op, value, text) for f, op, value in specs)


def _failing(movie: Movie, constraints: Sequence[Constraint]) -> str | None:
    for c in constraints:
        if not meets(movie, c):
            have = {
                "year": movie.year, "runtime": movie.runtime, "rating": movie.rating,
                "votes": movie.votes, "genres": movie.genres, "language": movie.languages,
                "country": movie.countries,
            }.get(c.field)  # fmt: skip
            return f"{movie.title} ({movie.year}): {c.field}={have} not {c.op} {c.value}"
    return None


def _seeds(answer: Answer) -> list[str]:
    return [s.movie.tconst for s in answer.seeds]


def _picks(answer: Answer) -> list[Movie]:
    return [p.movie for p in answer.recommendations]


# Why a request was not honoured, by kind (the evaluation counts misses by these).
WRONG_SEED, FEW_PICKS, PICK_BREAKS = "wrong seed", "fewer than 3 picks", "a pick breaks one"


def _miss(
    answer: Answer, constraints: Sequence[Constraint], seed: str | None, least: int = MIN_PICKS
) -> tuple[str, str] | None:
    """The kind of miss and why, or None when the answer honours the request."""
    if _seeds(answer)[:1] != ([seed] if seed else []):
        return WRONG_SEED, f"seeds {_seeds(answer)}, wanted {seed or 'none'} ({answer.status})"
    picks = _picks(answer)
    if len(picks) < least:
        return FEW_PICKS, f"{len(picks)} picks ({answer.status}, widened={answer.widened})"
    for movie in picks:
        why = _failing(movie, constraints)
        if why:
            return PICK_BREAKS, why
    return None


def _verdict(
    answer: Answer, constraints: Sequence[Constraint], seed: str | None, least: int = MIN_PICKS
) -> str | None:
    """Why the answer does not honour the request, or None when it does."""
    miss = _miss(answer, constraints, seed, least)
    return miss[1] if miss else None


def _distance(a: Movie, b: Movie) -> float:
    return math.dist(a.coords, b.coords) if a.coords and b.coords else math.inf


def _farthest_seed(picks: Sequence[Movie], seeds: Sequence[Movie]) -> float:
    """The mean over picks of the distance to the farthest seed: small when close to all."""
    if not picks:
        return math.inf
    return statistics.fmean(max(_distance(p, s) for s in seeds) for p in picks)


@dataclass
class Run:
    """One half: its titles, its random draws, its tallies and timings."""

    name: str
    service: MovieService
    movies: dict[str, Movie]
    titles: list[tuple[str, str]]
    rng: random.Random
    tallies: dict[str, Tally] = field(default_factory=dict)
    figures: dict[str, list[float]] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # misses by kind
    _fitting: dict[tuple[Constraint, ...], list[Movie]] = field(default_factory=dict)
    _lines: VoteLines | None = None

    def truth(
        self, constraints: Iterable[Constraint], anchor: Movie | None = None
    ) -> tuple[Constraint, ...]:
        """What the picks must meet: relative constraints read against the seed, "popular"
        and "lesser known" against every movie of the catalogue (not the store's top)."""
        if self._lines is None:
            self._lines = VoteLines.from_percentiles(
                votes_percentiles(m.votes for m in self.movies.values())
            )
        absolute = against_seed(list(constraints), anchor) if anchor else list(constraints)
        return tuple(against_catalogue(absolute, self._lines))

    @property
    def dev(self) -> bool:
        return self.name == "dev"

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    def skip(self, name: str) -> None:
        self.skipped[name] = self.skipped.get(name, 0) + 1

    def ask(self, text: str, thread: str | None = None) -> Answer:
        answer = self.service.ask(text, thread=thread)
        self.times.append(answer.elapsed_ms)
        return answer

    def title(self) -> tuple[str, str]:
        tconst, text = self.titles[self.rng.randrange(len(self.titles))]
        if self.rng.random() < 0.4:
            text = text.lower()
        if self.rng.random() < 0.15:
            text = add_typos(text, 1, self.rng)
        return tconst, text

    def phrases(
        self, count: int, absolute: bool = False, avoid: Iterable[str] = ()
    ) -> list[Phrase]:
        """`count` phrasings on different fields (two on one field would contradict)."""
        makers = shapes.DEV_PHRASES if self.dev else shapes.HELD_OUT_PHRASES
        fields = set(avoid)
        out: list[Phrase] = []
        for _ in range(50):
            if len(out) == count:
                break
            phrase = self.rng.choice(makers)(self.rng)
            if {s[0] for s in phrase.specs} & fields:
                continue
            if absolute and any(c.relative for c in _constraints(phrase.specs)):
                continue
            out.append(phrase)
            fields |= {s[0] for s in phrase.specs}
        return out

    def fitting(self, constraints: tuple[Constraint, ...], limit: int | None = None) -> list[Movie]:
        """The catalogue's movies meeting every constraint (kept per constraints)."""
        if constraints in self._fitting:
            return self._fitting[constraints]
        found = (m for m in self.movies.values() if meets_all(m, constraints))
        if limit is not None:
            return list(islice(found, limit))
        kept = self._fitting[constraints] = list(found)
        return kept


def _fill(shape: str, phrases: Sequence[Phrase], **titles: str) -> str:
    words = {"c": phrases[0].text if phrases else "", "c2": phrases[-1].text if phrases else ""}
    return " ".join(shape.format(**titles, **words).split())


def _slots(shape: str) -> int:
    return sum(f"{{{name}}}" in shape for name in ("c", "c2"))


def _place(phrases: Sequence[Phrase]) -> bool:
    return any(s[0] in shapes.PLACE_FIELDS for p in phrases for s in p.specs)


def _constrained(run: Run, count: int) -> None:
    forms = shapes.DEV_CONSTRAINED_SHAPES if run.dev else shapes.HELD_OUT_CONSTRAINED_SHAPES
    for _ in range(count):
        tconst, text = run.title()
        shape = run.rng.choice(forms)
        phrases = run.phrases(_slots(shape))
        truth = run.truth(_constraints(s for p in phrases for s in p.specs), run.movies[tconst])
        if len(run.fitting(truth, MIN_PICKS)) < MIN_PICKS:
            run.skip("constrained_nothing_fits")
            continue
        sentence = _fill(shape, phrases, t=text)
        miss = _miss(run.ask(sentence), truth, tconst)
        name = "constrained_place" if _place(phrases) else "constrained"
        run.tally(name).add(miss is None, sentence, miss[1] if miss else "")
        if miss is not None:
            kinds = run.reasons.setdefault(name, {})
            kinds[miss[0]] = kinds.get(miss[0], 0) + 1


def _several(run: Run, count: int) -> None:
    forms = shapes.DEV_MULTI_SHAPES if run.dev else shapes.HELD_OUT_MULTI_SHAPES
    for _ in range(count):
        shape = run.rng.choice(forms)
        wanted = 3 if "{t3}" in shape else 2
        chosen = [run.title() for _ in range(wanted)]
        named = list(dict.fromkeys(t for t, _x in chosen))
        if len(named) < wanted:  # the same title twice: not several seeds
            continue
        texts = dict(zip(("t", "t2", "t3"), (x for _t, x in chosen), strict=False))
        sentence = _fill(shape, (), **texts)
        answer = run.ask(sentence)
        found = _seeds(answer)
        run.tally("several_understood").add(set(found) == set(named), sentence, str(found))
        if set(found) != set(named):
            continue
        seeds = [run.movies[t] for t in named]
        picks = _picks(answer)
        bad = [p.title for p in picks if p.tconst in named]
        why = (
            f"{len(picks)} picks"
            if len(picks) < MIN_PICKS
            else (f"seed picked: {bad}" if bad else "")
        )
        run.tally("several_picks").add(not why, sentence, why)
        if not picks:
            continue
        own = {s.cluster for s in seeds}
        run.figures.setdefault("several_in_clusters", []).append(
            sum(p.cluster in own for p in picks) / len(picks)
        )
        single = _picks(run.service.similar(named[0]))
        ours, one = _farthest_seed(picks, seeds), _farthest_seed(single, seeds)
        run.tally("several_closer").add(
            ours <= one, sentence, f"farthest seed {ours:.2f} vs the first seed's picks {one:.2f}"
        )


def _no_seed(run: Run, count: int) -> None:
    forms = shapes.DEV_NO_SEED_SHAPES if run.dev else shapes.HELD_OUT_NO_SEED_SHAPES
    for _ in range(count):
        shape = run.rng.choice(forms)
        phrases = run.phrases(_slots(shape), absolute=True)
        truth = run.truth(_constraints(s for p in phrases for s in p.specs))
        if len(run.fitting(truth, MIN_PICKS)) < MIN_PICKS:
            run.skip("no_seed_nothing_fits")
            continue
        sentence = _fill(shape, phrases)
        answer = run.ask(sentence)
        why = _verdict(answer, truth, None)
        name = "no_seed_place" if _place(phrases) else "no_seed"
        run.tally(name).add(why is None, sentence, why or "")
        if why is not None:
            continue
        fit = run.fitting(truth)
        votes = sorted(m.votes for m in fit)
        floor_votes = votes[int(0.9 * (len(votes) - 1))]
        floor_rating = statistics.median(m.rating for m in fit)
        unknown = [
            f"{m.title} ({m.votes} votes, {m.rating})"
            for m in _picks(answer)
            if m.votes < floor_votes or m.rating < floor_rating
        ]
        run.tally("no_seed_well_known").add(
            not unknown, sentence,
            f"{unknown[:2]} below {floor_votes} votes / rating {floor_rating}",
        )  # fmt: skip


def _follow_ups(run: Run, count: int) -> None:
    firsts = shapes.DEV_FIRST_TURNS if run.dev else shapes.HELD_OUT_FIRST_TURNS
    cases = shapes.DEV_FOLLOW_UPS if run.dev else shapes.HELD_OUT_FOLLOW_UPS
    for i in range(count):
        case = cases[i % len(cases)]
        tconst, text = run.title()
        shape = run.rng.choice(firsts)
        avoid = {s[0] for s in case.specs}
        phrases = run.phrases(_slots(shape), absolute=True, avoid=avoid | shapes.PLACE_FIELDS)
        first_truth = run.truth(_constraints(s for p in phrases for s in p.specs))
        thread = f"evaluate-{run.name}-{i}"
        sentence = _fill(shape, phrases, t=text)
        first = run.ask(sentence, thread)
        shown = [m.tconst for m in _picks(first)]
        if _verdict(first, first_truth, tconst) is not None or len(shown) < max(
            MIN_PICKS, case.pick
        ):
            run.skip("follow_up_first_turn_missed")
            continue
        anchor = run.movies[tconst]
        if case.action == "like_pick":
            anchor = run.movies[shown[case.pick - 1]]
        truth = run.truth(first_truth + _constraints(case.specs), anchor)
        if len(run.fitting(truth, MIN_PICKS)) < MIN_PICKS:
            run.skip("follow_up_nothing_fits")
            continue
        answer = run.ask(case.text, thread)
        picks = [m.tconst for m in _picks(answer)]
        seed = anchor.tconst
        why = _verdict(answer, truth, seed, 1 if case.action == "more" else MIN_PICKS)
        if why is None and case.action == "more" and set(picks) & set(shown):
            why = "repeats the first turn's picks"
        if why is None and case.action in ("exclude_pick", "like_pick"):
            gone = shown[case.pick - 1]
            why = f"still shows {run.movies[gone].title}" if gone in picks else None
        run.tally("follow_ups").add(why is None, f"{sentence} / {case.text}", why or "")


def evaluate_honouring(
    service: MovieService,
    movies: dict[str, Movie],
    titles: dict[str, str],
    *,
    per_kind: int = 200,
    seed: int = 17,
) -> dict[str, Any]:
    """`titles`: tconst -> MovieLens title, for movies the catalogue holds; `service` answers
    through a store holding `movies` as the active version."""
    out: dict[str, Any] = {}
    for name, held in split_halves(titles).items():
        if not held:
            continue
        run = Run(name, service, movies, held, random.Random(f"{seed}-{name}"))
        _constrained(run, per_kind)
        _several(run, per_kind // 2)
        _no_seed(run, per_kind // 2)
        _follow_ups(run, per_kind // 2)
        times = run.times
        out[name] = {
            **{kind: tally.as_dict() for kind, tally in run.tallies.items()},
            **{k: round(statistics.fmean(v), 4) for k, v in run.figures.items() if v},
            "left_out": run.skipped,
            "misses_by_reason": run.reasons,
            "elapsed_ms": {
                "n": len(times),
                "p50": round(statistics.median(times), 1) if times else 0.0,
                "p95": round(percentile(times, 0.95), 1) if times else 0.0,
            },
        }
    return out


ROWS = (
    ("constrained", "constrained: right seed, 3+ picks, all fit"),
    ("constrained_place", "  the same, language / country (akas only)"),
    ("several_understood", "several seeds: all understood"),
    ("several_picks", "  3+ picks, never a seed"),
    ("several_closer", "  closer to all seeds than one seed's picks"),
    ("no_seed", "no seed: 3+ picks, all fit"),
    ("no_seed_place", "  the same, language / country (akas only)"),
    ("no_seed_well_known", "  every pick well rated and widely seen"),
    ("follow_ups", "follow-ups: merged constraints, new picks"),
)


def format_honouring(report: dict[str, Any]) -> list[str]:
    lines = halves_table("honouring (whole answers):", ROWS, report)
    share = [report.get(name, {}).get("several_in_clusters") for name in HALVES]
    cells = [f"{s:>7.1%}{'':<7}" if s is not None else f"{'-':>14}" for s in share]
    lines.append(table_line("  picks in one of the seeds clusters", cells))
    lines.append(timing_line("whole answers, ms p50 / p95", report, "elapsed_ms"))
    for name in HALVES:
        reasons = report.get(name, {}).get("misses_by_reason", {}).get("constrained", {})
        told = ", ".join(f"{kind} {n}" for kind, n in sorted(reasons.items()))
        lines.append(f"  constrained misses ({name}): {told or 'none'}")
    return lines


def honouring_targets(report: dict[str, Any]) -> dict[str, bool]:
    rate = float(report.get("held_out", {}).get("constrained", {}).get("rate", 0.0))
    return {"held-out constrained requests fully honoured >= 90%": rate >= TARGET_CONSTRAINED}
