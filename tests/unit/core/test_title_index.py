from pathlib import Path

import pytest

from bot.core.matching import TitleIndex
from bot.core.models import Movie
from bot.tools.evaluate import offered
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES


@pytest.fixture(scope="module")
def index() -> TitleIndex:
    return TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS)


def matched(index: TitleIndex, text: str) -> tuple[str, int | None]:
    resolution = index.resolve(text)
    assert resolution.status == "matched", (text, resolution)
    assert resolution.match is not None
    return resolution.match.title, resolution.match.year


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        ("matrix", "The Matrix", 1999),
        ("Matrix, The (1999)", "The Matrix", 1999),
        ("the matirx", "The Matrix", 1999),
        ("movies like alien", "Alien", 1979),
        ("something similar to <https://example.com|Heat>?", "Heat", 1995),
        ("dune 1984", "Dune", 1984),
        ("Dune (2021)", "Dune", 2021),
        ("It (1990)", "It", 1990),
        ("godfather part two", "The Godfather Part II", 1974),
        ("godfather 3", "The Godfather Part III", 1990),
        ("terminator 2", "Terminator 2: Judgment Day", 1991),
        ("back to the future 2", "Back to the Future Part II", 1989),
        ("le parrain", "The Godfather", 1972),
        ("Les sept samouraïs", "Seven Samurai", 1954),
        ("Shichinin no samurai", "Seven Samurai", 1954),
        ("groundhgo day", "Groundhog Day", 1993),
        ("the pricess bride", "The Princess Bride", 1987),
        ("DUMB & DUMBER", "Dumb and Dumber", 1994),
    ],
)
def test_resolves_what_people_type(index: TitleIndex, text: str, title: str, year: int) -> None:
    assert matched(index, text) == (title, year)


def test_imdb_ids_and_urls_resolve_exactly(index: TitleIndex) -> None:
    assert matched(index, "tt0078748") == ("Alien", 1979)
    assert matched(index, "see https://www.imdb.com/title/tt0133093/ ") == ("The Matrix", 1999)
    assert index.resolve("tt9999999").status == "no_match"


@pytest.mark.parametrize("text", ["qzxwvkj plorf", "xkcd vbnm qwerty", "zzzzzzzz"])
def test_nonsense_is_declined(index: TitleIndex, text: str) -> None:
    resolution = index.resolve(text)
    assert resolution.status == "no_match"
    assert resolution.match is None


@pytest.mark.parametrize("text", ["", "   ", "movies like", "<@U123>", "?!"])
def test_nothing_to_look_up_is_empty(index: TitleIndex, text: str) -> None:
    assert index.resolve(text).status == "empty"


def test_close_namesakes_are_ambiguous_with_both_offered() -> None:
    twins = [
        Movie("tt0000001", "Twin Peaks", "Twin Peaks", 1990, 90, ("Drama",), 7.0, 1000, 0),
        Movie("tt0000002", "Twin Peaks", "Twin Peaks", 2001, 90, ("Drama",), 7.0, 1100, 0),
    ]
    resolution = TitleIndex.build(twins, []).resolve("twin peaks")
    assert resolution.status == "ambiguous"
    assert {c.tconst for c in resolution.alternatives[:2]} == {"tt0000001", "tt0000002"}


def test_a_missing_number_costs_the_title(index: TitleIndex) -> None:
    resolution = index.resolve("matrix 7")
    assert resolution.match is None or resolution.match.score < 90


def test_suggest_completes_prefixes_popular_first(index: TitleIndex) -> None:
    titles = [c.title for c in index.suggest("godf")]
    assert titles[:3] == ["The Godfather", "The Godfather Part II", "The Godfather Part III"]
    assert index.suggest("") == []
    assert len(index.suggest("the", limit=2)) <= 2


def test_round_trips_through_bytes_and_files(index: TitleIndex, tmp_path: Path) -> None:
    again = TitleIndex.from_bytes(index.to_bytes())
    assert len(again) == len(index) == len(SAMPLE_MOVIES)
    assert again.resolve("heat").match == index.resolve("heat").match
    path = tmp_path / "index.npz"
    index.save(path)
    assert TitleIndex.load(path).resolve("aliens").match == index.resolve("aliens").match


