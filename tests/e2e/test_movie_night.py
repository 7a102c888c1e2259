"""A movie night through signed requests, as Slack sends them to the bot's Lambda: `/movie night`,
Join, the add-favourite modal, votes (50 in parallel, on SQLite and DynamoDB Local), closing by
hand and by its schedule, "We watched it", and each bad input of issue 15."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bot.adapters.night_timer import close_night_event, schedule_name
from bot.adapters.store import open_store
from bot.adapters.store.base import Store
from bot.config import Settings
from bot.core.clock import format_utc, utc_now
from bot.core.models import MarkKind, Movie
from bot.core.night import Night
from bot.slack import action_ids as ids
from bot.slack.night_values import decode_film
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import LambdaBot, button, buttons, pick_ids
from tests.fixtures.artifacts import SAMPLE_MOVIES, write_artifact

BOB = "U0BOB"
CAROL = "U0CAROL"
HEAT, GODFATHER, PULP = "tt0113277", "tt0068646", "tt0110912"
_clicks = itertools.count(1)


# --- reading what the bot posted -------------------------------------------------------------


def _night_posts(bot: LambdaBot) -> list[dict[str, Any]]:
    """The night's message as posted, then as updated, in order."""
    return [
        body
        for method, body in bot.slack_api.recorded()
        if method in ("chat.postMessage", "chat.update")
        and any(b.get("block_id") == "night_lead" for b in body.get("blocks") or [])
    ]


def _night_message(bot: LambdaBot) -> dict[str, Any]:
    posts = _night_posts(bot)
    assert posts, f"no night message (saw {bot.slack_api.methods()})"
    return posts[-1]


def _button(message: dict[str, Any], action_id: str) -> tuple[str, dict[str, Any]]:
    return button(message.get("blocks") or [], action_id)


