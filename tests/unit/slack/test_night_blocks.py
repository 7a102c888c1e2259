"""The movie night's Block Kit: pure functions of the night, checked block by block."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.core.matching import Candidate
from bot.core.night import Night, NightFilm
from bot.core.request import Constraint
from bot.slack import action_ids as ids
from bot.slack import night_blocks as nb
from bot.slack.night_values import (
    ModalTarget,
    Pick,
    decode_film,
    decode_modal,
    decode_pick,
    encode_film,
)
from bot.tools.terminal import render_text

HEAT = NightFilm("tt0113277", "Heat", 1995, 3.0, "close to Ronin · 1990s, rated 8.3")
RONIN = NightFilm("tt0122690", "Ronin", 1998, 2.0, "close to Heat")
ALIEN = NightFilm("tt0078748", "Alien <b>*", 1979, 1.0, "")


def _night(**changes: Any) -> Night:
    night = Night(
        night_id="N1",
        channel="C0MOVIES",
        started_by="U0ALICE",
        request_text="something *tense* <!channel>",
        constraints=(Constraint("year", "between", (1990, 1999), "from the 90s"),),
        created_at="2026-12-01T18:00:00Z",
        closes_at="2026-12-01T21:30:00Z",
        members=("U0ALICE", "U0BOB"),
        favourites={"U0ALICE": ("tt0133093",)},
        shortlist=(HEAT, RONIN, ALIEN),
        votes={HEAT.tconst: frozenset({"U0ALICE", "U0BOB"}), RONIN.tconst: frozenset({"U0BOB"})},
    )
    return dataclasses.replace(night, **changes)


def _elements(message: nb.Message) -> list[dict[str, Any]]:
    found = []
    for block in message.blocks:
        found += block.get("elements", []) if block["type"] == "actions" else []
        if block.get("accessory"):
            found.append(block["accessory"])
    return found


def _text(message: nb.Message) -> str:
    return render_text(message.blocks).text


def test_open_night_shows_starter_members_request_constraints_and_closing_time() -> None:
    message = nb.night_message(_night())
    lead = next(b for b in message.blocks if b.get("block_id") == "night_lead")["text"]["text"]
    assert lead.startswith("<@U0ALICE> started a movie night")
    assert "<!channel>" not in lead and "*tense*" not in lead  # the request is escaped
    context = next(b for b in message.blocks if b.get("block_id") == "night_context")
    said = context["elements"][0]["text"]
    assert "<@U0ALICE> (1★), <@U0BOB>" in said
    assert "Wanted: 1990s" in said
    assert "<!date^1796160600^" in said and "2026-12-01 21:30 UTC" in said


def test_each_film_has_a_vote_button_with_its_tally_and_the_night_has_its_buttons() -> None:
    message = nb.night_message(_night())
    votes = [e for e in _elements(message) if e["action_id"].startswith(ids.NIGHT_VOTE)]
    assert [e["text"]["text"] for e in votes] == ["\U0001f44d 2", "\U0001f44d 1", "\U0001f44d 0"]
    assert [decode_film(e["value"]) for e in votes] == [
        ("N1", HEAT.tconst),
        ("N1", RONIN.tconst),
        ("N1", ALIEN.tconst),
    ]
    assert len({e["action_id"] for e in votes}) == 3  # Slack refuses duplicate action ids
    rest = [e["action_id"] for e in _elements(message) if e not in votes]
    assert rest == [ids.NIGHT_JOIN, ids.NIGHT_FAVOURITE, ids.NIGHT_SUGGEST, ids.NIGHT_CLOSE]
    shown = _text(message)
    assert "Heat (1995) · 2 votes" in shown and "Ronin (1998) · 1 vote" in shown
    assert "close to Ronin · 1990s, rated 8.3" in shown
    assert "Alien <b>* (1979)" in shown  # a title is escaped, and reads back as typed


def test_a_night_without_shortlist_says_how_to_get_one() -> None:
    message = nb.night_message(_night(shortlist=(), votes={}))
    assert "No shortlist yet" in _text(message)
    assert not [e for e in _elements(message) if e["action_id"].startswith(ids.NIGHT_VOTE)]


def test_closed_night_announces_the_winner_with_why_and_we_watched_it() -> None:
    message = nb.night_message(_night(state="closed", winner=HEAT.tconst))
    shown = _text(message)
    assert "Tonight's film: Heat (1995) with 2 votes" in shown
    assert "Why: close to Ronin" in shown and "tie" not in shown
    actions = [e["action_id"] for e in _elements(message)]
    assert actions == [ids.NIGHT_WATCHED]  # no more votes, joins or closing
    assert "Voting closes" not in shown
    assert message.text == "Movie night: Heat won"


def test_a_tie_shows_the_rule_that_broke_it() -> None:
    votes = {HEAT.tconst: frozenset({"U0ALICE"}), RONIN.tconst: frozenset({"U0BOB"})}
    night = _night(state="closed", winner=HEAT.tconst, votes=votes)
    assert f"It was a tie. {night.tie_rule}" in _text(nb.night_message(night))


def test_closed_without_a_shortlist_says_there_is_no_winner() -> None:
    message = nb.night_message(_night(state="closed", winner=None, votes={}, shortlist=()))
    assert "nothing on the shortlist, so there is no winner" in _text(message)
    assert _elements(message) == []


def test_many_members_are_cut_with_a_count() -> None:
    members = tuple(f"U{i:04d}" for i in range(40))
    said = _text(nb.night_message(_night(members=members)))
    assert "and 10 more" in said


def test_modal_uses_the_movie_typeahead_and_carries_its_night() -> None:
    target = ModalTarget("N1", "suggest", "C0MOVIES")
    view = nb.night_modal(target)
    assert view["callback_id"] == ids.NIGHT_MODAL_CALLBACK
    element = view["blocks"][0]["element"]
    assert (view["blocks"][0]["block_id"], element["action_id"]) == (
        ids.MODAL_BLOCK,
        ids.MODAL_SELECT,
    )
    assert element["type"] == "external_select"
    assert decode_modal(view["private_metadata"]) == target


def test_did_you_mean_buttons_add_the_film_meant() -> None:
    candidates = [
        Candidate("tt0113277", "Heat", 1995, 90.0),
        Candidate("tt0000001", "Heat", 1972, 80.0),
    ]
    message = nb.night_did_you_mean("N1", "favourite", "Which Heat?", candidates)
    picks = [decode_pick(e["value"]) for e in _elements(message)]
    assert picks == [Pick("N1", "favourite", "tt0113277"), Pick("N1", "favourite", "tt0000001")]


def test_values_not_ours_read_as_none() -> None:
    assert decode_film(encode_film("N|1", "tt0113277")) == ("N|1", "tt0113277")
    for junk in (None, "", "N1", "N1|heat", "|tt1"):
        assert decode_film(junk) is None
    for junk in (None, "", "[]", '{"n":"N1","k":"boo","t":"tt1"}', '{"n":"N1","k":"favourite"}'):
        assert decode_pick(junk) is None
        assert decode_modal(junk if junk and "boo" in junk else None) is None


def test_the_announcement_is_the_winner_and_we_watched_it() -> None:
    message = nb.winner_message(_night(state="closed", winner=RONIN.tconst))
    assert "Tonight's film: Ronin (1998) with 1 vote" in _text(message)
    (watched,) = _elements(message)
    assert decode_film(watched["value"]) == ("N1", RONIN.tconst)
