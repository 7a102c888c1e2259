"""An event's lazy listener settles the claim the app's middleware took (bot.dedupe).

Slack has its ack by the time a lazy listener runs, so it will not retry a failure here (it
retries only when the ack came late, and that retry usually arrived, and was dropped, while
this ran). So a failed answer is retried here, once, and only then answered with a sorry:

- success: the claim is completed, and a later retry or duplicate is dropped;
- failure: the claim is released (a Slack retry arriving now may take the event over), then
  claimed again and the work retried; if a retry holds it meanwhile, that retry answers;
- failure twice: the user gets the sorry, and the claim is completed, since a second reply
  would follow it otherwise; only when even the sorry fails is the claim left released.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.blocks import Message
from bot.dedupe import event_key
from bot.listeners.replies import SORRY

if TYPE_CHECKING:
    from bot.bootstrap import Services

log = logging.getLogger("bot.listeners")

ATTEMPTS = 2


class _Claim:
    """The claim on one event, through the deduper; a store failure is logged, never raised."""

    def __init__(self, services: Services, key: str | None) -> None:
        self._dedupe = services.dedupe
        self._key = key

    def take(self) -> bool:
        if self._key is None:
            return True
        try:
            return self._dedupe.claim(self._key)
        except Exception as exc:
            # Unknown: answering risks a second reply, not answering risks none at all.
            log.warning("could not claim %s again (%s); answering anyway", self._key, exc)
            return True

    def done(self) -> None:
        self._settle(self._dedupe.done, "complete")

    def release(self) -> None:
        self._settle(self._dedupe.release, "release")

    def _settle(self, action: Callable[[str], None], what: str) -> None:
        if self._key is None:
            return
        try:
            action(self._key)
        except Exception as exc:
            log.warning("could not %s the claim of %s: %s", what, self._key, exc)


def answer_once(
    services: Services, reply: Callable[[dict[str, Any], Message], None]
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap an event's lazy listener (its signature must take `body`, which names the event).

    `functools.wraps` keeps the signature Bolt reads to inject arguments, and the name a
    Lambda lazy invocation is routed by.
    """

    def decorate(work: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(work)
        def settled(**kwargs: Any) -> None:
            claim = _Claim(services, event_key(kwargs["body"]))
            for attempt in range(1, ATTEMPTS + 1):
                # The middleware's claim is held for the first attempt.
                if attempt > 1 and not claim.take():
                    log.info("a retry of Slack's took the event over")
                    return
                try:
                    work(**kwargs)
                except Exception:
                    log.exception("listener %s failed (attempt %d)", work.__name__, attempt)
                    claim.release()
                    continue
                claim.done()
                return
            if not claim.take():
                return
            try:
                reply(kwargs, SORRY)
            except Exception:
                log.exception("could not even apologise")
                claim.release()
                return
            claim.done()

        return settled

    return decorate
