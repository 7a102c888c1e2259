"""Conversation on Slack, through signed requests: the reply says back what was understood with
a button to drop each condition, pressing one answers again without it, did-you-mean per seed,
and a thread's follow-up answered by another container from the state in the store (SQLite
and DynamoDB Local)."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e import slack_requests as sr
from tests.e2e.conftest import LambdaBot, button, buttons, find_block, pick_ids
from tests.fixtures.artifacts import SAMPLE_MOVIES

MOVIES = {m.tconst: m for m in SAMPLE_MOVIES}
HEAT, MATRIX = "tt0113277", "tt0133093"
THREAD = "1700000100.000100"


def _years(blocks: list[dict[str, Any]]) -> list[int]:
    return [MOVIES[t].year or 0 for t in pick_ids(blocks)]


def _said(post: dict[str, Any]) -> str:
    return str(find_block(post["blocks"], "seed")["text"]["text"])


def _press(
    bot: LambdaBot, blocks: list[dict[str, Any]], prefix: str, **where: Any
) -> dict[str, Any]:
    block_id, element = button(blocks, prefix)
    return bot.interact(
        sr.block_action(
            sr.button_action(element, block_id),
            response_url=bot.slack_api.response_url(),
            **where,
        )
    )


def test_mention_says_back_its_conditions_and_a_drop_button_answers_without_one(
    any_store_bot: LambdaBot,
) -> None:
    bot = any_store_bot
    bot.event(sr.mention("something like Heat but from the 90s", ts=THREAD))
    first = bot.last_post()
    said = _said(first)
    assert "Heat" in said and "(1995)" in said and "1990s" in said
    assert first["thread_ts"] == THREAD
    assert _years(first["blocks"]) and all(1990 <= y <= 1999 for y in _years(first["blocks"]))
    drop = find_block(first["blocks"], "constraints")["elements"]
    assert [e["text"]["text"] for e in drop] == ["\u2715 1990s"]

    bot.slack_api.clear()
    _press(
        bot, first["blocks"], "drop_constraint", message_ts="1700000100.000200", thread_ts=THREAD
    )
    again = bot.last_post()
    assert again["thread_ts"] == THREAD  # in the same thread
    assert "Heat" in _said(again) and "1990s" not in _said(again)
    assert not [b for b in again["blocks"] if b.get("block_id") == "constraints"]
    assert any(not 1990 <= y <= 1999 for y in _years(again["blocks"]))
    assert HEAT not in pick_ids(again["blocks"])

    # The press is now the thread's last answer: a follow-up refines it, without the 90s.
    bot.restart()
    bot.event(sr.mention("older ones?", ts="1700000100.000300", thread_ts=THREAD))
    older = bot.last_post()
    assert "older" in _said(older) and "1990s" not in _said(older)
    assert _years(older["blocks"]) and all(y < 1995 for y in _years(older["blocks"]))


def test_a_thread_follow_up_is_answered_by_another_container(any_store_bot: LambdaBot) -> None:
    bot = any_store_bot
    bot.event(sr.mention("movies like the matrix", ts=THREAD))
    first = pick_ids(bot.last_post()["blocks"])
    bot.restart()  # a new container: only the store knows the thread
    bot.event(sr.mention("more", ts="1700000100.000400", thread_ts=THREAD))
    more = bot.last_post()
    assert more["thread_ts"] == THREAD
    assert "The Matrix" in _said(more)
    assert pick_ids(more["blocks"]) and not set(first) & set(pick_ids(more["blocks"]))
    bot.restart()
    bot.event(sr.mention("older ones?", ts="1700000100.000500", thread_ts=THREAD))
    older = bot.last_post()
    assert "The Matrix" in _said(older) and "older" in _said(older)
    assert _years(older["blocks"]) and all(y < 1999 for y in _years(older["blocks"]))
    # Another thread has no conversation to continue: the reply says what to ask.
    bot.event(sr.mention("more", ts="1700000100.000600", thread_ts="1700000199.000001"))
    lost = bot.last_post()
    assert "Ask me for movies first" in find_block(lost["blocks"], "no_context")["text"]["text"]
    assert not pick_ids(lost["blocks"])


def test_a_dm_follow_up_refines_the_last_answer(lambda_bot: LambdaBot) -> None:
    lambda_bot.event(sr.direct_message("like heat", ts="1700000100.000700"))
    first = pick_ids(lambda_bot.last_post()["blocks"])
    lambda_bot.restart()
    lambda_bot.event(sr.direct_message("no crime", ts="1700000100.000800"))
    reply = lambda_bot.last_post()
    assert "Heat" in _said(reply) and "no crime" in _said(reply)
    picks = pick_ids(reply["blocks"])
    assert picks and picks != first
    assert all("Crime" not in MOVIES[t].genres for t in picks)


def test_slash_movie_with_conditions_is_ephemeral_and_a_drop_replaces_it(
    lambda_bot: LambdaBot,
) -> None:
    lambda_bot.command("like heat, rated at least 9.5")
    private = lambda_bot.last_post("response_url")
    assert private["response_type"] == "ephemeral"
    lead = find_block(private["blocks"], "nothing_fits")["text"]["text"]
    assert "Nothing in the catalogue fits" in lead and "rated 9.5+" in lead
    assert not pick_ids(private["blocks"])

    lambda_bot.slack_api.clear()
    _press(lambda_bot, private["blocks"], "drop_constraint", ephemeral=True)
    [replaced] = lambda_bot.slack_api.calls("response_url")
    assert replaced["replace_original"] is True and replaced["response_type"] == "ephemeral"
    assert "Heat" in _said(replaced) and "9.5" not in _said(replaced)
    assert len(pick_ids(replaced["blocks"])) == 5
    assert lambda_bot.slack_api.calls("chat.postMessage") == []


def test_slash_movie_without_a_seed_picks_by_the_conditions_and_pages_with_them(
    lambda_bot: LambdaBot,
) -> None:
    lambda_bot.command("an 80s movie")
    first = lambda_bot.last_post("response_url")
    assert "1980s" in _said(first)
    shown = pick_ids(first["blocks"])
    assert len(shown) == 5 and all(1980 <= MOVIES[t].year <= 1989 for t in shown)  # type: ignore[operator]
    lambda_bot.slack_api.clear()
    _press(lambda_bot, first["blocks"], "show_more", ephemeral=True)
    page = lambda_bot.last_post("response_url")
    more = pick_ids(page["blocks"])
    assert more and not set(more) & set(shown)
    assert all(1980 <= MOVIES[t].year <= 1989 for t in more)  # type: ignore[operator]


def test_did_you_mean_for_one_seed_of_several_keeps_the_others(lambda_bot: LambdaBot) -> None:
    lambda_bot.event(sr.mention("like heat and the matrix", ts=THREAD))
    first = lambda_bot.last_post()
    said = _said(first)
    assert "Heat" in said and "The Matrix" in said
    block = find_block(first["blocks"], "other_matches:1")  # the second seed's
    alternative = block["elements"][0]
    lambda_bot.slack_api.clear()
    lambda_bot.interact(
        sr.block_action(
            sr.button_action(alternative, "other_matches:1"),
            response_url=lambda_bot.slack_api.response_url(),
            message_ts="1700000100.000900",
            thread_ts=THREAD,
        )
    )
    again = _said(lambda_bot.last_post())
    chosen = MOVIES[json.loads(alternative["value"])["s"][1]].title
    assert "Heat" in again and chosen in again and chosen != "The Matrix"
    ids = [e["action_id"] for _, e in buttons(first["blocks"])]
    assert len(ids) == len(set(ids))
