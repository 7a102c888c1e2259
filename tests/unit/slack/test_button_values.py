"""What buttons carry: pages of an answer and marks, and refusing values that are not ours."""

from __future__ import annotations

from bot.core.models import MarkKind
from bot.slack.button_values import decode_mark, decode_page, encode_mark, encode_page


def test_page_and_mark_values_reject_garbage() -> None:
    for junk in (None, "", "{", '{"t": "", "o": 1}', '{"t": "tt1"}', "[]"):
        assert decode_page(junk) is None
    assert decode_page('{"t":"tt1","o":-5}') == ("tt1", 0)
    assert decode_mark("bogus:tt1") is None
    assert decode_mark(encode_mark(MarkKind.SEEN, "tt1")) == (MarkKind.SEEN, "tt1")


def test_page_values_round_trip() -> None:
    assert decode_page(encode_page("tt0133093", 10)) == ("tt0133093", 10)
