"""Where the titles are in a sentence (`bot.core.title_spans`): slips inside titles, titles
that start with a function word, short titles in lower case, remakes sharing a title."""

from __future__ import annotations

import pytest

from bot.core.matching import TitleIndex
from bot.core.models import Movie
from bot.core.understand import understand
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES
from tests.unit.core.conftest import EXTRA_MOVIES


def _movie(tconst: str, title: str, year: int, votes: int) -> Movie:
    return Movie(tconst, title, title, year, 100, ("Drama",), 7.0, votes, 0)


# Titles that start with a function word, and ordinary words that other films are named.
MORE = [
    _movie("tt2937696", "They Came Together", 2014, 35000),
    _movie("tt2884206", "I Origins", 2014, 120000),
    _movie("tt0404203", "Little Children", 2006, 120000),
    _movie("tt0210075", "Girl", 2018, 20000),
    _movie("tt3631112", "The Girl on the Train", 2016, 200000),
    _movie("tt0281358", "Snow Dogs", 2002, 25000),
    _movie("tt1596345", "Dogs", 2016, 1500),
    _movie("tt0134847", "Pitch Black", 2000, 250000),
    _movie("tt4558200", "Black", 2015, 6000),
    _movie("tt4633694", "Spider-Man: Into the Spider-Verse", 2018, 650000),
    _movie("tt0361411", "A Mighty Wind", 2003, 25000),
    _movie("tt0357111", "Not on the Lips", 2003, 1500),
    _movie("tt10954984", "Nope", 2022, 200000),
    _movie("tt6857112", "Us", 2019, 300000),
    _movie("tt5052448", "Get Out", 2017, 650000),
    _movie("tt0780504", "Drive", 2011, 650000),
    _movie("tt2380307", "Coco", 2017, 550000),
    _movie("tt2948372", "Soul", 2020, 350000),
    _movie("tt2872718", "Nightcrawler", 2014, 560000),
    _movie("tt2543164", "Arrival", 2016, 740000),
]


@pytest.fixture(scope="module")
def more_index() -> TitleIndex:
    return TitleIndex.build([*SAMPLE_MOVIES, *EXTRA_MOVIES, *MORE], SAMPLE_AKAS)


def titles(index: TitleIndex, text: str) -> list[str]:
    request = understand(text, index, this_year=2025)
    return [s.match.title for s in request.seeds if s.match is not None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a slip in the first word of a title
        ("anything in the same vein as pitcj black?", ["Pitch Black"]),
        ("the kids rewatched snpw dogs again, more like that", ["Snow Dogs"]),
        # a title that starts with a function word, right after the cue
        ("movies like they came togehter please", ["They Came Together"]),
        ("I really liked i origisn, what now", ["I Origins"]),
        # the run stops at "vein" and "fan", not inside the title
        ("big fan of little chidlren. ideas?", ["Little Children"]),
        ("same vein as the girl on the trian?", ["The Girl on the Train"]),
        ("my dad loves a mighty wnid, ideas?", ["A Mighty Wind"]),
        # opening the message, a title without its first part, the hyphen lost
        ("into the spiderverse was so good", ["Spider-Man: Into the Spider-Verse"]),
    ],
)
def test_a_slip_anywhere_in_a_title(more_index: TitleIndex, text: str, expected: list[str]) -> None:
    assert titles(more_index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my son keeps asking for something like up", ["Up"]),
        ("soul, up, coco", ["Soul", "Up", "Coco"]),
        ("nightcrawler or drive, something tense", ["Nightcrawler", "Drive"]),
        ("somewhere between arrival and her?", ["Arrival", "Her"]),
        ("we rewatched HER last week and cried, what else", ["Her"]),
        ("nope was wild, more like it", ["Nope"]),
        ("any cartoons in the spirit of up, maybe newer", ["Up"]),
        ("my sister recommended up, anything like it", ["Up"]),
        ("up 2010 but funnier", ["Up"]),
        ("Her but funnier", ["Her"]),
        ("<@U0BOT1> Us vibes please", ["Us"]),
        ("It was fine, anything else", []),
        ("better than before", []),
        ("i am so over that, any thriller", []),
        # words that point back, chat in capitals, and company are no titles
        ("anything like it?", []),
        ("you and me both loved heat", ["Heat"]),
        ("LOL have you seen heat", ["Heat"]),
        ("watched heat with her, similar stuff?", ["Heat"]),
    ],
)
def test_short_titles_in_lower_case(more_index: TitleIndex, text: str, expected: list[str]) -> None:
    assert titles(more_index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zombieland's sequel was fun, more like it", ["Zombieland"]),
        ("anything with avatar’s vibe?", ["Avatar"]),
        ("moneyball's director made what else", ["Moneyball"]),
    ],
)
def test_a_title_before_s_is_the_title(
    more_index: TitleIndex, text: str, expected: list[str]
) -> None:
    assert titles(more_index, text) == expected


def test_a_cue_verb_after_the_title_ends_it(more_index: TitleIndex) -> None:
    """ "if I liked X what would I enjoy": the title stops before the question."""
    text = "if i liked not on teh lips what would i enjoy?"
    assert titles(more_index, text) == ["Not on the Lips"]


def test_us_in_lower_or_title_case_is_not_the_country(more_index: TitleIndex) -> None:
    assert titles(more_index, "loved get out and Us, more please") == ["Get Out", "Us"]
    fields = [c.field for c in understand("give us something like heat", more_index).constraints]
    assert "country" not in fields
    us_movies = understand("any us comedies like heat", more_index).constraints
    assert ("country", "==", "US") in [(c.field, c.op, c.value) for c in us_movies]