def test_garbage_bytes_are_refused() -> None:
    with pytest.raises(ValueError):
        TitleIndex.from_bytes(b"not an index")


def test_an_empty_catalogue_matches_nothing() -> None:
    empty = TitleIndex.build([], [])
    assert len(empty) == 0
    assert empty.resolve("alien").status == "no_match"


def _film(tconst: str, title: str, year: int, votes: int, original: str | None = None) -> Movie:
    return Movie(tconst, title, original or title, year, 100, ("Drama",), 7.0, votes, 0)


def test_a_films_own_title_beats_the_same_words_as_anothers_alias() -> None:
    elf = _film("tt0319343", "Elf", 2003, 290_000)
    enchanted = _film("tt0461770", "Enchanted", 2007, 210_000)
    index = TitleIndex.build([elf, enchanted], [("tt0319343", "Enchanted")])
    assert matched(index, "Enchanted") == ("Enchanted", 2007)
    assert matched(index, "elf") == ("Elf", 2003)


def test_an_article_in_the_query_prefers_the_title_written_with_it() -> None:
    the_room = _film("tt0368226", "The Room", 2003, 90_000)
    room = _film("tt3170832", "Room", 2015, 440_000)
    index = TitleIndex.build([the_room, room], [])
    # Close enough to offer both, but the one written with "The" comes first.
    assert [c.title for c in offered(index.resolve("Room, The"))][:2] == ["The Room", "Room"]
    assert matched(index, "room") == ("Room", 2015)


def test_a_parenthesised_original_title_picks_the_film_that_has_both() -> None:
    old = _film("tt0255094", "The Circle", 2000, 6_000, original="Dayereh")
    new = _film("tt4287320", "The Circle", 2017, 120_000)
    index = TitleIndex.build([old, new], [])
    assert matched(index, "Circle, The (Dayereh)") == ("The Circle", 2000)


def test_one_slip_in_a_short_title_still_finds_a_popular_film() -> None:
    thor = _film("tt0800369", "Thor", 2011, 860_000)
    index = TitleIndex.build([thor, *SAMPLE_MOVIES], [])
    assert matched(index, "tohr") == ("Thor", 2011)


def test_a_wrong_letter_in_a_short_title_finds_the_popular_film() -> None:
    # fuzz.ratio alone counts "epin" nearer "pin" (a letter dropped) than "epic" (one wrong
    # letter), and a four-letter word leaves popularity too little room to tell them apart.
    epic = _film("tt0848537", "Epic", 2013, 107_000)
    pin = _film("tt2290065", "The Pin", 2013, 75)
    index = TitleIndex.build([epic, pin, *SAMPLE_MOVIES], [])
    assert matched(index, "epin") == ("Epic", 2013)
    assert matched(index, "the pin") == ("The Pin", 2013)


def test_two_slips_in_a_short_title_still_find_a_popular_film() -> None:
    zodiac = _film("tt0443706", "Zodiac", 2007, 558_000)
    argo = _film("tt1024648", "Argo", 2012, 623_000)
    index = TitleIndex.build([zodiac, argo, *SAMPLE_MOVIES], [])
    assert matched(index, "zodtc") == ("Zodiac", 2007)
    assert matched(index, "zdoaic") == ("Zodiac", 2007)


@pytest.mark.parametrize("text", ["kzqvx", "bqlrm", "xwpyf zutk", "plmokn", "qarv"])
def test_short_nonsense_is_still_declined_among_short_popular_titles(text: str) -> None:
    shorts = [
        _film("tt0800369", "Thor", 2011, 860_000),
        _film("tt0443706", "Zodiac", 2007, 558_000),
        _film("tt1024648", "Argo", 2012, 623_000),
        _film("tt3170832", "Room", 2015, 440_000),
        _film("tt2872732", "Lucy", 2014, 509_000),
        _film("tt0319343", "Elf", 2003, 290_000),
        _film("tt0350258", "Ray", 2004, 151_000),
        _film("tt1981677", "Pitch Perfect", 2012, 300_000),
    ]
    resolution = TitleIndex.build([*shorts, *SAMPLE_MOVIES], []).resolve(text)
    assert resolution.status == "no_match", resolution
    assert resolution.match is None


