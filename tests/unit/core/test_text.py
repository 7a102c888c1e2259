"""User text is echoed safely: no mentions, links or formatting come out of it, it is capped,
and nothing (emoji, RTL, control characters, 40,000 characters) makes it crash."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.core import text as t


@pytest.mark.parametrize(
    "raw",
    ["<!channel>", "<!here|here>", "<@U0EVIL>", "<#C0EVIL|general>", "<http://evil.example|x>"],
)
def test_markup_is_escaped_not_interpreted(raw: str) -> None:
    out = t.mrkdwn(raw)
    assert "<" not in out and ">" not in out
    assert out.startswith("&lt;") and out.endswith("&gt;")


def test_ampersand_is_escaped_once() -> None:
    assert t.mrkdwn("Fast & Furious &lt;") == "Fast &amp; Furious &amp;lt;"


@pytest.mark.parametrize("raw", ["*bold*", "_italic_", "~strike~", "`code`", "```block```"])
def test_formatting_characters_cannot_format(raw: str) -> None:
    out = t.mrkdwn(raw)
    assert not re.search(r"[*_~`]", out)
    # Still readable: look-alike characters in the same places, the words kept.
    assert len(out) == len(raw)
    assert re.sub(r"[*_~`]", "", raw) in out


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@Channel!"])
def test_bare_broadcast_words_are_defused(word: str) -> None:
    out = t.mrkdwn(f"hey {word} look")
    assert not re.search(r"@(channel|here|everyone)\b", out, re.IGNORECASE)
    assert "@\u2060" in out


def test_control_and_bidi_characters_are_dropped_and_whitespace_collapsed() -> None:
    assert t.clean("a\x00b\x1b[31m\tc\r\nd\u202ee\u2066f") == "ab[31m c de" + "f"


def test_emoji_rtl_and_combining_marks_survive() -> None:
    for raw in ["🎬🍿 jaws 🦈", "العراب", "שר הטבעות", "Z̴̡a̶l̷g̵o̵", "👨‍👩‍👧‍👦"]:
        assert t.clean(raw) == raw


def test_length_is_capped_with_an_ellipsis() -> None:
    out = t.mrkdwn("x" * 40_000, 200)
    assert len(out) == 200 and out.endswith("…")
    assert t.quote_query("y" * 40_000).count("y") < t.QUERY_ECHO_LIMIT


def test_escaping_never_grows_past_what_slack_allows_for_a_section() -> None:
    out = t.mrkdwn("<" * 40_000)  # each < becomes 4 characters
    assert len(out) <= 4 * t.SECTION_TEXT_LIMIT


def test_lone_surrogates_and_non_strings_do_not_crash() -> None:
    assert t.clean("a\ud800b") == "ab"
    assert t.clean(None) == ""
    assert t.clean(12) == "12"
    assert t.plain("\x00\x01") == " "  # plain_text must never be empty


def test_links_escape_their_label_and_url() -> None:
    out = t.link("https://www.imdb.com/find/?q=a&b|c>", "<!channel> *x*")
    assert out.startswith("<https://www.imdb.com/find/?q=a&amp;b%7Cc%3E|")
    assert out.count("<") == 1 and out.count(">") == 1


def test_for_matcher_keeps_words_and_caps_length() -> None:
    assert t.for_matcher("  movies\nlike\theat  ") == "movies like heat"
    assert len(t.for_matcher("z" * 40_000)) == t.INPUT_LIMIT


@pytest.mark.parametrize("escape", [t.mrkdwn_lines, t.code_lines])
def test_lines_are_kept_escaped_and_capped_after_escaping(
    escape: Callable[[object, int], str],
) -> None:
    out = escape("Traceback:\n  <!channel> & <http://x|y>\n\n\x00\n`done`", 3000)
    assert out.split("\n")[0] == "Traceback:" and len(out.split("\n")) == 3  # blank ones dropped
    assert "<" not in out and ">" not in out and "`" not in out
    for raw in ("<" * 2000, "&" * 2000, "abc" * 400 + "<" * 2000, ("a<&" * 30 + "\n") * 100):
        capped = escape(raw, 1500)
        assert len(capped) <= 1500 and capped.endswith(t.ELLIPSIS)
        assert not re.search(r"&(?:a|am|amp|l|lt|g|gt)?…", capped)  # no entity cut in half
    assert escape("a" * 10, 0) == "" and escape(None, 10) == ""


def test_code_keeps_what_a_reader_copies_and_nothing_ends_the_code() -> None:
    key = "s3://bucket/models/my_job*2/~x/model.tar.gz"
    assert t.code(key, 200) == key  # inside code Slack formats nothing: no look-alikes
    assert t.code_lines(f"{key}\n{key}", 200) == f"{key}\n{key}"
    out = t.code("``` <!here> @here", 200)
    assert "`" not in out and "<" not in out and "@here" not in out
    assert len(t.code("<" * 5000, 200)) <= 200
