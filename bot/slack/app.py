"""`build_app(settings, services) -> App`: the Bolt app every entry point shares (Lambda, the
HTTP and Socket Mode servers, and the terminal chat). No I/O at import or build time."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.listeners import register_all

if TYPE_CHECKING:
    from bot.slack.services import Services

log = logging.getLogger(__name__)

# Slack gives up waiting for an ack after 3 s and retries; a retry for a timeout means the
# first delivery arrived and is being answered.
TIMEOUT_RETRY = "http_timeout"


def build_app(
    settings: Settings,
    services: Services,
    *,
    client: WebClient | None = None,
    process_before_response: bool = True,
) -> App:
    """The Bolt app. `process_before_response=True` is what Lambda needs (nothing may run
    after the response is returned); long work runs in lazy listeners."""
    client = client or WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    app = App(
        name="moviebot",
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        process_before_response=process_before_response,
        # auth.test runs on the first request instead of at build time (no I/O here).
        token_verification_enabled=False,
        logger=logging.getLogger("bot.bolt"),
    )
    app.middleware(_once_per_event(services))
    register_all(app, services)
    return app


def _once_per_event(services: Services) -> Any:
    def answer_each_event_once(body: dict[str, Any], request: BoltRequest, next: Any) -> Any:
        if body.get("type") != "event_callback" or request.lazy_only:
            return next()
        event_id = str(body.get("event_id") or "")
        retry_num = request.headers.get("x-slack-retry-num", [None])[0]
        retry_reason = request.headers.get("x-slack-retry-reason", [None])[0]
        if retry_num and retry_reason == TIMEOUT_RETRY:
            log.info("dropped a timeout retry", extra={"event_id": event_id, "retry": retry_num})
            return _dropped()
        if event_id and not services.dedupe.first_time(f"event:{event_id}"):
            log.info("dropped a duplicate event", extra={"event_id": event_id, "retry": retry_num})
            return _dropped()
        return next()

    return answer_each_event_once


def _dropped() -> BoltResponse:
    # 200 so Slack stops; x-slack-no-retry asks it not to try again.
    return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
