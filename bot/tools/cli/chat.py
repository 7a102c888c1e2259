"""`python -m bot chat`: talk to the bot in a terminal, through the same Bolt app and listeners
Slack reaches. Each line is signed and dispatched as a Slack direct message; what the bot posts
lands on a local Web API (bot.tools.local_slack) and is rendered as text. Buttons are numbered: type
the number to press one. `/movie ...` and `/movie-admin ...` work as slash commands, `home`
shows the App Home tab. Reads standard input until end of file, so it can be piped. Needs no
Slack tokens.

A movie night can be played by several people: `/as U0BOB` switches who is typing, `/movie
night ...` starts one, its buttons are numbered like any other, and a picker it opens takes the
next line typed as the title. Nights whose closing time has passed close before each line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import secrets
import sys
import time
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_sdk.signature import SignatureVerifier

from bot.adapters.retrainers.local_retrainer import LocalRetrainer
from bot.config import Settings
from bot.core.clock import Clock, utc_now
from bot.slack.action_ids import MODAL_BLOCK, MODAL_SELECT, NIGHT_MODAL_CALLBACK
from bot.slack.blocks import mention
from bot.tools.local_slack import BOT_USER_ID, TEAM_ID, LocalSlackApi
from bot.tools.night_clock import NightClock
from bot.tools.terminal import Press, Rendered, render_text

USER = "ULOCALCHAT"
SHOWN = (
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "response_url",
    "views.publish",
    "views.open",
)
PROMPT = (
    "moviebot> type a movie (or a button number, /movie help, /movie night, /as USER, home);"
    " Ctrl-D to quit"
)
PICKER = "(Slack would open a picker here; in the terminal just type a title.)"
NIGHT_PICKER = "(a picker: type the title on the next line)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("chat", help="talk to the bot in the terminal (no Slack needed)")
    parser.add_argument("--user", default=USER, help="the Slack user id to chat as (their marks)")
    parser.set_defaults(func=run)


class InlineLazyRunner(LazyListenerRunner):
    """Runs lazy listeners at once, in order, so each answer is printed before the next line."""

    def __init__(self, logger: Any) -> None:
        self.logger = logger

    def start(self, function: Any, request: BoltRequest) -> None:
        self.run(function, request)


def session_channel() -> str:
    """A DM channel id of its own for each chat session: the bot keeps a DM's conversation
    (what "more" or "older ones?" refine) in the store for a day, so with one fixed id a new
    session would continue the last one's."""
    return f"DLOCAL{secrets.token_hex(5).upper()}"


