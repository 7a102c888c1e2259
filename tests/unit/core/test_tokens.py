"""A message as words: markup gone, quotes and formatting remembered, IMDb ids kept aside."""

from __future__ import annotations

from bot.core.tokens import tokenize


def test_slack_markup_emoji_and_links_go() -> None:
    tokens = tokenize("<@U0BOT1> :popcorn: films like <https://example.com|Heat> 🍿 <!here>")
    assert [t.text for t in tokens.words] == ["films", "like", "Heat"]
    # a link's label is what the user pointed at: a marked group
    assert tokens.groups == {1: (2, 3)}


def test_quotes_bold_and_italics_mark_groups() -> None:
    tokens = tokenize('like "the big lebowski" or *Heat* and _alien_')
    assert [t.text for t in tokens.words] == [
        "like", "the", "big", "lebowski", "or", "Heat", "and", "alien",
    ]  # fmt: skip
    assert sorted(tokens.groups.values()) == [(1, 4), (5, 6), (7, 8)]


def test_apostrophes_inside_words_stay() -> None:
    tokens = tokenize("Ocean's Eleven, Schindler’s List")
    assert [t.parts for t in tokens.words] == [("oceans",), ("eleven",), ("schindlers",), ("list",)]
    assert tokens.groups == {}


def test_sentence_ends_but_not_abbreviations() -> None:
    tokens = tokenize("Dead Snow 2: Red vs. Dead. what else?")
    ends = [t.text for t in tokens.words if t.ends_sentence]
    assert ends == ["Dead", "else"]


def test_imdb_ids_are_references() -> None:
    tokens = tokenize("like tt0113277 or https://www.imdb.com/title/tt0078748/")
    assert tokens.references == ("tt0113277", "tt0078748")
    assert [t.text for t in tokens.words] == ["like", "or"]


def test_long_messages_are_cut() -> None:
    assert len(tokenize("word " * 5000).words) == 80