def _vote_buttons(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = buttons(message.get("blocks") or [])
    return [(b, e) for b, e in found if e["action_id"].startswith(ids.NIGHT_VOTE)]


def _night_id(message: dict[str, Any]) -> str:
    return str(_button(message, ids.NIGHT_CLOSE)[1]["value"])


def _said_privately(bot: LambdaBot) -> str:
    """Everything told privately so far (ephemeral posts and response_url answers)."""
    said = [
        json.dumps(body.get("blocks") or body.get("text"))
        for method, body in bot.slack_api.recorded()
        if method in ("chat.postEphemeral", "response_url")
    ]
    return "\n".join(said)


def _store() -> Store:
    settings = Settings.from_env()
    return open_store(settings.store_url, endpoint_url=settings.aws_endpoint_url)


def _night(night_id: str) -> Night:
    store = _store()
    try:
        night = store.night(night_id)
    finally:
        store.close()
    assert night is not None
    return night


# --- acting as Slack users -------------------------------------------------------------------


def _press(
    bot: LambdaBot,
    user: str,
    button: tuple[str, dict[str, Any]],
    *,
    action_ts: str | None = None,
    settle: bool = True,
) -> dict[str, Any]:
    block_id, element = button
    action = sr.button_action(element, block_id)
    # Slack stamps each click anew; a retry of a click carries its stamp again.
    action["action_ts"] = action_ts or f"1700000000.{next(_clicks):06d}"
    payload = sr.block_action(action, user=user, response_url=bot.slack_api.response_url())
    body, ctype = sr.interactive_body(payload)
    return bot.send(body, ctype, settle=settle)


def _submit_modal(bot: LambdaBot, user: str, view: dict[str, Any], tconst: str) -> dict[str, Any]:
    state = {
        "values": {
            ids.MODAL_BLOCK: {
                ids.MODAL_SELECT: {
                    "type": "external_select",
                    "selected_option": {
                        "value": tconst,
                        "text": {"type": "plain_text", "text": "x"},
                    },
                }
            }
        }
    }
    payload = {
        "type": "view_submission",
        "team": {"id": sr.TEAM},
        "user": {"id": user},
        "api_app_id": "A0MOVIEBOT",
        "trigger_id": "trigger-submit",
        "view": {**view, "id": "V0NIGHT", "state": state},
    }
    return bot.interact(payload)


def _start(bot: LambdaBot, text: str, user: str = sr.USER) -> dict[str, Any]:
    response = bot.command(f"night {text}".strip(), user=user)
    assert response["statusCode"] == 200
    return _night_message(bot)


# --- the flow ----------------------------------------------------------------------------------


def test_a_night_from_start_to_we_watched_it(lambda_bot: LambdaBot) -> None:
    bot = lambda_bot
    # Alice starts it naming two favourites: the shortlist is built at once.
    posted = _start(bot, "like heat and the godfather")
    lead = next(b for b in posted["blocks"] if b["block_id"] == "night_lead")["text"]["text"]
    assert lead.startswith(f"<@{sr.USER}> started a movie night")
    assert posted["channel"] == sr.CHANNEL
    night_id = _night_id(posted)
    assert _night(night_id).message_ts  # the message is remembered, to update it
    films = _vote_buttons(posted)
    assert films and all(e["text"]["text"] == "\U0001f44d 0" for _, e in films)
    shortlisted = [decode_film(e["value"])[1] for _, e in films]  # type: ignore[index]
    assert HEAT not in shortlisted and GODFATHER not in shortlisted  # never a favourite

    # Bob joins: the message is updated for everyone.
    _press(bot, BOB, _button(posted, ids.NIGHT_JOIN))
    update = bot.last_post("chat.update")
    assert update["channel"] == sr.CHANNEL and update["ts"] == _night(night_id).message_ts
    assert f"<@{BOB}>" in json.dumps(update["blocks"])

    # Bob adds a favourite through the modal: the same typeahead as /movie.
    _press(bot, BOB, _button(update, ids.NIGHT_FAVOURITE))
    view = bot.last_post("views.open")["view"]
    assert view["callback_id"] == ids.NIGHT_MODAL_CALLBACK
    assert view["blocks"][0]["element"]["action_id"] == ids.MODAL_SELECT
    typed = bot.options("pulp fict")
    assert PULP in typed["body"]
    _submit_modal(bot, BOB, view, PULP)
    assert _night(night_id).favourites[BOB] == (PULP,)

    # Votes: Bob approves the first film, Alice the first two; the tallies show live.
    message = _night_message(bot)
    first, second = _vote_buttons(message)[:2]
    _press(bot, BOB, first)
    _press(bot, sr.USER, first)
    _press(bot, sr.USER, second)
    tallies = [e["text"]["text"] for _, e in _vote_buttons(_night_message(bot))][:2]
    assert tallies == ["\U0001f44d 2", "\U0001f44d 1"]
    # Pressing again takes a vote back.
    _press(bot, sr.USER, second)
    assert _night(night_id).tally(decode_film(second[1]["value"])[1]) == 0  # type: ignore[index]

    # Alice closes it: the message shows the result, the winner is announced with why.
    _press(bot, sr.USER, _button(_night_message(bot), ids.NIGHT_CLOSE))
    winner = decode_film(first[1]["value"])[1]  # type: ignore[index]
    assert _night(night_id).winner == winner
    closed = _night_message(bot)
    assert not _vote_buttons(closed)
    announced = bot.last_post("chat.postMessage")
    assert "Tonight's film" in json.dumps(announced["blocks"])
    assert "Why:" in json.dumps(announced["blocks"])

    # We watched it: marked seen for everyone who voted.
    _press(bot, sr.USER, _button(announced, ids.NIGHT_WATCHED))
    store = _store()
    try:
        for user in (sr.USER, BOB):
            marks = {m.tconst: m.kind for m in store.marks(user)}
            assert marks.get(winner) is MarkKind.SEEN, user
    finally:
        store.close()


def test_a_suggestion_goes_straight_onto_the_shortlist(lambda_bot: LambdaBot) -> None:
    posted = _start(lambda_bot, "")
    night_id = _night_id(posted)
    _press(lambda_bot, BOB, _button(posted, ids.NIGHT_SUGGEST))
    view = lambda_bot.last_post("views.open")["view"]
    _submit_modal(lambda_bot, BOB, view, PULP)
    assert PULP in [f.tconst for f in _night(night_id).shortlist]
    assert [decode_film(e["value"]) for _, e in _vote_buttons(_night_message(lambda_bot))] == [
        (night_id, PULP)
    ]


# --- a film called "Night ..." -------------------------------------------------------------

LIVING_DEAD, NIGHTCRAWLER = "tt0063350", "tt2872718"
NIGHT_FILMS = [
    Movie(LIVING_DEAD, "Night of the Living Dead", "Night of the Living Dead", 1968, 96,
          ("Horror", "Thriller"), 7.8, 140000, 3, (0.1, 0.0, -1.0)),
    Movie(NIGHTCRAWLER, "Nightcrawler", "Nightcrawler", 2014, 117,
          ("Crime", "Drama", "Thriller"), 7.8, 600000, 1, (-0.5, 1.0, -0.2)),
]  # fmt: skip


class TestAFilmCalledNight:
    """`/movie night <text>` is a film request when the whole text is surely such a film."""

    @pytest.fixture
    def sample_artifact(self, tmp_path: Path) -> Path:
        return write_artifact(tmp_path / "model", [*SAMPLE_MOVIES, *NIGHT_FILMS])

    @pytest.mark.parametrize(
        ("text", "film"),
        [
            ("night of the living dead", "Night of the Living Dead"),
            ("Night Of The Living Dead (1968)", "Night of the Living Dead"),
            ("night crawler", "Nightcrawler"),
        ],
    )
    def test_is_answered_as_a_movie_request(
        self, lambda_bot: LambdaBot, text: str, film: str
    ) -> None:
        lambda_bot.command(text)
        assert _night_posts(lambda_bot) == []
        [answer] = lambda_bot.slack_api.calls("response_url")
        assert answer["response_type"] == "ephemeral"
        assert film in json.dumps(answer["blocks"])
        assert pick_ids(answer["blocks"])  # films like it: the request was understood

    @pytest.mark.parametrize(
        "text", ["night", "night something funny under 2 hours", "night like Heat"]
    )
    def test_other_texts_still_start_a_night(self, lambda_bot: LambdaBot, text: str) -> None:
        lambda_bot.command(text)
        assert len(_night_posts(lambda_bot)) == 1


# --- the closing time ----------------------------------------------------------------------


TARGET = "arn:aws:lambda:eu-west-1:123456789012:function:moviebot-bot:live"


@pytest.fixture
def scheduler(lambda_bot: LambdaBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The bot as in AWS, its nights' closing times set in EventBridge Scheduler (moto)."""
    with mock_aws():
        client = boto3.client("scheduler", region_name="eu-west-1")
        client.create_schedule_group(Name="moviebot-nights")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
        monkeypatch.setenv("MOVIEBOT_NIGHT_SCHEDULE_GROUP", "moviebot-nights")
        monkeypatch.setenv("MOVIEBOT_NIGHT_SCHEDULER_ROLE", "arn:aws:iam::123456789012:role/r")
        monkeypatch.setenv("MOVIEBOT_NIGHT_CLOSE_TARGET", TARGET)
        lambda_bot.restart()
        yield client


def test_closing_time_in_aws_is_a_schedule_that_closes_the_night(
    lambda_bot: LambdaBot, scheduler: Any
) -> None:
    before = utc_now()
    posted = _start(lambda_bot, "like heat closes in 2 hours")
    night_id = _night_id(posted)
    schedule = scheduler.get_schedule(Name=schedule_name(night_id), GroupName="moviebot-nights")
    closes_at = _night(night_id).closes_at
    assert closes_at is not None
    assert format_utc(before + timedelta(hours=2)) <= closes_at
    assert schedule["ScheduleExpression"] == f"at({closes_at.rstrip('Z')})"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["Target"]["Arn"] == TARGET
    event = json.loads(schedule["Target"]["Input"])
    assert event == close_night_event(night_id)

    # When the time comes the scheduler invokes the function with that event (moto's schedule
    # stays; AWS deletes it after the run).
    _press(lambda_bot, sr.USER, _vote_buttons(posted)[0])
    lambda_bot.handler(event, sr.LambdaContext())
    assert _night(night_id).state == "closed"
    assert "Tonight's film" in json.dumps(lambda_bot.last_post("chat.postMessage")["blocks"])
    # The schedule run again (its retry) on a closed night changes nothing.
    calls = len(lambda_bot.slack_api.recorded())
    lambda_bot.handler(event, sr.LambdaContext())
    assert len(lambda_bot.slack_api.recorded()) == calls


def test_a_night_closed_by_hand_deletes_its_closing_schedule(
    lambda_bot: LambdaBot, scheduler: Any
) -> None:
    posted = _start(lambda_bot, "like heat closes in 2 hours")
    night_id = _night_id(posted)
    assert scheduler.list_schedules(GroupName="moviebot-nights")["Schedules"]
    _press(lambda_bot, sr.USER, _button(posted, ids.NIGHT_CLOSE))
    assert _night(night_id).state == "closed"
    assert scheduler.list_schedules(GroupName="moviebot-nights")["Schedules"] == []


# --- concurrency ---------------------------------------------------------------------------


def _tallies(message: dict[str, Any]) -> dict[str, str]:
    """tconst -> the tally its vote button shows."""
    shown = {}
    for _, vote in _vote_buttons(message):
        film = decode_film(vote["value"])
        assert film is not None
        shown[film[1]] = vote["text"]["text"]
    return shown


def test_fifty_parallel_votes_end_with_the_exact_tally(any_store_bot: LambdaBot) -> None:
    bot = any_store_bot
    posted = _start(bot, "like heat")
    night_id = _night_id(posted)
    first, second = _vote_buttons(posted)[:2]
    # Some updates reach Slack late, so an older drawing may land after a newer one.
    bot.slack_api.lag("chat.update", 0.3, 0.0, 0.1, 0.0, 0.0)
    voters = [f"U0VOTER{i:02d}" for i in range(50)]
    presses: list[Callable[[], Any]] = []
    for i, user in enumerate(voters):
        presses.append(lambda u=user: _press(bot, u, first, action_ts=f"{u}.1", settle=False))
        if i % 5 == 0:  # ten of them also approve the second film ...
            presses.append(lambda u=user: _press(bot, u, second, action_ts=f"{u}.2", settle=False))
        if i % 10 == 0:  # ... and five of those Slack delivers twice (a retried click)
            presses.append(lambda u=user: _press(bot, u, second, action_ts=f"{u}.2", settle=False))
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda press: press(), presses))
    bot.invoker.settle(timeout=120)
    assert all(a["statusCode"] == 200 for a in answers)
    night = _night(night_id)
    assert night.votes[decode_film(first[1]["value"])[1]] == frozenset(voters)  # type: ignore[index]
    assert night.tally(decode_film(second[1]["value"])[1]) == 10  # type: ignore[index]
    # The message everyone sees last shows exactly the store's tallies.
    final = _night_message(bot)
    assert final["ts"] == night.message_ts
    assert _tallies(final) == {
        f.tconst: f"\U0001f44d {night.tally(f.tconst)}" for f in night.shortlist
    }


