"""A movie night in the terminal chat: several people (`/as`), the night's buttons by number,
its picker answered by the next line typed, and the laptop's timer closing it on time."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.store.sqlite import SqliteStore
from bot.config import Settings
from bot.tools.cli.chat import build_chat, converse
from bot.tools.local_slack import LocalSlackApi


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_two_people_play_a_night_in_the_terminal_and_the_timer_closes_it(
    store_path: Path, tmp_path: Path, slack_api: LocalSlackApi
) -> None:
    settings = Settings(
        store_url=f"sqlite:///{store_path}", store_configured=True, cache_dir=tmp_path / "cache"
    )
    clock = Clock()
    chat = build_chat(settings, slack_api, user="U0ALICE", clock=clock)
    out = io.StringIO()
    converse(chat, ["/movie night like heat closes in 1 hour"], out, echo=True)
    started = out.getvalue()
    assert "MOVIE NIGHT" in started and "started a movie night" in started
    assert "Join" in started and "Close voting" in started
    vote = chat.presses[0]
    assert vote.action_id.startswith("night_vote") and vote.label == "\U0001f44d 0"
    favourite = next(i for i, p in enumerate(chat.presses, 1) if p.label == "Add a favourite")

    # Bob adds a favourite through the picker (the next line is its title), then votes.
    converse(chat, ["/as U0BOB", str(favourite), "pulp fiction", "1"], out, echo=True)
    played = out.getvalue()[len(started) :]
    assert "(you are now U0BOB)" in played
    assert "type the title on the next line" in played
    assert "Added Pulp Fiction" in played
    assert "(the movie night message, updated)" in played
    assert "\U0001f44d 1" in played

    # An hour later the timer closes it before the next line is read.
    clock.now += timedelta(hours=1, minutes=1)
    converse(chat, ["/as U0ALICE"], out, echo=True)
    assert "Tonight's film" in out.getvalue()
    store = SqliteStore(str(store_path))
    try:
        assert store.due_nights(clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")) == []
    finally:
        store.close()


def test_as_without_a_user_id_is_explained(
    store_path: Path, tmp_path: Path, slack_api: LocalSlackApi
) -> None:
    settings = Settings(store_url=f"sqlite:///{store_path}", store_configured=True)
    chat = build_chat(settings, slack_api)
    out = io.StringIO()
    converse(chat, ["/as bob"], out, echo=False)
    assert "/as takes a user id" in out.getvalue()
    assert chat.user != "bob"
