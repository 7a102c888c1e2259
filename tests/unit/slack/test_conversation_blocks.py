"""Block Kit for answers to sentences: what was understood said back, a drop button per
condition carrying the request without it, widening and nothing-fits notes, did-you-mean per
seed, and small talk answered without a movie."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import pytest

from bot.core.matching import Candidate
from bot.core.models import Movie
from bot.core.request import Constraint
from bot.slack import blocks as b
from bot.slack.button_values import RequestValue, decode_request
from bot.usecases.movies import Answer, SeedAnswer
from tests.fixtures.answers import MATRIX, matrix_answer
from tests.fixtures.artifacts import SAMPLE_MOVIES

HEAT = next(m for m in SAMPLE_MOVIES if m.tconst == "tt0113277")
ERA = Constraint("year", "between", (1990, 1999), "from the 90s")
COMEDY = Constraint("genres", "in", ("Comedy",), "funnier")


def _seed(
    movie: Movie = MATRIX, text: str = "the matrix", alternatives: Sequence[Candidate] = ()
) -> SeedAnswer:
    match = Candidate(movie.tconst, movie.title, movie.year, 99.0)
    return SeedAnswer(text, match, movie, list(alternatives))


def _block(message: b.Message, block_id: str) -> dict:
    return next(blk for blk in message.blocks if blk.get("block_id") == block_id)


def _ids(message: b.Message) -> list[str]:
    return [str(blk.get("block_id")) for blk in message.blocks]


def _elements(message: b.Message) -> list[dict]:
    return [e for blk in message.blocks if blk["type"] == "actions" for e in blk["elements"]]


def test_the_reply_says_back_the_seed_and_each_condition_with_a_drop_button() -> None:
    answer = matrix_answer(seeds=(_seed(),), constraints=(ERA, COMEDY))
    message = b.answer_message(answer)
    said = _block(message, "seed")["text"]["text"]
    assert said.startswith(
        "Movies like *<https://www.imdb.com/title/tt0133093/|The Matrix>* (1999)"
    )
    assert said.endswith(" \u00b7 1990s \u00b7 comedy")
    drops = _block(message, "constraints")["elements"]
    assert [e["text"]["text"] for e in drops] == ["\u2715 1990s", "\u2715 comedy"]
    assert [decode_request(e["value"]) for e in drops] == [
        RequestValue((MATRIX.tconst,), (COMEDY,)),
        RequestValue((MATRIX.tconst,), (ERA,)),
    ]
    # Show more and Share page the same request, conditions and all.
    more = next(e for e in _elements(message) if e["action_id"].startswith("show_more"))
    assert decode_request(more["value"]) == RequestValue((MATRIX.tconst,), (ERA, COMEDY), 5)


def test_without_conditions_the_reply_is_as_before() -> None:
    message = b.answer_message(matrix_answer(seeds=(_seed(),)))
    assert "constraints" not in _ids(message) and "widened" not in _ids(message)
    assert "Action, Sci-Fi" in _block(message, "seed")["text"]["text"]


def test_several_seeds_are_named_and_each_gets_its_did_you_mean() -> None:
    reloaded = Candidate("tt0234215", "The Matrix Reloaded", 2003, 80.0)
    seeds = (_seed(HEAT, "heat"), _seed(MATRIX, "the matrx", [reloaded]))
    message = b.answer_message(matrix_answer(seeds=seeds, constraints=(ERA,)))
    said = _block(message, "seed")["text"]["text"]
    assert (
        "Heat</" not in said and "|Heat>* (1995) and *<" in said and "The Matrix>* (1999)" in said
    )
    assert "other_matches" not in _ids(message)  # Heat had no other candidates
    [button] = _block(message, "other_matches:1")["elements"]
    assert decode_request(button["value"]) == RequestValue((HEAT.tconst, reloaded.tconst), (ERA,))
    assert "the matrx" in json.dumps(message.blocks)
    ids = [e["action_id"] for e in _elements(message)]
    assert len(ids) == len(set(ids))


def test_widening_is_said() -> None:
    message = b.answer_message(matrix_answer(seeds=(_seed(),), constraints=(ERA,), widened=True))
    assert "nearest clusters" in _block(message, "widened")["elements"][0]["text"]


def test_nothing_fits_says_so_and_offers_to_drop_each_condition() -> None:
    answer = Answer(
        "like the matrix, 90s comedy", "nothing_fits", None, MATRIX,
        seeds=(_seed(),), constraints=(ERA, COMEDY),
    )  # fmt: skip
    message = b.answer_message(answer)
    lead = _block(message, "nothing_fits")["text"]["text"]
    assert "Nothing in the catalogue fits" in lead and "1990s" in lead and "comedy" in lead
    assert len(_block(message, "constraints")["elements"]) == 2
    assert not [blk for blk in message.blocks if str(blk.get("block_id")).startswith("pick:")]


def test_picks_without_a_seed_say_their_conditions_and_page_with_them() -> None:
    picked = replace(matrix_answer(constraints=(ERA,)), status="picked", match=None, movie=None)
    message = b.answer_message(picked, shareable=True)
    assert _block(message, "seed")["text"]["text"] == "Well-liked picks \u00b7 1990s"
    [drop] = _block(message, "constraints")["elements"]
    assert decode_request(drop["value"]) == RequestValue((), ())
    share = next(e for e in _elements(message) if e["action_id"].startswith("share_answer"))
    assert decode_request(share["value"]) == RequestValue((), (ERA,), 0)


@pytest.mark.parametrize(
    ("status", "block_id"), [("chat", "chat"), ("help", "help"), ("no_context", "no_context")]
)
def test_small_talk_and_follow_ups_with_nothing_before_get_no_movie(
    status: str, block_id: str
) -> None:
    message = b.answer_message(Answer("thanks!", status, None, None))  # type: ignore[arg-type]
    assert block_id in _ids(message)
    assert not _elements(message)  # no movie, no button
    if status == "no_context":
        assert "Ask me for movies first" in message.text
