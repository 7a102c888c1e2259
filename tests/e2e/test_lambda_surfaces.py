"""Every Slack surface, through `bot.lambda_handler.handler` with signed Function URL events."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.loader import load_artifact
from bot.models import RunState, TrainingRun
from bot.store.sqlite import SqliteStore
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import button, buttons, find_block, pick_titles
from tests.fixtures.artifacts import write_artifact


def _titles(blocks: list[dict]) -> list[str]:
    return [
        b[1]["value"] for b in buttons(blocks) if b[1]["action_id"].startswith("more_like_this")
    ]


def test_mention_replies_in_thread_with_picks_buttons_and_overflow(lambda_bot) -> None:
    ack = lambda_bot.event(sr.mention("movies like the matrix", ts="1700000000.000777"))
    assert ack["statusCode"] == 200

    post = lambda_bot.last_post()
    assert post["channel"] == sr.CHANNEL
    assert post["thread_ts"] == "1700000000.000777"
    assert "The Matrix" in find_block(post["blocks"], "seed")["text"]["text"]
    assert "imdb.com/title/tt0133093" in find_block(post["blocks"], "seed")["text"]["text"]
    picks = pick_titles(post["blocks"])
    assert len(picks) == 5
    assert all("\n_" in p for p in picks), "each pick carries a one-line reason"
    overflows = [e for _, e in buttons(post["blocks"]) if e["type"] == "overflow"]
    assert len(overflows) == 5
    labels = [o["text"]["text"] for o in overflows[0]["options"]]
    assert labels == ["Seen it", "Not interested"]
    assert len(_titles(post["blocks"])) == 5
    button(post["blocks"], "show_more")
    with pytest.raises(AssertionError):
        button(post["blocks"], "share_answer")  # only private answers get a share button


def test_dm_gets_an_answer_in_thread_and_edits_are_ignored(lambda_bot) -> None:
    lambda_bot.event(sr.direct_message("something like alien?", ts="1700000000.000900"))
    post = lambda_bot.last_post()
    assert post["channel"] == "D0ALICE"
    assert post["thread_ts"] == "1700000000.000900"
    assert "Alien" in find_block(post["blocks"], "seed")["text"]["text"]

    lambda_bot.slack_api.clear()
    edited = {**sr.direct_message("heat"), "subtype": "message_changed"}
    assert lambda_bot.event(edited)["statusCode"] == 200
    assert lambda_bot.slack_api.calls("chat.postMessage") == []


def test_show_more_pages_on_without_repeats(lambda_bot) -> None:
    lambda_bot.event(sr.mention("heat", ts="1700000000.000111"))
    first = lambda_bot.last_post()
    seen = set(_titles(first["blocks"]))
    block_id, more = button(first["blocks"], "show_more")

    payload = sr.block_action(
        sr.button_action(more, block_id),
        response_url=lambda_bot.slack_api.response_url(),
        message_ts="1700000000.000222",
        thread_ts="1700000000.000111",
    )
    assert lambda_bot.interact(payload)["statusCode"] == 200
    second = lambda_bot.last_post()
    assert second["thread_ts"] == "1700000000.000111"
    page2 = set(_titles(second["blocks"]))
    assert page2, "the second page has picks"
    assert not (seen & page2), f"repeated picks: {seen & page2}"
    assert "tt0113277" not in page2  # never the seed itself


def test_more_like_this_answers_for_that_pick(lambda_bot) -> None:
    lambda_bot.event(sr.mention("the godfather"))
    first = lambda_bot.last_post()
    block_id, more = button(first["blocks"], "more_like_this")
    payload = sr.block_action(
        sr.button_action(more, block_id), response_url=lambda_bot.slack_api.response_url()
    )
    lambda_bot.interact(payload)
    reply = lambda_bot.last_post()
    assert more["value"] in find_block(reply["blocks"], "seed")["text"]["text"]


def test_slash_movie_is_ephemeral_with_share_button_that_posts_for_everyone(lambda_bot) -> None:
    ack = lambda_bot.command("the matrix")
    assert ack["statusCode"] == 200
    assert lambda_bot.slack_api.calls("chat.postMessage") == []
    private = lambda_bot.last_post("response_url")
    assert private["response_type"] == "ephemeral"
    block_id, share = button(private["blocks"], "share_answer")

    lambda_bot.slack_api.clear()
    url = lambda_bot.slack_api.response_url()
    lambda_bot.interact(
        sr.block_action(sr.button_action(share, block_id), response_url=url, ephemeral=True)
    )
    posts = lambda_bot.slack_api.calls("response_url")
    public = [p for p in posts if p.get("response_type") == "in_channel"]
    assert len(public) == 1
    assert "The Matrix" in find_block(public[0]["blocks"], "seed")["text"]["text"]
    assert f"<@{sr.USER}> shared this" in json.dumps(public[0]["blocks"])
    assert any(p.get("delete_original") for p in posts)


def test_slash_movie_help(lambda_bot) -> None:
    lambda_bot.command("help")
    reply = lambda_bot.last_post("response_url")
    assert reply["response_type"] == "ephemeral"
    assert "/movie" in find_block(reply["blocks"], "help")["text"]["text"]


def test_slash_movie_without_text_opens_a_typeahead_modal_and_answers_the_pick(lambda_bot) -> None:
    body, ctype = sr.command_body(
        "/movie", "", user=sr.USER, response_url=lambda_bot.slack_api.response_url()
    )
    assert lambda_bot.send(body, ctype, settle=False)["statusCode"] == 200
    # Opened within the request (the trigger_id expires in 3 s), not by a lazy run.
    assert len(lambda_bot.slack_api.calls("views.open")) == 1
    lambda_bot.invoker.settle()
    opened = lambda_bot.last_post("views.open")
    view = opened["view"]
    assert view["callback_id"] == "movie_modal"
    select = view["blocks"][0]["element"]
    assert select["type"] == "external_select"

    options = lambda_bot.options("matrx")
    assert options["statusCode"] == 200
    listed = json.loads(options["body"])["options"]
    assert listed[0]["value"] == "tt0133093"
    assert listed[0]["text"]["text"] == "The Matrix (1999)"

    submission = {
        "type": "view_submission",
        "team": {"id": sr.TEAM},
        "user": {"id": sr.USER},
        "api_app_id": "A0MOVIEBOT",
        "view": {
            **view,
            "id": "V1",
            "state": {"values": {"movie_block": {"movie_select": {"selected_option": listed[0]}}}},
        },
    }
    lambda_bot.slack_api.clear()
    ack = lambda_bot.interact(submission)
    assert ack["statusCode"] == 200
    answer = lambda_bot.last_post("response_url")
    assert "The Matrix" in find_block(answer["blocks"], "seed")["text"]["text"]

    empty = {**submission, "view": {**submission["view"], "state": {"values": {}}}}
    refused = lambda_bot.interact(empty)
    assert json.loads(refused["body"])["response_action"] == "errors"


def test_ambiguous_title_offers_did_you_mean_buttons_that_answer(lambda_bot) -> None:
    lambda_bot.event(sr.mention("it"))
    post = lambda_bot.last_post()
    assert "Did you mean" in find_block(post["blocks"], "unresolved")["text"]["text"]
    choices = find_block(post["blocks"], "did_you_mean")["elements"]
    assert {c["value"] for c in choices} >= {"tt1396484", "tt0099864"}

    payload = sr.block_action(
        sr.button_action(choices[0], "did_you_mean"),
        response_url=lambda_bot.slack_api.response_url(),
    )
    lambda_bot.interact(payload)
    assert (
        choices[0]["value"] in find_block(lambda_bot.last_post()["blocks"], "seed")["text"]["text"]
    )


def test_no_match_says_so_clearly(lambda_bot) -> None:
    lambda_bot.event(sr.mention("zzzzqqq xyzzy"))
    post = lambda_bot.last_post()
    text = find_block(post["blocks"], "unresolved")["text"]["text"]
    assert "could not find" in text
    assert "zzzzqqq xyzzy" in text
    assert pick_titles(post["blocks"]) == []


def test_marks_show_on_app_home_and_can_be_removed(lambda_bot) -> None:
    lambda_bot.event(sr.mention("heat"))
    post = lambda_bot.last_post()
    block_id, menu = next((bid, e) for bid, e in buttons(post["blocks"]) if e["type"] == "overflow")
    seen_it = menu["options"][0]
    lambda_bot.interact(
        sr.block_action(
            sr.overflow_action(menu, block_id, seen_it),
            response_url=lambda_bot.slack_api.response_url(),
        )
    )
    confirm = lambda_bot.last_post("chat.postEphemeral")
    assert confirm["user"] == sr.USER
    assert "Noted" in confirm["text"]
    tconst = seen_it["value"].split(":", 1)[1]

    lambda_bot.event(
        {"type": "app_home_opened", "user": sr.USER, "channel": "D0ALICE", "tab": "home"}
    )
    home = lambda_bot.last_post("views.publish")
    assert home["user_id"] == sr.USER
    assert home["view"]["type"] == "home"
    removes = [
        e for _, e in buttons(home["view"]["blocks"]) if e["action_id"].startswith("remove_mark")
    ]
    assert [r["value"] for r in removes] == [tconst]
    assert "v-test-1" in find_block(home["view"]["blocks"], "model")["text"]["text"]

    # The marked movie is left out of the next answer.
    lambda_bot.event(sr.mention("heat"))
    assert tconst not in _titles(lambda_bot.last_post()["blocks"])

    block = next(b for b in home["view"]["blocks"] if b.get("accessory", {}).get("value") == tconst)
    lambda_bot.interact(
        sr.block_action(
            sr.button_action(block["accessory"], block["block_id"]),
            response_url="",
            view={"id": "VHOME", "type": "home"},
        )
    )
    refreshed = lambda_bot.last_post("views.publish")
    assert not [
        e
        for _, e in buttons(refreshed["view"]["blocks"])
        if e["action_id"].startswith("remove_mark")
    ]


def test_admin_commands_refuse_non_admins_and_log_it(lambda_bot) -> None:
    # In Lambda, Powertools owns the handlers (and stops propagation): listen on the logger.
    records: list[logging.LogRecord] = []
    listener = logging.Handler(logging.WARNING)
    listener.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("bot.admin").addHandler(listener)
    try:
        lambda_bot.command("retrain", command="/movie-admin", user=sr.USER)
    finally:
        logging.getLogger("bot.admin").removeHandler(listener)
    reply = lambda_bot.last_post("response_url")
    assert "for the bot's admins" in reply["text"]
    refusals = [r.getMessage() for r in records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and sr.USER in refusals[0]
    assert [i for i in lambda_bot.invoker.invocations if "retrain" in i[0]] == []


def test_admin_status_shows_version_run_and_schedule(
    lambda_bot, monkeypatch, store_path: Path
) -> None:
    monkeypatch.setenv("MOVIEBOT_RETRAIN_SCHEDULE", "rate(7 days)")
    lambda_bot.invoker.settle()
    from bot import lambda_handler

    lambda_handler.reset()
    store = SqliteStore(str(store_path))
    store.record_run(
        TrainingRun("job-41", RunState.COMPLETED, "2026-11-20T10:00:00Z", "2026-11-20T10:20:00Z")
    )
    store.close()
    lambda_bot.command("status", command="/movie-admin", user=sr.ADMIN)
    text = lambda_bot.last_post("response_url")["text"]
    assert "v-test-1" in text
    assert "job-41" in text and "Completed" in text
    assert "rate(7 days)" in text


def test_admin_retrain_invokes_the_retrain_service_once(
    lambda_bot, monkeypatch, store_path: Path
) -> None:
    monkeypatch.setenv("MOVIEBOT_RETRAIN_FUNCTION", "moviebot-retrain")
    from bot import lambda_handler

    lambda_handler.reset()
    lambda_bot.command("retrain", command="/movie-admin", user=sr.ADMIN)
    assert "Training started" in lambda_bot.last_post("response_url")["text"]
    started = [i for i in lambda_bot.invoker.invocations if i[0] == "moviebot-retrain"]
    assert len(started) == 1
    assert started[0][1] == "Event"
    assert started[0][2]["requested_by"] == sr.ADMIN

    # The retrain service records its job; a second request while it runs does not start another.
    store = SqliteStore(str(store_path))
    now = datetime.now(UTC).isoformat(timespec="seconds")  # a run that may well still be going
    store.record_run(TrainingRun("job-42", RunState.IN_PROGRESS, now))
    store.close()
    lambda_bot.command("retrain", command="/movie-admin", user=sr.ADMIN)
    assert "already in progress" in lambda_bot.last_post("response_url")["text"]
    assert len([i for i in lambda_bot.invoker.invocations if i[0] == "moviebot-retrain"]) == 1


def test_admin_report_uploads_the_plots(lambda_bot, store_path: Path, tmp_path: Path) -> None:
    # A new version whose artifact carries its report: the loader stores it with the version,
    # so the report reaches the admin wherever the bot runs (no model folder in Lambda).
    model = write_artifact(tmp_path / "model-with-report", version="v-report")
    report = model / "report"
    report.mkdir()
    (report / "report.md").write_text("# Clusters\n![sizes](cluster_sizes.png)\n", encoding="utf-8")
    (report / "cluster_sizes.png").write_bytes(b"\x89PNG\r\n\x1a\nfake-but-bytes")
    (report / "metrics.json").write_text(json.dumps({"silhouette": 0.31, "k": 4}), encoding="utf-8")
    store = SqliteStore(str(store_path))
    load_artifact(model, store)
    store.close()
    lambda_bot.command("report", command="/movie-admin", user=sr.ADMIN)
    assert "silhouette" in lambda_bot.last_post("response_url")["text"]
    uploads = lambda_bot.slack_api.calls("files.upload")
    assert {u["_raw"][:4] for u in uploads} == {b"# Cl", b"\x89PNG"}
    done = lambda_bot.last_post("files.completeUploadExternal")
    assert done["channel_id"] == sr.CHANNEL
    assert len(done["files"]) == 2


def test_a_failure_inside_the_bot_gets_an_apology_not_silence(lambda_bot, monkeypatch) -> None:
    from bot.service import MovieService

    def broken(self, text, user_id=None):
        raise RuntimeError("store unreachable")

    monkeypatch.setattr(MovieService, "ask", broken)
    lambda_bot.event(sr.mention("heat"))
    assert "Sorry, something went wrong" in lambda_bot.last_post()["text"]
    lambda_bot.command("heat")
    assert "Sorry, something went wrong" in lambda_bot.last_post("response_url")["text"]
