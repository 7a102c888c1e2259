"""Follow-ups that drop a condition of the last request ("any year")."""

from __future__ import annotations

import pytest

from bot.core.intents import thread_reference
from bot.core.request import Field, FollowUp
from bot.core.tokens import tokenize


@pytest.mark.parametrize(
    ("text", "dropped"),
    [
        ("any year", ("year",)),
        ("ok any decade then", ("year",)),
        ("whatever genre", ("genres",)),
        ("forget the length", ("runtime",)),
        ("the rating doesn't matter", ("rating",)),
        ("any language is fine", ("language",)),
    ],
)
def test_a_condition_dropped_by_name(text: str, dropped: tuple[Field, ...]) -> None:
    assert thread_reference(tokenize(text).words) == FollowUp("drop", dropped=dropped)


@pytest.mark.parametrize("text", ["any movie", "anything", "any given sunday", "year one"])
def test_other_words_are_no_drop(text: str) -> None:
    found = thread_reference(tokenize(text).words)
    assert found is None or found.action != "drop"