@dataclasses.dataclass
class TerminalChat:
    app: App
    api: LocalSlackApi
    signing_secret: str
    user: str = USER
    retrainer: Any = None
    channel: str = dataclasses.field(default_factory=session_channel)
    presses: list[Press] = dataclasses.field(default_factory=list)
    clock: Clock = utc_now
    night_clock: NightClock | None = None
    # The night modal waiting for its title (the next line typed), as views.open got it.
    open_view: dict[str, Any] | None = None
    _press_source: dict[str, Any] = dataclasses.field(default_factory=dict)
    _seen: int = 0
    _ts: int = 0

    # --- sending what Slack would send ---
    def _dispatch(self, body: str, content_type: str) -> int:
        ts = str(int(time.time()))
        signature = SignatureVerifier(self.signing_secret).generate_signature(
            timestamp=ts, body=body
        )
        headers: dict[str, str | Sequence[str]] = {
            "content-type": [content_type],
            "x-slack-request-timestamp": [ts],
            "x-slack-signature": [signature or ""],
        }
        return self.app.dispatch(BoltRequest(body=body, headers=headers)).status

    def _next_ts(self) -> str:
        self._ts += 1
        return f"{int(time.time())}.{self._ts:06d}"

    def say(self, text: str) -> None:
        event = {"type": "message", "channel_type": "im", "channel": self.channel}
        event |= {"user": self.user}
        event |= {"text": text, "ts": self._next_ts()}
        self._event(event)

    def _event(self, event: dict[str, Any]) -> None:
        body = {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "api_app_id": "ALOCALCHAT",
            "event_id": f"EvLOCAL{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": event,
        }
        self._dispatch(json.dumps(body), "application/json")

    def home(self) -> None:
        self._event(
            {"type": "app_home_opened", "user": self.user, "channel": self.channel, "tab": "home"}
        )

    def command(self, line: str) -> None:
        name, _, text = line.partition(" ")
        form = {
            "team_id": TEAM_ID,
            "channel_id": self.channel,
            "user_id": self.user,
            "command": name,
            "text": text.strip(),
            "response_url": self.api.response_url(),
            "trigger_id": f"trigger-{time.monotonic_ns()}",
        }
        self._dispatch(urlencode(form), "application/x-www-form-urlencoded")

    def switch_user(self, user: str) -> bool:
        """`/as U0BOB`: type as someone else from now on (a Slack user id)."""
        if not mention(user).startswith("<@"):  # not a user id
            return False
        self.user = user
        return True

    def submit_view(self, typed: str) -> None:
        """The open picker submitted with `typed` as its pick (the use case resolves it)."""
        view, self.open_view = self.open_view or {}, None
        state = {"values": {MODAL_BLOCK: {MODAL_SELECT: {"selected_option": {"value": typed}}}}}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": self.user},
            "api_app_id": "ALOCALCHAT",
            "trigger_id": f"trigger-{time.monotonic_ns()}",
            "view": {**view, "id": "VLOCALMODAL", "state": state},
        }
        self._dispatch(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    def close_due_nights(self) -> None:
        if self.night_clock is not None:
            self.night_clock.tick()

    def press(self, number: int) -> bool:
        if not 1 <= number <= len(self.presses):
            return False
        chosen = self.presses[number - 1]
        action: dict[str, Any] = {
            "type": chosen.kind,
            "action_id": chosen.action_id,
            "block_id": chosen.block_id,
            "action_ts": str(time.time()),
        }
        if chosen.kind == "overflow":
            action["selected_option"] = {
                "text": {"type": "plain_text", "text": chosen.option_text},
                "value": chosen.value,
            }
        else:
            action["value"] = chosen.value
        source = self._press_source
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": self.user},
            "api_app_id": "ALOCALCHAT",
            "trigger_id": f"trigger-{time.monotonic_ns()}",
            "actions": [action],
        }
        if source.get("view"):
            payload["container"] = {"type": "view", "view_id": "VLOCALHOME"}
            payload["view"] = {"id": "VLOCALHOME", "type": "home"}
        else:
            ephemeral = source.get("ephemeral", False)
            ts = source.get("ts") or self._next_ts()
            payload["container"] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": self.channel,
                "is_ephemeral": ephemeral,
            }
            payload["channel"] = {"id": self.channel}
            payload["response_url"] = self.api.response_url()
            if not ephemeral:
                payload["message"] = {"ts": ts, "thread_ts": source.get("thread_ts") or ts}
        self._dispatch(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        return True

    # --- reading what the bot posted ---
    def replies(self) -> list[Rendered]:
        calls = self.api.recorded()[self._seen :]
        self._seen += len(calls)
        rendered: list[Rendered] = []
        for method, body in calls:
            if method == "files.completeUploadExternal":
                titles = [str(f.get("title", "")) for f in body.get("files") or [] if f]
                rendered.append(Rendered(f"(shared files: {', '.join(titles)})"))
                continue
            if method not in SHOWN or body.get("delete_original"):
                continue
            view = body.get("view") if isinstance(body.get("view"), dict) else None
            blocks = (view or body).get("blocks") or []
            shown = render_text(blocks, str(body.get("text") or ""))
            if method == "views.open":
                shown.text = PICKER
                shown.presses = []
                if view and view.get("callback_id") == NIGHT_MODAL_CALLBACK:
                    self.open_view, shown.text = view, NIGHT_PICKER
            elif method == "chat.update":
                shown.text = "(the movie night message, updated)\n" + shown.text
            rendered.append(shown)
            if shown.presses:
                self.presses = shown.presses
                self._press_source = {
                    "view": method == "views.publish",
                    "ephemeral": method in ("chat.postEphemeral", "response_url"),
                    "thread_ts": body.get("thread_ts"),
                }
        return rendered


def build_chat(
    settings: Settings, api: LocalSlackApi, user: str = USER, clock: Clock = utc_now
) -> TerminalChat:
    from bot.bootstrap import build_services
    from bot.slack.app import build_app
    from bot.tools.training_runner import local_retrainer

    secret = secrets.token_hex(16)
    # The person at the terminal owns this bot: they may use /movie-admin too.
    local = dataclasses.replace(
        settings,
        slack_bot_token="xoxb-local-chat",
        slack_signing_secret=secret,
        slack_api_url=api.url,
        admins=settings.admins | {user},
    )
    # `/movie-admin retrain` trains in this process (unless a retrain function is configured).
    services = build_services(local, local_retrainer=partial(local_retrainer, local))
    app = build_app(local, services)
    app.listener_runner.lazy_listener_runner = InlineLazyRunner(app.logger)
    return TerminalChat(
        app=app,
        api=api,
        signing_secret=secret,
        user=user,
        retrainer=services.retrainer,
        clock=clock,
        # Polled before each line rather than in a thread, so its posts print in order.
        night_clock=NightClock(services, app.client, local.night_timer_seconds, clock=clock),
    )


def converse(chat: TerminalChat, lines: Iterable[str], out: TextIO, echo: bool) -> None:
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if echo:
            print(f"> {line}", file=out)
        chat.close_due_nights()
        stripped = line.strip()
        if stripped.startswith("/as ") or stripped == "/as":
            who = stripped[3:].strip()
            said = (
                f"(you are now {who})"
                if chat.switch_user(who)
                else "(/as takes a user id: /as U0BOB)"
            )
            print(said, file=out)
        elif chat.open_view is not None and not stripped.isdigit() and not stripped.startswith("/"):
            chat.submit_view(stripped)
        elif stripped.isdigit() and len(stripped) <= 3:
            if not chat.press(int(stripped)):
                print(f"(there is no button {stripped} on the last reply)", file=out)
                continue
        elif stripped.startswith("/"):
            chat.command(stripped)
        elif stripped.lower() == "home":
            chat.home()
        else:
            chat.say(line)
        for reply in chat.replies():
            print(reply.text, file=out)
        print(file=out)
        out.flush()


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    interactive = sys.stdin.isatty()
    api = LocalSlackApi().start()
    try:
        chat = build_chat(settings, api, user=args.user)
        if interactive:
            print(PROMPT)
        converse(chat, sys.stdin, sys.stdout, echo=not interactive)
        if isinstance(chat.retrainer, LocalRetrainer) and chat.retrainer.running():
            # `/movie-admin retrain` trains in the background; leaving would kill it.
            print("(waiting for the training run to finish and load...)", flush=True)
            chat.retrainer.wait()
            run_ = chat.retrainer.last_run
            print(f"(training run {run_.state.value if run_ else 'ended'})", flush=True)
    finally:
        api.stop()
    return 0
