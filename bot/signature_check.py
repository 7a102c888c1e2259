"""Slack's request signature, checked in place of Bolt's own RequestVerification middleware.

Bolt's logs a refused request's whole body at INFO: the user's text and the `response_url`
(a short-lived capability to post). This one checks the same way and logs only that it refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

SOCKET_MODE = "socket_mode"  # Socket Mode requests come over Slack's own socket, unsigned


class SignatureCheck(Middleware):
    def __init__(self, signing_secret: str) -> None:
        self._signing_secret = signing_secret
        self._verifier: SignatureVerifier | None = None

    @property
    def verifier(self) -> SignatureVerifier:
        # Built on first use (it refuses an empty secret): Socket Mode runs without one.
        if self._verifier is None:
            self._verifier = SignatureVerifier(self._signing_secret)
        return self._verifier

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        if req.mode == SOCKET_MODE:
            return next()
        timestamp = req.headers.get("x-slack-request-timestamp", ["0"])[0]
        signature = req.headers.get("x-slack-signature", [""])[0]
        if self.verifier.is_valid(req.raw_body, timestamp, signature):
            return next()
        log.info(
            "refused a request without a valid Slack signature", extra={"timestamp": timestamp}
        )
        return BoltResponse(status=401, body={"error": "invalid request"})
