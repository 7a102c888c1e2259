"""Chat and kinds of film are not titles: "a thriller" and "a bit" beside a title, "close to"
before one, and office talk or keyboard mash that only looks like a film ("Stand Up", "Ping!")
are declined with suggestions; a mistyped title typed alone still resolves."""

from __future__ import annotations

import pytest

from bot.core.matching import TitleIndex
from bot.core.request import Request
from bot.core.understand import understand
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.unit.core.conftest import EXTRA_MOVIES, _movie

CHATTY_TITLES = [
    _movie("tt1212419", "Hereafter", 2010, "Drama,Fantasy,Romance", 95000),
    _movie("tt9000101", "Bit", 2019, "Horror", 2000),
    _movie("tt9000102", "Thriller", 2018, "Horror", 3000),
    _movie("tt9000103", "The Thriller", 2008, "Thriller", 200),
    _movie("tt1092026", "Paul", 2011, "Adventure,Comedy,Sci-Fi", 280000),
    _movie("tt9000104", "Ping!", 2000, "Comedy", 1500),
    _movie("tt9000105", "Stand Up", 2003, "Comedy", 500),
    _movie("tt9000106", "Qwerty", 2012, "Comedy,Romance", 700),
    _movie("tt0340110", "Fat Pizza", 2003, "Comedy", 2500),
    _movie("tt0384680", "The Weather Man", 2005, "Comedy,Drama", 100000),
    _movie("tt3099498", "Tusk", 2014, "Comedy,Drama,Horror", 65000),
    _movie("tt0382932", "Ratatouille", 2007, "Animation,Comedy,Family", 800000),
    # known too by an alternate title, which a slip in a message may be of
    _movie("tt0238883", "Brat 2", 2000, "Action,Crime,Drama", 40000),
]
ALTERNATE_TITLES = [("tt0238883", "Brother 2")]


@pytest.fixture(scope="module")
def chatty() -> TitleIndex:
    return TitleIndex.build(
        [*SAMPLE_MOVIES, *EXTRA_MOVIES, *CHATTY_TITLES], [*SAMPLE_AKAS, *ALTERNATE_TITLES]
    )


def read(index: TitleIndex, text: str) -> Request:
    return understand(text, index, this_year=2025)


def titles(request: Request) -> list[str]:
    return [s.match.title for s in request.seeds if s.match is not None]


def named(request: Request) -> list[str]:
    """The film each found seed names first (its match or its first did-you-mean)."""
    return [(s.match or s.alternatives[0]).title for s in request.seeds if s.found]


def specs(request: Request) -> set[tuple[str, str]]:
    return {(c.field, c.op) for c in request.constraints}


def test_a_kind_of_film_beside_a_title_is_the_constraint(chatty: TitleIndex) -> None:
    request = read(chatty, "something in the spirit of Hereafter - a thriller, a bit longer")
    assert titles(request) == ["Hereafter"]
    assert [s.text for s in request.seeds] == ["Hereafter"]
    assert ("genres", "in", ("Thriller",)) in {
        (c.field, c.op, c.value) for c in request.constraints
    }
    assert ("runtime", "longer_than_seed") in specs(request)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a thriller please", []),
        ("any more recent movies close to Paul", ["Paul"]),
        ("any hilarious movies close to the wolf of wall street", ["The Wolf of Wall Street"]),
        ("loved Hereafter, a thriller this time", ["Hereafter"]),
    ],
)
def test_kinds_and_cues_are_not_titles(chatty: TitleIndex, text: str, expected: list[str]) -> None:
    request = read(chatty, text)
    assert titles(request) == expected
    assert [s.text for s in request.seeds if not s.found] == []
    assert request.constraints


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("like A Thriller", ["Thriller"]),  # capitals and a cue: the film
        ('"a bit" and Hereafter', ["Bit", "Hereafter"]),  # quoted
        ("Close", ["Close"]),  # typed alone
    ],
)
def test_marked_kinds_stay_titles(chatty: TitleIndex, text: str, expected: list[str]) -> None:
    assert sorted(named(read(chatty, text))) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "standup in 5",
        "qwerty uiop",
        "ping",
        "test",
        "who wants pizza",
        "what's the weather",
        "anything similar to zivliggufgxf?",
        "anything like wmekym",
    ],
)
def test_chatter_that_looks_like_a_film_is_declined(chatty: TitleIndex, text: str) -> None:
    request = read(chatty, text)
    assert request.declined, (request.intent, [s.text for s in request.seeds])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tsuk", "Tusk"),  # one slip in a short title
        ("Ratatouille 2007", "Ratatouille"),
        ("Hereafte", "Hereafter"),
        ("ratatoulie", "Ratatouille"),  # two in a long one
        ("the wether man", "The Weather Man"),
        ("Qwerty", "Qwerty"),
        ("the weather man", "The Weather Man"),
        ("hereafter", "Hereafter"),
        ("loved stand up, anything similar", "Stand Up"),
        ("hey bot, hereafterr vibes please", "Hereafter"),
        ("hereaftr!! more like that", "Hereafter"),
    ],
)
def test_mistyped_titles_alone_still_resolve(chatty: TitleIndex, text: str, expected: str) -> None:
    assert named(read(chatty, text))[:1] == [expected]


@pytest.mark.parametrize(("text", "title"), [("Borther 2", "Brat 2"), ("borther 2", "Brat 2")])
def test_a_slip_of_an_alternate_title_typed_alone_is_the_film(
    chatty: TitleIndex, text: str, title: str
) -> None:
    request = read(chatty, text)
    assert named(request) == [title]
    assert not request.declined
