"""Block Kit for answers, notices, the modal and the Home tab."""

from __future__ import annotations

import json

from bot.core.manifest import Manifest
from bot.core.matching import Candidate
from bot.core.models import Mark, MarkKind, ModelVersion
from bot.slack import action_ids as ids
from bot.slack import blocks as b
from bot.slack.button_values import decode_mark, decode_page
from bot.usecases.movies import Answer
from tests.fixtures.answers import MATRIX, matrix_answer
from tests.fixtures.artifacts import SAMPLE_MOVIES


def _actions(message: b.Message) -> list[dict]:
    return [e for blk in message.blocks if blk["type"] == "actions" for e in blk["elements"]]


def test_answer_has_seed_picks_with_reasons_more_like_this_and_overflow() -> None:
    message = b.answer_message(matrix_answer())
    seed = message.blocks[0]["text"]["text"]
    assert "<https://www.imdb.com/title/tt0133093/|The Matrix>" in seed
    assert "(1999)" in seed and "Action, Sci-Fi" in seed and "8.7" in seed
    picks = [blk for blk in message.blocks if blk.get("block_id", "").startswith("pick:")]
    assert len(picks) == 5
    assert "reason 0" in picks[0]["text"]["text"]
    more = [e for e in _actions(message) if e["action_id"].startswith(ids.MORE_LIKE)]
    assert [e["value"] for e in more] == [m.tconst for m in SAMPLE_MOVIES[1:6]]
    menus = [e for e in _actions(message) if e["type"] == "overflow"]
    assert decode_mark(menus[0]["options"][1]["value"]) == (
        MarkKind.NOT_INTERESTED,
        SAMPLE_MOVIES[1].tconst,
    )
    assert "Movies like The Matrix (1999)" in message.text


def test_show_more_carries_how_many_were_shown_and_share_only_when_asked() -> None:
    message = b.answer_message(matrix_answer(offset=5))
    show = next(e for e in _actions(message) if e["action_id"].startswith(ids.SHOW_MORE))
    assert decode_page(show["value"]) == (MATRIX.tconst, 10)
    assert not [e for e in _actions(message) if e["action_id"].startswith(ids.SHARE)]
    shared = b.answer_message(matrix_answer(offset=5), shareable=True)
    share = next(e for e in _actions(shared) if e["action_id"].startswith(ids.SHARE))
    assert decode_page(share["value"]) == (MATRIX.tconst, 5)
    assert not [
        e
        for e in _actions(b.answer_message(matrix_answer(has_more=False)))
        if "show_more" in e["action_id"]
    ]


def test_action_ids_are_unique_per_message() -> None:
    found = [e["action_id"] for e in _actions(b.answer_message(matrix_answer(), shareable=True))]
    assert len(found) == len(set(found))


def test_unresolved_answers_offer_did_you_mean_or_say_no_match() -> None:
    alts = [Candidate("tt1396484", "It", 2017, 90.0), Candidate("tt0099864", "It", 1990, 90.0)]
    ambiguous = Answer("it", "ambiguous", None, None, alternatives=alts)
    message = b.answer_message(ambiguous)
    assert "Did you mean" in message.blocks[0]["text"]["text"]
    assert [e["value"] for e in message.blocks[1]["elements"]] == ["tt1396484", "tt0099864"]
    assert [e["text"]["text"] for e in message.blocks[1]["elements"]] == ["It (2017)", "It (1990)"]
    missing = b.answer_message(Answer("<!here> *zz*", "no_match", None, None))
    text = missing.blocks[0]["text"]["text"]
    assert "could not find" in text and "&lt;!here&gt;" in text and "*zz*" not in text
    assert len(missing.blocks) == 1


def test_no_model_and_empty_answers_are_clear() -> None:
    assert "no movie model" in b.answer_message(Answer("x", "no_model", None, None)).text
    empty = b.answer_message(Answer("", "empty", None, None))
    assert any(blk.get("block_id") == "help" for blk in empty.blocks)


def test_modal_has_an_external_select_and_options_are_capped() -> None:
    view = b.movie_modal(json.dumps({"channel": "C1"}))
    element = view["blocks"][0]["element"]
    assert (view["callback_id"], element["type"], element["action_id"]) == (
        ids.MODAL_CALLBACK,
        "external_select",
        ids.MODAL_SELECT,
    )
    long = Candidate("tt1", "A" * 300, 2000, 50.0)
    options = b.option_list([long] * 150)
    assert len(options) == 100
    assert len(options[0]["text"]["text"]) <= 75


def test_home_lists_marks_with_remove_buttons_and_the_model() -> None:
    marks = [
        Mark("tt0113277", MarkKind.SEEN, "Heat"),
        Mark("tt0070047", MarkKind.NOT_INTERESTED, "The *Exorcist*"),
    ]
    manifest = Manifest("v-9", "2026-11-20T00:00:00Z", counts={"movies": 720000}, k=400)
    model = ModelVersion("v-9", manifest)
    view = b.home_view(marks, model)
    assert view["type"] == "home"
    removes = [blk["accessory"]["value"] for blk in view["blocks"] if blk.get("accessory")]
    assert removes == ["tt0113277", "tt0070047"]
    text = json.dumps(view, ensure_ascii=False)
    assert "Not interested" in text and "*Exorcist*" not in text
    model_text = next(blk for blk in view["blocks"] if blk.get("block_id") == "model")["text"][
        "text"
    ]
    assert "v-9" in model_text and "720,000" in model_text and "400" in model_text
    many = b.home_view([Mark(f"tt{i:07d}", MarkKind.SEEN, f"M{i}") for i in range(300)], None)
    assert len(many["blocks"]) <= 100
    assert "No model is loaded" in json.dumps(many)
