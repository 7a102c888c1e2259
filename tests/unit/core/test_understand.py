"""Reading a message: the movies it names (anywhere, any phrasing, typos, markup), several
seeds, titles made of ordinary words, small talk, follow-ups, nonsense and hostile text."""

from __future__ import annotations

import time

import pytest

from bot.core.matching import TitleIndex
from bot.core.request import Request
from bot.core.understand import understand
from tests.e2e.test_hostile_input import HOSTILE


def read(index: TitleIndex, text: str) -> Request:
    return understand(text, index, this_year=2025)


def titles(request: Request) -> list[str]:
    return [s.match.title for s in request.seeds if s.match is not None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I loved Heat, what else?", ["Heat"]),
        ("something like alien but funnier", ["Alien"]),
        (
            "just watched the dark knight and loved it. what should I watch next?",
            ["The Dark Knight"],
        ),
        ("any recs similar to moneyball?", ["Moneyball"]),
        ("the wolf of wall street was amazing, got anything similar", ["The Wolf of Wall Street"]),
        ("hey bot, zombieland vibes please :popcorn:", ["Zombieland"]),
        ("<@U0BOT1> movies like inception", ["Inception"]),
        ('suggest movies like "groundhog day"', ["Groundhog Day"]),
        ("more like *The Big Lebowski* please", ["The Big Lebowski"]),
        ("films like _pulp fiction_ 🍿", ["Pulp Fiction"]),
        ("something similar to <https://example.com|Heat>?", ["Heat"]),
        ("movies like the matirx", ["The Matrix"]),
        ("i liked inceptoin, anything else?", ["Inception"]),
        ("MOVIES LIKE GOODFELLAS", ["Goodfellas"]),
        ("if I liked 12 years a slave what would I enjoy?", ["12 Years a Slave"]),
    ],
)
def test_the_movie_is_found_anywhere_in_a_sentence(
    index: TitleIndex, text: str, expected: list[str]
) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        ("movies like dune 1984", "Dune", 1984),
        ("like Dune (2021) please", "Dune", 2021),
        ("something like It from 1990", "It", 1990),
        ("Matrix, The (1999)", "The Matrix", 1999),
    ],
)
def test_a_year_after_a_title_picks_the_film(
    index: TitleIndex, text: str, title: str, year: int
) -> None:
    request = read(index, text)
    assert [(s.match.title, s.match.year) for s in request.seeds if s.match] == [(title, year)]
    assert not [c for c in request.constraints if c.field == "year"]  # a hint, not a filter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("like Heat and Ronin", ["Heat", "Ronin"]),
        ("a mix of Amélie and Heat", ["Amélie", "Heat"]),
        ("Heat, Ronin, Collateral", ["Heat", "Ronin", "Collateral"]),
        ("i loved Saw and warm bodies, what else?", ["Saw", "Warm Bodies"]),
    ],
)
def test_several_seeds(index: TitleIndex, text: str, expected: list[str]) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Like Crazy", ["Like Crazy"]),
        ("Her", ["Her"]),
        ("something like Her", ["Her"]),
        ("Up", ["Up"]),
        ("movies like Up", ["Up"]),
        ("Something in the Air", ["Something in the Air"]),
        ("Scary Movie", ["Scary Movie"]),
        ("something like the notebook", ["The Notebook"]),
    ],
)
def test_a_word_that_is_part_of_a_title_stays_part_of_it(
    index: TitleIndex, text: str, expected: list[str]
) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "genre"),
    [("a scary movie", "Horror"), ("a romantic movie", "Romance"), ("something funny", "Comedy")],
)
def test_constraint_words_are_not_eaten_by_a_title(
    index: TitleIndex, text: str, genre: str
) -> None:
    request = read(index, text)
    assert request.seeds == ()
    assert [(c.field, c.op, c.value) for c in request.constraints] == [("genres", "in", (genre,))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Epic", "Epic"),
        ("old", "Old"),
        ("Old!", "Old"),
        ("Old (2021)", "Old"),
        ("epic 2013", "Epic"),
    ],
)
def test_a_widely_seen_title_typed_alone_is_the_film(
    index: TitleIndex, text: str, expected: str
) -> None:
    request = read(index, text)
    assert titles(request) == [expected]
    assert request.constraints == ()


@pytest.mark.parametrize(
    ("text", "constraint"),
    [
        ("war", ("genres", "in", ("War",))),  # a genre's name is a kind of film
        ("short", ("runtime", "<=", 100)),  # "Short" is a film few have seen
        ("something epic", ("runtime", ">=", 150)),
        ("old 1975", ("year", "==", 1975)),  # not Old (2021)
    ],
)
def test_constraint_words_alone_stay_constraints_unless_a_widely_seen_title(
    index: TitleIndex, text: str, constraint: tuple[object, ...]
) -> None:
    request = read(index, text)
    assert request.seeds == ()
    assert constraint in [(c.field, c.op, c.value) for c in request.constraints]