def test_a_retried_click_counts_once(lambda_bot: LambdaBot) -> None:
    posted = _start(lambda_bot, "like heat")
    night_id = _night_id(posted)
    first = _vote_buttons(posted)[0]
    tconst = decode_film(first[1]["value"])[1]  # type: ignore[index]
    _press(lambda_bot, BOB, first, action_ts="1700000100.1")
    # Acked at once; the vote itself ran in the lazy listener, an asynchronous self-invocation.
    assert lambda_bot.invoker.invocations[-1][1] == "Event"
    _press(lambda_bot, BOB, first, action_ts="1700000100.1")  # Slack's retry of that click
    assert _night(night_id).tally(tconst) == 1
    _press(lambda_bot, BOB, first, action_ts="1700000101.1")  # a new click takes it back
    assert _night(night_id).tally(tconst) == 0


# --- bad input -------------------------------------------------------------------------------


def test_voting_on_a_closed_night_and_closing_it_twice_are_refused(lambda_bot: LambdaBot) -> None:
    posted = _start(lambda_bot, "like heat")
    night_id = _night_id(posted)
    vote = _vote_buttons(posted)[0]
    close = _button(posted, ids.NIGHT_CLOSE)
    _press(lambda_bot, sr.USER, close)
    updates = len(lambda_bot.slack_api.calls("chat.update"))
    lambda_bot.slack_api.clear()
    _press(lambda_bot, BOB, vote)
    _press(lambda_bot, sr.USER, close)
    said = _said_privately(lambda_bot)
    assert said.count("closed") >= 2, said
    assert _night(night_id).voters() == frozenset()  # the late vote was not counted
    assert lambda_bot.slack_api.calls("chat.update") == []  # nothing redrawn
    assert updates >= 1
    assert "Traceback" not in said