def test_a_mistyped_article_is_read_as_an_article() -> None:
    martian = _film("tt3659388", "The Martian", 2015, 875_000)
    samaritan = _film("tt5743796", "Samaritan", 2022, 49_000)
    woods = _film("tt0389448", "The Woods", 2006, 11_700)
    red_woods = _film("tt9999001", "Red Woods", 2021, 560)
    they_live = _film("tt0096256", "They Live", 1988, 140_000)
    live = _film("tt9999002", "Live", 2008, 400_000)
    index = TitleIndex.build([martian, samaritan, woods, red_woods, they_live, live], [])
    assert matched(index, "Tme Maritan") == ("The Martian", 2015)
    assert matched(index, "Woods, hze") == ("The Woods", 2006)
    # Reading "They" as a slipped "The" is only a guess: the title as typed still wins.
    assert matched(index, "they live") == ("They Live", 1988)


def test_a_slip_in_or_into_a_number_word_is_forgiven() -> None:
    # The normal form writes number words as digits, which hides such slips from fuzzy
    # matching: "tkelve" shares nothing with "12", and "one" (from "Gone") becomes "1".
    twelve = _film("tt0349903", "Ocean's Twelve", 2004, 400_000)
    eleven = _film("tt0240772", "Ocean's Eleven", 2001, 600_000)
    gone = _film("tt0452623", "Gone Baby Gone", 2007, 279_000)
    one_by_one = _film("tt9999003", "One by One", 2014, 240)
    index = TitleIndex.build([twelve, eleven, gone, one_by_one], [])
    assert matched(index, "Ocean's Tkelve") == ("Ocean's Twelve", 2004)
    assert matched(index, "Gone Baby one") == ("Gone Baby Gone", 2007)
    assert matched(index, "oceans eleven") == ("Ocean's Eleven", 2001)


def test_score_spans_finds_exact_keys_at_once_and_mistyped_ones_on_request(
    index: TitleIndex,
) -> None:
    exact, missing, typo, typo_plain = index.score_spans(
        ["groundhog day", "qzxwv plorf", "groundhgo day", "groundhgo day"],
        [False, True, True, False],
    )
    assert exact is not None and exact.exact and exact.candidate.title == "Groundhog Day"
    assert exact.shown == 100.0 and exact.prior > 0
    assert missing is None
    assert typo is not None and not typo.exact and typo.candidate.title == "Groundhog Day"
    assert typo_plain is None  # no fuzzy search unless asked


def test_a_common_title_keeps_the_film_of_the_year_asked_for() -> None:
    # 400 films share the key "love": only the most popular are re-ranked, and the year's.
    films = [
        Movie(f"tt{9000000 + i}", "Love", "Love", 1900 + i % 100, 90, ("Drama",), 6.0, 1000 - i, 0)
        for i in range(399)
    ]
    films.append(Movie("tt9000399", "Love", "Love", 2030, 90, ("Drama",), 6.0, 1, 0))
    many = TitleIndex.build(films, [])
    resolution = many.resolve("Love (2030)")  # the least popular of all
    assert resolution.match is not None and resolution.match.tconst == "tt9000399"


def test_a_span_scored_then_resolved_is_preselected_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reading a sentence scores a span (no scan of popular titles) and then resolves it (with
    # one): the preselection and likeness are the same for both, so they are worked out once.
    fresh = TitleIndex.build(SAMPLE_MOVIES, SAMPLE_AKAS)
    calls: list[str] = []
    preselect = fresh._preselect

    def counted(key: str, year: int | None = None) -> object:
        calls.append(key)
        return preselect(key, year)

    monkeypatch.setattr(fresh, "_preselect", counted)
    (span,) = fresh.score_spans(["groundhgo day"], [True])
    assert span is not None and span.candidate.title == "Groundhog Day"
    assert fresh.resolve("groundhgo day").match is not None
    assert calls.count("groundhgo day") == 1
