"""Signed Slack requests, shaped as Slack sends them, wrapped as Lambda Function URL events."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bot.tools import slack_signing as signing
from tests.fixtures.aws_events import LambdaContext  # sr.LambdaContext, as ever

if TYPE_CHECKING:
    from bot.lambda_handler import LambdaHandler

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T0TESTTEAM"
CHANNEL = "C0MOVIES"
USER = "U0ALICE"
ADMIN = "U0ADMIN"
BOT_USER = "UBOTMOVIE"
WORKSPACE = signing.Workspace(team=TEAM, channel=CHANNEL)


def signed_headers(
    body: str,
    content_type: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    return signing.signed_headers(
        body, content_type, secret=secret, timestamp=timestamp, extra=extra
    )


def function_url_event(body: str, headers: dict[str, str]) -> dict[str, Any]:
    """A Lambda Function URL (payload format 2.0) request."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/",
        "rawQueryString": "",
        "headers": dict(headers),
        "requestContext": {
            "http": {
                "method": "POST",
                "path": "/",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
            },
            "requestId": f"req-{time.monotonic_ns()}",
        },
        "body": body,
        "isBase64Encoded": False,
    }


# --- bodies --------------------------------------------------------------------------------


def command_body(command: str, text: str, *, user: str, response_url: str) -> tuple[str, str]:
    return signing.slash_command_body(
        WORKSPACE, command, text, user=user, response_url=response_url
    )


_event_counter = iter(range(1, 1_000_000))


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> tuple[str, str]:
    n = next(_event_counter)
    body = {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0MOVIEBOT",
        "type": "event_callback",
        "event_id": event_id or f"Ev{time.monotonic_ns()}{n}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        "event": event,
    }
    return json.dumps(body), "application/json"


def mention(
    text: str, *, user: str = USER, ts: str = "1700000000.000100", thread_ts: str | None = None
) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": CHANNEL,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, *, user: str = USER, ts: str = "1700000000.000200") -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": "D0ALICE",
    }


def interactive_body(payload: dict[str, Any]) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def block_suggestion(typed: str) -> dict[str, Any]:
    """What Slack sends while someone types into the modal's movie picker."""
    return {
        "type": "block_suggestion",
        "user": {"id": USER},
        "team": {"id": TEAM},
        "api_app_id": "A0MOVIEBOT",
        "action_id": "movie_select",
        "block_id": "movie_block",
        "value": typed,
        "view": {"id": "V1", "type": "modal", "callback_id": "movie_modal"},
    }


def block_action(
    action: dict[str, Any],
    *,
    user: str = USER,
    response_url: str,
    ephemeral: bool = False,
    message_ts: str = "1700000001.000001",
    thread_ts: str | None = None,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user},
        "api_app_id": "A0MOVIEBOT",
        "trigger_id": "trigger-action",
        "actions": [{"action_ts": "1700000002.0", **action}],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
        payload["view"] = view
        return payload
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": CHANNEL,
        "is_ephemeral": ephemeral,
    }
    payload["channel"] = {"id": CHANNEL}
    payload["response_url"] = response_url
    if not ephemeral:
        message = {"type": "message", "ts": message_ts, "user": BOT_USER}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload["message"] = message
    return payload


def button_action(button: dict[str, Any], block_id: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": button["action_id"],
        "block_id": block_id,
        "value": button.get("value", ""),
    }


def overflow_action(
    overflow: dict[str, Any], block_id: str, option: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "overflow",
        "action_id": overflow["action_id"],
        "block_id": block_id,
        "selected_option": option,
    }


# --- in-process Lambda -----------------------------------------------------------------------


@dataclass
class InProcessLambda:
    """Stands in for boto3's Lambda client: Bolt's lazy self-invocation runs `function` (the
    bot's entry, set by `bot_container`) again in a thread, as the asynchronous invoke would;
    any other function is only recorded."""

    bot_function_arn: str = LambdaContext.invoked_function_arn
    function: LambdaHandler | None = None
    invocations: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def invoke(
        self, FunctionName: str, InvocationType: str = "RequestResponse", Payload: Any = b"{}"
    ) -> dict[str, Any]:
        payload = json.loads(Payload)
        self.invocations.append((FunctionName, InvocationType, payload))
        if FunctionName == self.bot_function_arn:
            function = self.function
            assert function is not None, "no bot function: build it with bot_container()"

            def run() -> None:
                try:
                    function(payload, LambdaContext())
                except BaseException as exc:  # surfaced by settle()
                    self.errors.append(exc)

            thread = threading.Thread(target=run, daemon=True)
            self._threads.append(thread)
            thread.start()
        return {"StatusCode": 202}

    def settle(self, timeout: float = 20.0) -> None:
        """Wait for every lazy listener started so far (and those they start)."""
        deadline = time.monotonic() + timeout
        while True:
            pending = [t for t in self._threads if t.is_alive()]
            if not pending:
                break
            pending[0].join(max(0.0, deadline - time.monotonic()))
            if time.monotonic() > deadline:
                raise TimeoutError("lazy listeners still running")
        if self.errors:
            raise self.errors[0]


def bot_container(invoker: InProcessLambda) -> LambdaHandler:
    """A new container of the bot's function (it reads the environment at its first request),
    its lazy self-invocations run in-process by `invoker`."""
    from bot.lambda_handler import lambda_entry

    invoker.function = lambda_entry(lambda_client=invoker)
    return invoker.function
