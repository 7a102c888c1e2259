"""`build_app(settings, services) -> App`: the Bolt app every entry point shares (Lambda, the
HTTP and Socket Mode servers, and the terminal chat). No I/O at import or build time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry import RateLimitErrorRetryHandler, default_retry_handlers

from bot.adapters.dedupe import event_key
from bot.config import Settings
from bot.slack.context import put_services
from bot.slack.listeners import register_all
from bot.slack.signature_check import SignatureCheck

if TYPE_CHECKING:
    from bot.slack.services import Services

log = logging.getLogger(__name__)

# Slack answers a burst with 429 and Retry-After: wait and send again (twice at most, so a
# lazy run stays well inside the Lambda timeout) rather than lose the reply.
RATE_LIMIT_RETRIES = 2


def build_app(
    settings: Settings,
    services: Services,
    *,
    client: WebClient | None = None,
    process_before_response: bool = True,
    listener_executor: Executor | None = None,
) -> App:
    """The Bolt app. `process_before_response=True` is what Lambda needs (nothing may run
    after the response is returned); long work runs in lazy listeners, in `listener_executor`
    where they run in threads (Bolt's 5-thread pool by default)."""
    client = client or WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            *default_retry_handlers(),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )
    app = App(
        name="moviebot",
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        process_before_response=process_before_response,
        # auth.test runs on the first request instead of at build time (no I/O here).
        token_verification_enabled=False,
        logger=logging.getLogger("bot.bolt"),
        # Our check of Slack's signature runs where Bolt's would: Bolt's logs refused bodies.
        request_verification_enabled=False,
        before_authorize=SignatureCheck(settings.slack_signing_secret or ""),
        listener_executor=listener_executor,
    )
    app.middleware(_with_services(services))
    app.middleware(_once_per_event(services))
    app.error(_release_on_failure(services))
    register_all(app)
    return app


def _with_services(services: Services) -> Any:
    """Every request, lazy runs included, carries the services in its context, where the
    listeners take them from (bot.slack.context)."""

    def provide_services(context: BoltContext, next: Callable[[], None]) -> None:
        put_services(context, services)
        next()

    return provide_services


def _once_per_event(services: Services) -> Any:
    """Claim each event before it is processed (bot.adapters.dedupe). Any delivery, first or retry,
    is dropped only while the claim is held: the event is being answered or was answered."""

    def answer_each_event_once(body: dict[str, Any], request: BoltRequest, next: Any) -> Any:
        key = event_key(body)
        if key is None or request.lazy_only:
            return next()
        retry = {
            "event_id": body.get("event_id"),
            "retry": request.headers.get("x-slack-retry-num", [None])[0],
            "reason": request.headers.get("x-slack-retry-reason", [None])[0],
        }
        try:
            claimed = services.dedupe.claim(key)
        except Exception as exc:
            # Whether it was claimed is unknown: answering could reply twice, dropping could
            # lose it. A 503 without x-slack-no-retry has Slack deliver it again.
            log.error("could not claim an event: %s; Slack will retry", exc, extra=retry)
            return BoltResponse(status=503, body="")
        if not claimed:
            log.info("dropped an event being answered or answered", extra=retry)
            return _dropped()
        return next()

    return answer_each_event_once


def _release_on_failure(services: Services) -> Any:
    """A request that fails after its event was claimed (e.g. the lazy listener could not be
    started) answers 500, and Slack retries: release the claim so the retry is answered."""

    def release(error: Exception, body: dict[str, Any], request: BoltRequest) -> None:
        log.error("request failed: %s", error, exc_info=error)
        key = event_key(body)
        if key is None or request.lazy_only:
            return  # lazy listeners settle their claim themselves (bot.slack.listeners.once)
        try:
            services.dedupe.release(key)
        except Exception as exc:
            log.error("could not release the claim of %s: %s", key, exc)

    return release


def _dropped() -> BoltResponse:
    # 200 so Slack stops; x-slack-no-retry asks it not to try again.
    return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