@pytest.mark.parametrize(
    "text",
    [
        "I loved it, what else?",  # a pronoun, not the film "It"
        "can you book a meeting room",  # "Room" is a film; nothing here is about films
        "what time is the standup tomorrow",
        "qzxwvkj plorf",
        "movies like hapn",
        "",
    ],
)
def test_no_title_no_constraint_is_declined(index: TitleIndex, text: str) -> None:
    request = read(index, text)
    assert titles(request) == []
    if request.intent == "recommend":
        assert request.declined


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hi", "greeting"),
        ("hello there!", "greeting"),
        ("<@U0BOT1> hey", "greeting"),
        ("thanks!", "thanks"),
        ("thank you so much", "thanks"),
        ("what can you do?", "help"),
        ("help", "help"),
        ("how does this work?", "help"),
    ],
)
def test_small_talk_is_not_a_request(index: TitleIndex, text: str, intent: str) -> None:
    request = read(index, text)
    assert request.intent == intent
    assert request.seeds == () and request.constraints == ()


def test_surprise_me_recommends_from_the_whole_catalogue(index: TitleIndex) -> None:
    request = read(index, "surprise me")
    assert (request.intent, request.surprise, request.declined) == ("recommend", True, False)


@pytest.mark.parametrize(
    "text",
    [
        "surprise me",
        "Surprise me!",
        "Surprise Me!",  # capitals alone do not make it the film
        "just surprise me pls",
        "anything",
        "whatever",
        "whatever you like",
        "dealer's choice",
        "i don't care, pick something",
        "random movie",
        "i'd like anything",
    ],
)
def test_a_you_pick_phrase_is_a_surprise_not_the_film_of_that_name(
    phrase_titles: TitleIndex, text: str
) -> None:
    request = read(phrase_titles, text)
    assert (request.intent, request.surprise, request.seeds) == ("recommend", True, ())


def test_a_you_pick_phrase_keeps_its_constraints(phrase_titles: TitleIndex) -> None:
    request = read(phrase_titles, "surprise me with a comedy")
    assert (request.surprise, request.seeds) == (True, ())
    assert [c.field for c in request.constraints] == ["genres"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ('"Surprise Me!"', "Surprise Me!"),
        ("*Surprise Me!*", "Surprise Me!"),
        ("like Surprise Me!", "Surprise Me!"),
        ("the movie Surprise Me", "Surprise Me!"),
        ("movies similar to surprise me", "Surprise Me!"),
        ("something like Anything", "Anything"),
        ('"Whatever You Like"', "Whatever You Like"),
    ],
)
def test_a_you_pick_phrase_marked_as_a_title_is_the_film(
    phrase_titles: TitleIndex, text: str, title: str
) -> None:
    request = read(phrase_titles, text)
    assert (titles(request), request.surprise) == ([title], False)


@pytest.mark.parametrize(
    ("text", "action", "pick"),
    [
        ("more", "more", None),
        ("show me more please", "more", None),
        ("not that one", "exclude_pick", None),
        ("seen that one already", "exclude_pick", None),
        ("like the second one", "like_pick", 2),
        ("the 3rd one", "like_pick", 3),
        ("older ones?", "refine", None),
        ("funnier", "refine", None),
        ("no horror", "refine", None),
        ("what about french ones", "refine", None),
    ],
)
def test_follow_ups_refer_to_the_last_answer(
    index: TitleIndex, text: str, action: str, pick: int | None
) -> None:
    request = read(index, text)
    assert request.intent == "follow_up"
    assert request.follow_up is not None
    assert (request.follow_up.action, request.follow_up.pick) == (action, pick)


def test_a_relative_constraint_is_read_against_the_seed(index: TitleIndex) -> None:
    request = read(index, "like heat but newer and shorter")
    assert titles(request) == ["Heat"]
    assert {(c.field, c.op) for c in request.constraints} == {
        ("year", "after_seed"),
        ("runtime", "shorter_than_seed"),
    }
    assert all(c.relative for c in request.constraints)


def test_not_a_title_excludes_it(index: TitleIndex) -> None:
    request = read(index, "something like heat but not the godfather")
    assert titles(request) == ["Heat"]
    assert [s.match.title for s in request.excluded_titles if s.match] == ["The Godfather"]
    assert ("title", "!=", "tt0068646") in {(c.field, c.op, c.value) for c in request.constraints}