def test_only_the_starter_or_an_admin_may_close(lambda_bot: LambdaBot) -> None:
    posted = _start(lambda_bot, "like heat")
    night_id = _night_id(posted)
    close = _button(posted, ids.NIGHT_CLOSE)
    _press(lambda_bot, CAROL, close)  # never joined
    _press(lambda_bot, BOB, _button(posted, ids.NIGHT_JOIN))
    _press(lambda_bot, BOB, close)  # a member, but not the starter
    assert _night(night_id).state == "open"
    assert len(lambda_bot.slack_api.calls("chat.postEphemeral")) >= 2
    _press(lambda_bot, sr.ADMIN, close)
    assert _night(night_id).state == "closed"


def test_a_night_without_favourites_shows_how_to_start_and_closes_without_winner(
    lambda_bot: LambdaBot,
) -> None:
    posted = _start(lambda_bot, "")
    assert not _vote_buttons(posted)
    assert "No shortlist yet" in json.dumps(posted["blocks"])
    _press(lambda_bot, sr.USER, _button(posted, ids.NIGHT_CLOSE))
    assert "no winner" in json.dumps(_night_message(lambda_bot)["blocks"])


def test_an_unresolvable_favourite_changes_nothing_and_says_why(lambda_bot: LambdaBot) -> None:
    posted = _start(lambda_bot, "like heat")
    night_id = _night_id(posted)
    before = _night(night_id)
    _press(lambda_bot, BOB, _button(posted, ids.NIGHT_FAVOURITE))
    view = lambda_bot.last_post("views.open")["view"]
    lambda_bot.slack_api.clear()
    _submit_modal(lambda_bot, BOB, view, "tt9999999")  # no film of the catalogue
    [said] = lambda_bot.slack_api.calls("chat.postEphemeral")
    assert said["channel"] == sr.CHANNEL and said["user"] == BOB
    assert "couldn" in said["text"] and "tt9999999" in said["text"]
    assert _night(night_id) == before
    assert lambda_bot.slack_api.calls("chat.update") == []


