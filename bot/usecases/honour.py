"""Whether a movie meets a request's constraints (`bot.core.request.Constraint`), checked
against the catalogue's own fields. Pure: the movie service filters its candidates with it and
the evaluation checks the picks with it.

A field the catalogue does not know (no runtime, no language estimated) never meets a
constraint on it: a pick is shown only when it is known to fit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from operator import attrgetter

from bot.core.models import Movie
from bot.core.request import Constraint, Op

_NEGATIVE = frozenset({"!=", "not in"})


# The Movie attribute behind each constraint field.
_ATTRIBUTES = {
    "year": "year",
    "runtime": "runtime",
    "rating": "rating",
    "votes": "votes",
    "genres": "genres",
    "language": "languages",
    "country": "countries",
    "title": "tconst",
}


def field_value(movie: Movie, name: str) -> object:
    """The movie's value of a constraint's field (all that `meets` reads of it)."""
    attribute = _ATTRIBUTES.get(name)
    return None if attribute is None else getattr(movie, attribute)


def field_values(movies: Iterable[Movie], name: str) -> list[object]:
    """`field_value` of each movie, read with one getter (a pool's thousands at a time)."""
    attribute = _ATTRIBUTES.get(name)
    if attribute is None:
        return [None for _ in movies]
    return list(map(attrgetter(attribute), movies))


def _as_tuple(value: object) -> tuple[object, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)


def meets(movie: Movie, constraint: Constraint) -> bool:
    """One absolute constraint (relative ones are made absolute first, `against_seed`)."""
    have = field_value(movie, constraint.field)
    op, value = constraint.op, constraint.value
    if isinstance(have, tuple):  # genres, languages, countries: the movie's set of them
        if not have:
            # No genre is no horror; an unknown language is not known to be (or not be) French.
            return constraint.field == "genres" and op in _NEGATIVE
        hit = any(v in have for v in _as_tuple(value))
        return not hit if op in _NEGATIVE else hit and op in ("in", "==")
    if have is None:
        return False
    if op in ("in", "not in"):
        return (have in _as_tuple(value)) == (op == "in")
    if op == "between" and isinstance(value, tuple) and len(value) == 2:
        return bool(value[0] <= have <= value[1])  # type: ignore[operator]
    try:
        return {
            ">=": lambda: have >= value,  # type: ignore[operator]
            "<=": lambda: have <= value,  # type: ignore[operator]
            ">": lambda: have > value,  # type: ignore[operator]
            "<": lambda: have < value,  # type: ignore[operator]
            "==": lambda: have == value,
            "!=": lambda: have != value,
        }[op]()
    except (KeyError, TypeError):  # an operator this field cannot have: not met
        return False


def meets_all(movie: Movie, constraints: Iterable[Constraint]) -> bool:
    return all(meets(movie, c) for c in constraints)


def against_seed(constraints: Sequence[Constraint], seed: Movie | None) -> list[Constraint]:
    """Relative constraints ("newer", "shorter") made absolute against the seed; dropped when
    there is no seed or the seed lacks the field (nothing to read them against)."""
    out: list[Constraint] = []
    for c in constraints:
        if not c.relative:
            out.append(c)
            continue
        anchor = None if seed is None else (seed.year if c.field == "year" else seed.runtime)
        if anchor is None:
            continue
        op: Op = ">" if c.op in ("after_seed", "longer_than_seed") else "<"
        out.append(Constraint(c.field, op, anchor, c.text))
    return out


# Fields a movie holds one number of; the integer ones let "> 2017" mean ">= 2018".
_NUMBERS = {"year": True, "runtime": True, "votes": True, "rating": False}


def unsatisfiable(constraints: Iterable[Constraint]) -> bool:
    """Whether no movie can meet all of these (absolute) constraints whatever its values: a
    number bounded from both sides with nothing between ("old" and "2018"). Read from the
    constraints alone, so "nothing fits" needs no read of the catalogue to say so."""
    bounds: dict[str, list[float]] = {}
    for c in constraints:
        integer = _NUMBERS.get(c.field)
        if integer is None:
            continue
        pairs: list[tuple[str, object]] = []
        if c.op == "between" and isinstance(c.value, tuple) and len(c.value) == 2:
            pairs = [(">=", c.value[0]), ("<=", c.value[1])]
        elif c.op == "==":
            pairs = [(">=", c.value), ("<=", c.value)]
        elif c.op in (">=", "<=", ">", "<"):
            pairs = [(c.op, c.value)]
        lo_hi = bounds.setdefault(c.field, [-math.inf, math.inf])
        for op, value in pairs:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue  # a value `meets` cannot compare: left to it
            if op in (">", "<") and integer and isinstance(value, int):
                op, value = (">=", value + 1) if op == ">" else ("<=", value - 1)
            elif op in (">", "<"):
                # A strict bound on a real number: empty only when the other bound reaches it.
                value = math.nextafter(value, math.inf if op == ">" else -math.inf)
                op = ">=" if op == ">" else "<="
            if op == ">=":
                lo_hi[0] = max(lo_hi[0], float(value))
            else:
                lo_hi[1] = min(lo_hi[1], float(value))
    return any(lo > hi for lo, hi in bounds.values())