def test_a_seed_says_where_it_was_and_what_else_it_could_be(index: TitleIndex) -> None:
    request = read(index, "movies like the godfather 2 please")
    (seed,) = request.seeds
    assert request.words[seed.span[0] : seed.span[1]] == ("the", "godfather", "2")
    assert seed.match is not None and seed.match.title == "The Godfather Part II"
    assert seed.resolution.status == "matched" and seed.score > 90


def test_imdb_links_are_exact_references(index: TitleIndex) -> None:
    request = read(index, "like https://www.imdb.com/title/tt0113277/ please")
    assert titles(request) == ["Heat"]


def test_without_an_index_only_constraints_are_read() -> None:
    request = understand("a 90s comedy like heat", None, this_year=2025)
    assert request.seeds == ()
    assert {c.field for c in request.constraints} == {"year", "genres"}


@pytest.mark.parametrize("text", HOSTILE, ids=[f"h{i:02d}" for i in range(len(HOSTILE))])
def test_hostile_text_is_read_cleanly(index: TitleIndex, text: str) -> None:
    started = time.perf_counter()
    request = read(index, text)
    assert time.perf_counter() - started < 1.0
    assert request.text == text
    assert len(request.words) <= 80
    for seed in request.seeds:
        assert seed.found or seed.resolution.status == "no_match"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Heat/Ronin", ["Heat", "Ronin"]),
        ("Heat x Ronin please", ["Heat", "Ronin"]),
        ("zombieland meets the big lebowski", ["Zombieland", "The Big Lebowski"]),
        ("Thor crossed with Heat", ["Thor", "Heat"]),
        ("Milk mixed with Ronin please", ["Milk", "Ronin"]),
        ("spotlight or maybe talk to her", ["Spotlight", "Talk to Her"]),
        ("something between Heat and Up", ["Heat", "Up"]),
        ("the brave one x the notebook", ["The Brave One", "The Notebook"]),
    ],
)
def test_lists_of_titles(index: TitleIndex, text: str, expected: list[str]) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the pricess bride was amazing, anything similar?", ["The Princess Bride"]),
        ("any recs like groundhgo day please", ["Groundhog Day"]),
        ("ok zombieland was great", ["Zombieland"]),
        ("we watched the dark knigth last night", ["The Dark Knight"]),
        # two exact titles either side of a colon: one title written a little differently
        (
            "I loved elite squad: the enemy within, anything funnier?",
            ["Elite Squad 2: The Enemy Within"],
        ),
        # a slip next to a shorter exact title is the rest of the longer one
        (
            "tbh Take Me Home Tonigqt blew my mind, recommend something like it",
            ["Take Me Home Tonight"],
        ),
    ],
)
def test_mistyped_titles_in_sentences(index: TitleIndex, text: str, expected: list[str]) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anything close to ronin?", ["Ronin"]),
        ("got any thrillers close to collateral", ["Collateral"]),
        ("whats closest to the notebook", ["The Notebook"]),
        ("we are huge fans of zombielnad and thor, what next", ["Zombieland", "Thor"]),
        ("somewhere between teh notebook and spotlight?", ["The Notebook", "Spotlight"]),
        ("loved Close, anything like it", ["Close"]),
    ],
)
def test_words_around_a_seed_are_not_titles(
    index: TitleIndex, text: str, expected: list[str]
) -> None:
    """ "close to X", "fans of X", "somewhere between X and Y" say how, not which film."""
    assert titles(read(index, text)) == expected


def test_a_title_with_constraint_words_in_capitals_stays_a_title(index: TitleIndex) -> None:
    request = read(index, "movies like Scary Movie but not too long")
    assert titles(request) == ["Scary Movie"]
    assert [(c.field, c.op, c.value) for c in request.constraints] == [("runtime", "<=", 100)]


def test_constraints_stay_with_a_seed_and_their_words(index: TitleIndex) -> None:
    request = read(index, "a scary 90s movie like the shining, under 2 hours, not in french")
    assert titles(request) == ["The Shining"]
    assert [(c.field, c.op, c.value, c.text) for c in request.constraints] == [
        ("genres", "in", ("Horror",), "scary"),
        ("year", "between", (1990, 1999), "90s"),
        ("runtime", "<=", 120, "under 2 hours"),
        ("language", "!=", "fr", "not in french"),
    ]