def test_a_channel_without_the_bot_gets_a_clear_answer_and_no_open_night(
    lambda_bot: LambdaBot,
) -> None:
    lambda_bot.slack_api.leave(sr.CHANNEL)
    lambda_bot.command("night like heat closes in 1 hour", user=sr.USER)
    assert "not a member of this channel" in _said_privately(lambda_bot)
    [refused] = lambda_bot.slack_api.calls("chat.postMessage")
    night_id = _night_id(refused)
    store = _store()
    try:
        assert store.night(night_id) is None  # discarded, not left half-made
        assert store.due_nights(format_utc(utc_now() + timedelta(days=1))) == []
    finally:
        store.close()


def test_constraints_that_empty_the_shortlist_are_said(lambda_bot: LambdaBot) -> None:
    posted = _start(lambda_bot, "like heat from the 2040s")
    assert not _vote_buttons(posted)
    assert "No shortlist yet" in json.dumps(posted["blocks"])
    assert "Nothing near the group" in _said_privately(lambda_bot)


def test_a_bad_closing_time_starts_nothing(lambda_bot: LambdaBot) -> None:
    lambda_bot.command("night like heat closes in 30 days", user=sr.USER)
    assert _night_posts(lambda_bot) == []
    assert "between a minute and 7 days" in _said_privately(lambda_bot)


def test_forged_button_values_get_a_clear_answer(lambda_bot: LambdaBot) -> None:
    for action_id, value in (
        (f"{ids.NIGHT_VOTE}:0", "not|a film"),
        (ids.NIGHT_JOIN, "no-such-night"),
        (ids.NIGHT_CLOSE, "no-such-night"),
        (f"{ids.NIGHT_PICK}:0", "{]"),
    ):
        button = ("b", {"action_id": action_id, "value": value})
        assert _press(lambda_bot, BOB, button)["statusCode"] == 200
    assert len(lambda_bot.slack_api.calls("chat.postEphemeral")) == 4
    assert "went wrong" not in _said_privately(lambda_bot)  # answered, not apologised for
    assert _night_posts(lambda_bot) == []
