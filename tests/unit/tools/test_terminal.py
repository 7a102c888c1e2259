"""The terminal rendering of the bot's Block Kit: buttons and overflow options numbered, links
on lines of their own, escaped text shown as typed."""

from __future__ import annotations

from bot.slack.blocks import answer_message
from bot.tools.terminal import render_text
from bot.usecases.movies import Answer
from tests.fixtures.answers import matrix_answer
from tests.fixtures.artifacts import SAMPLE_MOVIES


def test_terminal_rendering_numbers_buttons_and_overflow_options() -> None:
    rendered = render_text(answer_message(matrix_answer(), shareable=True).blocks)
    assert "The Matrix (1999)" in rendered.text
    assert "\n  https://www.imdb.com/title/tt0133093/\n" in rendered.text
    assert "[1] More like this" in rendered.text
    labels = [p.label for p in rendered.presses]
    assert labels[:3] == [
        "More like this",
        f"Seen it: {SAMPLE_MOVIES[1].title}",
        f"Not interested: {SAMPLE_MOVIES[1].title}",
    ]
    assert labels[-2:] == ["Show more", "Share in channel"]
    assert rendered.presses[1].kind == "overflow" and rendered.presses[1].value.startswith("seen:")
    assert f"[{len(labels)}] Share in channel" in rendered.text


def test_terminal_rendering_shows_escaped_user_text_as_typed() -> None:
    rendered = render_text(
        answer_message(Answer("<!channel> *hi* & _x_", "no_match", None, None)).blocks
    )
    assert "<!channel> *hi* & _x_" in rendered.text