@pytest.mark.parametrize(
    "text", ["i'd like pizza for lunch", "would you like milk in your coffee", "feels like rain"]
)
def test_a_common_word_after_a_wish_is_no_title(index: TitleIndex, text: str) -> None:
    assert read(index, text).declined


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wanted (2008)/Heat", ["Wanted", "Heat"]),
        ("ok 2046 (2004) was incredible :heart_eyes: need more", ["2046"]),
        ("something between *The Notebook* and 300", ["The Notebook", "300"]),
        ("a mix of heat and [rec]", ["Heat", "[REC]"]),
        ("tbh room blew my mind, recommend something like it", ["Room"]),
        ("zombieland but less gory lol", ["Zombieland"]),
        ("the notebook but less sappy", ["The Notebook"]),
        ("the man from nowhere, what next", ["The Man from Nowhere"]),
    ],
)
def test_what_the_typing_says_is_a_title(index: TitleIndex, text: str, expected: list[str]) -> None:
    """A year in brackets after it, a list, square brackets, a verb after it opening the
    message: each says "title" for words that are ordinary otherwise."""
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we just finished whatever it takes. more like that pls", ["Whatever It Takes"]),
        ("anything else was amazing, got anything similar", ["Anything Else"]),
    ],
)
def test_a_title_around_a_you_pick_word_is_the_film(
    index: TitleIndex, text: str, expected: list[str]
) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("just watched Moneyball and loved it. what should I watch next?", ["Moneyball"]),
        ("honestly parasite is one of the best films ever made. anything close?", ["Parasite"]),
        ("we watched zombieland last night, so good", ["Zombieland"]),
        # ...while a second title the typing marks stays
        ("loved moneyball, and Next too", ["Moneyball", "Next"]),
        ("movies like moneyball (2011) or frozen", ["Moneyball", "Frozen"]),
        ("what do zombieland 2009 and moneyball have in common?", ["Zombieland", "Moneyball"]),
        ("like zombieland but not the notebook", ["Zombieland"]),
    ],
)
def test_ordinary_words_beside_a_title_are_talk(
    index: TitleIndex, text: str, expected: list[str]
) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bend It Like Beckhdam", "Bend It Like Beckham"),  # "like" inside, a slip
        ("Msut Love Dogs", "Must Love Dogs"),
        ("Hey Arnld! The Movie", "Hey Arnold! The Movie"),  # a greeting and "movie" inside
        ("Love and Other Disastrs", "Love and Other Disasters"),  # read as two titles before
        ("Nighst Watch", "Night Watch"),
        ("Nighst Watch (2004)", "Night Watch"),
        (
            "Spring, Summer, Fall, Winter... and Spring",
            "Spring, Summer, Fall, Winter... and Spring",
        ),
        ("The Number 23", "The Number 23"),  # written as a title, not a pick
    ],
)
def test_a_message_that_is_one_title_reads_as_resolve_reads_it(
    index: TitleIndex, text: str, expected: str
) -> None:
    request = read(index, text)
    resolved = index.resolve(text).match
    assert resolved is not None and resolved.title == expected
    assert titles(request) == [expected]
    assert request.seeds[0].span == (0, len(request.words))


@pytest.mark.parametrize(
    ("text", "seeds", "follow_up", "fields"),
    [
        ("the number 2", [], "like_pick", []),  # a pick from the last answer
        ("the number 23", [], "like_pick", []),
        ("anything else?", [], None, []),
        ("movies like teh dark knight", ["The Dark Knight"], None, []),  # a title inside
        ("funny movies like teh dark knight", ["The Dark Knight"], None, ["genres"]),
        ("I loved Night Watch, what else?", ["Night Watch"], None, []),
    ],
)
def test_a_request_around_a_title_is_not_read_as_one_title(
    index: TitleIndex, text: str, seeds: list[str], follow_up: str | None, fields: list[str]
) -> None:
    request = read(index, text)
    assert titles(request) == seeds
    assert (request.follow_up.action if request.follow_up else None) == follow_up
    assert sorted(c.field for c in request.constraints) == fields
    assert all(s.span != (0, len(request.words)) for s in request.seeds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recommend films in the vein of About ime", ["About Time"]),
        ("friends recommended I Origint, what else is in that vein", ["I Origins"]),
        ("fans of in bruegs", ["In Bruges"]),
        ("what else is in the vein of under the skn?", ["Under the Skin"]),
    ],
)
def test_a_mistyped_title_may_open_with_function_words(
    index: TitleIndex, text: str, expected: list[str]
) -> None:
    assert titles(read(index, text)) == expected


@pytest.mark.parametrize(
    ("text", "seed", "fields"),
    [
        ("anything like the notebook, a bit shorter", "the notebook", ["runtime"]),
        ("something like moneyball, a drama please", "moneyball", ["genres"]),
        ("loved Notebook, The", "Notebook, The", []),  # the article inverted, as MovieLens has it
    ],
)
def test_an_article_after_a_comma_opens_the_next_clause(
    index: TitleIndex, text: str, seed: str, fields: list[str]
) -> None:
    request = read(index, text)
    assert [s.text for s in request.seeds] == [seed]
    assert sorted(c.field for c in request.constraints) == fields
