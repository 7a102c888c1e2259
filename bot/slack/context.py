"""The `Services` a listener works with, carried in Bolt's context: a global middleware puts
them there for every request (bot.slack.app), and a listener reads them with
`services_of(context)`.

A lazy run gets them too. In AWS Lambda it is a new invocation that goes through the app, and
so the middleware, again. In a thread (the HTTP and Socket Mode servers) Bolt hands it a deep
copy of the request's context instead (`BoltContext.to_copyable`): the services ride in a
holder that copies as itself, so the run shares the store, caches and telemetry rather than
copying them (or, for what cannot be copied, such as a database connection, losing them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt import BoltContext

    from bot.slack.services import Services

SERVICES_KEY = "moviebot_services"


@dataclass(frozen=True)
class _Shared:
    services: Services

    def __copy__(self) -> _Shared:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


def put_services(context: BoltContext, services: Services) -> None:
    context[SERVICES_KEY] = _Shared(services)


def services_of(context: BoltContext) -> Services:
    """The services of this request; a listener reached without the app's middleware (a
    wiring mistake, never a user's doing) fails loudly here."""
    held = context.get(SERVICES_KEY)
    if not isinstance(held, _Shared):
        raise LookupError("no services in the Bolt context: build the app with build_app()")
    return held.services
