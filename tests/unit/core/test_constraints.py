"""Constraints as people write them: each a field, an operator and a value, with its words."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.constraints import find_constraints
from bot.core.popularity import LESSER_KNOWN, POPULAR
from bot.core.tokens import tokenize


def specs(text: str) -> list[tuple[Any, ...]]:
    return [
        (c.field, c.op, c.value)
        for found in find_constraints(tokenize(text).words, this_year=2025)
        for c in found.constraints
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # era
        (
            "a comedy from the 90s",
            [("genres", "in", ("Comedy",)), ("year", "between", (1990, 1999))],
        ),
        ("1980s", [("year", "between", (1980, 1989))]),
        ("from the early 2000s", [("year", "between", (2000, 2003))]),
        ("late nineties", [("year", "between", (1996, 1999))]),
        ("after 2010", [("year", ">", 2010)]),
        ("since 2015", [("year", ">=", 2015)]),
        ("2012 or later", [("year", ">=", 2012)]),
        ("before 2000", [("year", "<", 2000)]),
        ("pre-2005", [("year", "<", 2005)]),
        ("between 1995 and 2005", [("year", "between", (1995, 2005))]),
        ("released in 2014", [("year", "==", 2014)]),
        ("newer", [("year", "after_seed", None)]),
        ("something more recent", [("year", "after_seed", None)]),
        ("older", [("year", "before_seed", None)]),
        ("recent", [("year", ">=", 2020)]),
        ("a classic", [("year", "<", 1980)]),
        # genres, and the words people use for them
        ("funny", [("genres", "in", ("Comedy",))]),
        ("funnier", [("genres", "in", ("Comedy",))]),
        ("scary", [("genres", "in", ("Horror",))]),
        ("animated", [("genres", "in", ("Animation",))]),
        ("a cartoon", [("genres", "in", ("Animation",))]),
        ("a documentary", [("genres", "in", ("Documentary",))]),
        ("romantic", [("genres", "in", ("Romance",))]),
        ("sci-fi", [("genres", "in", ("Sci-Fi",))]),
        ("science fiction", [("genres", "in", ("Sci-Fi",))]),
        ("a rom-com", [("genres", "in", ("Romance",)), ("genres", "in", ("Comedy",))]),
        ("comedy or drama", [("genres", "in", ("Comedy", "Drama"))]),
        ("no horror", [("genres", "not in", ("Horror",))]),
        ("not animated", [("genres", "not in", ("Animation",))]),
        ("nothing too scary", [("genres", "not in", ("Horror",))]),
        ("without romance", [("genres", "not in", ("Romance",))]),
        ("no horror or gore movies", [("genres", "not in", ("Horror",))]),
        # length
        ("under 100 minutes", [("runtime", "<=", 100)]),
        ("under 2 hours", [("runtime", "<=", 120)]),
        ("less than 90 mins", [("runtime", "<=", 90)]),
        ("at most an hour and a half", [("runtime", "<=", 90)]),
        ("over 2 hours", [("runtime", ">=", 120)]),
        ("short", [("runtime", "<=", 100)]),
        ("not too long", [("runtime", "<=", 100)]),
        ("shorter", [("runtime", "shorter_than_seed", None)]),
        # rating and popularity
        ("rated at least 7.5", [("rating", ">=", 7.5)]),
        ("rating above 8", [("rating", ">", 8.0)]),
        ("7+ on imdb", [("rating", ">=", 7.0)]),
        ("highly rated", [("rating", ">=", 7.5)]),
        ("critically acclaimed", [("rating", ">=", 7.5)]),
        ("a hidden gem", [("rating", ">=", 7.0), ("votes", "<=", LESSER_KNOWN)]),
        ("lesser known", [("votes", "<=", LESSER_KNOWN)]),
        ("something obscure", [("votes", "<=", LESSER_KNOWN)]),
        ("popular", [("votes", ">=", POPULAR)]),
        # language and country
        ("in French", [("language", "==", "fr")]),
        ("spanish language", [("language", "==", "es")]),
        ("a Hindi film", [("language", "==", "hi")]),
        ("Korean", [("country", "==", "KR")]),
        ("from japan", [("country", "==", "JP")]),
        ("Bollywood", [("country", "==", "IN")]),
        ("not american", [("country", "!=", "US")]),
        ("foreign", [("language", "!=", "en")]),
        ("scandinavian", [("country", "in", ("SE", "NO", "DK", "FI", "IS"))]),
    ],
)
def test_constraints_as_people_write_them(text: str, expected: list[tuple[Any, ...]]) -> None:
    assert specs(text) == expected


@pytest.mark.parametrize(
    "text",
    ["movies like heat", "i loved it", "old friends", "how long is it", "a short story"],
)
def test_ordinary_words_set_no_constraint(text: str) -> None:
    assert specs(text) == []


def test_several_constraints_keep_their_own_words() -> None:
    found = find_constraints(
        tokenize("a scary 90s movie, rated at least 7.5, under 2 hours, in French").words, 2025
    )
    assert [(c.text, c.field) for f in found for c in f.constraints] == [
        ("scary", "genres"),
        ("90s", "year"),
        ("rated at least 7.5", "rating"),
        ("under 2 hours", "runtime"),
        ("in French", "language"),
    ]
    assert [f.span for f in found] == [(1, 2), (2, 3), (4, 8), (8, 11), (11, 13)]
