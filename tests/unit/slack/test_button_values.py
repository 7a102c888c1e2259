"""What buttons carry: pages of an answer and marks, and refusing values that are not ours."""

from __future__ import annotations

from bot.core.models import MarkKind
from bot.core.request import Constraint
from bot.slack.button_values import (
    VALUE_LIMIT,
    RequestValue,
    decode_mark,
    decode_page,
    decode_request,
    encode_mark,
    encode_page,
    encode_request,
)


def test_page_and_mark_values_reject_garbage() -> None:
    for junk in (None, "", "{", '{"t": "", "o": 1}', '{"t": "tt1"}', "[]"):
        assert decode_page(junk) is None
    assert decode_page('{"t":"tt1","o":-5}') == ("tt1", 0)
    assert decode_mark("bogus:tt1") is None
    assert decode_mark(encode_mark(MarkKind.SEEN, "tt1")) == (MarkKind.SEEN, "tt1")


def test_page_values_round_trip() -> None:
    assert decode_page(encode_page("tt0133093", 10)) == ("tt0133093", 10)


def test_request_values_round_trip_and_reject_what_is_not_a_request() -> None:
    era = Constraint("year", "between", (1990, 1999), "from the 90s")
    genre = Constraint("genres", "not in", ("Horror",), "no horror")
    value = encode_request(["tt0113277", "tt0133093"], [era, genre], 5)
    assert value is not None
    assert decode_request(value) == RequestValue(("tt0113277", "tt0133093"), (era, genre), 5)
    assert decode_request(encode_request([], [])) == RequestValue((), ())
    for junk in (
        None,
        "",
        encode_page("tt1", 3),
        '{"s":["heat"],"c":[]}',  # not an IMDb id
        '{"s":[],"c":[{"field":"plot","op":"==","value":1,"text":"x"}]}',
        '{"s":[],"c":[{"field":"year","op":"like","value":1,"text":"x"}]}',
        '{"s":[],"c":[{"field":"year","op":"==","value":{"a":1},"text":"x"}]}',
        '{"s":[],"c":[{"field":"year","op":"=="}]}',
        '{"s":[],"c":"x"}',
    ):
        assert decode_request(junk) is None, junk


def test_request_values_fit_slacks_limit_or_are_none() -> None:
    wordy = [Constraint("genres", "in", ("Comedy",), "w" * 900) for _ in range(3)]
    value = encode_request(["tt0113277"], wordy)
    assert value is not None and len(value) <= VALUE_LIMIT
    decoded = decode_request(value)
    assert decoded is not None and [c.value for c in decoded.constraints] == [("Comedy",)] * 3
    too_many = [Constraint("title", "!=", f"tt{i:07d}", "x") for i in range(200)]
    assert encode_request(["tt0113277"], too_many) is None
