"""What a movie night does in Slack, shared by the command, the buttons, the modal and the
closing timers (the AWS schedule's invocation, the laptop's timer thread): post the night's
message, keep it up to date with chat.update, announce the winner.

The state is all in the store (through `Services.nights`); these functions only draw it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.closing_time import ClosingTimeError, split_closing
from bot.core.night import Night, NightOutcome, NightStatus
from bot.core.normalize import normalize
from bot.slack.blocks import Message
from bot.slack.night_blocks import night_did_you_mean, night_message, night_notice, winner_message
from bot.slack.night_values import Kind

if TYPE_CHECKING:
    from bot.slack.services import Services

log = logging.getLogger(__name__)

NOT_IN_CHANNEL = (
    "I am not a member of this channel, so I cannot post the movie night here. "
    "Invite me (`/invite @moviebot`), then start it again."
)
COULD_NOT_POST = "I could not post the movie night here ({error}); nothing was started."
NO_TIMER = (
    "I could not set the closing time, so the night stays open until you close it "
    "(the Close voting button)."
)
# Outcomes that changed nothing: the message stays as it is.
_UNCHANGED = frozenset(
    {
        NightStatus.NOT_FOUND,
        NightStatus.CLOSED,
        NightStatus.ALREADY_CLOSED,
        NightStatus.NOT_ALLOWED,
        NightStatus.NOT_MEMBER,
        NightStatus.UNRESOLVED,
        NightStatus.DID_YOU_MEAN,
    }
)
# Who closes a night when its time comes (the use case is told it is allowed).
TIMER = "closing-time"
# A redraw stops after this many updates even if clicks keep coming: each click's own redraw
# takes over from there.
REDRAW_ROUNDS = 5


@dataclass(frozen=True)
class Reply:
    """A private answer to whoever acted (None: the night's message says it all)."""

    message: Message | None = None


def is_night_command(text: str) -> bool:
    """`/movie night ...`: the first word is `night`."""
    first, _, _ = text.strip().partition(" ")
    return first.lower() == "night"


def starts_night(services: Services, text: str) -> bool:
    """`/movie night ...` starts a night, unless the whole text is surely the title of a film
    that begins with "night" (`/movie night of the living dead`): that one is a movie request."""
    if not is_night_command(text):
        return False
    if not night_text(text):
        return True
    film = services.movies.title_named(text)
    return film is None or not normalize(film.title).startswith("night")


def night_text(text: str) -> str:
    return text.strip().partition(" ")[2].strip()


def _private(outcome: NightOutcome, night_id: str, kind: Kind = "favourite") -> Message:
    if outcome.status is NightStatus.DID_YOU_MEAN:
        return night_did_you_mean(night_id, kind, outcome.message, outcome.candidates)
    return night_notice(outcome.message or "That did not work; try again.")


def start(
    services: Services, client: WebClient, channel: str, user: str, text: str, now: datetime
) -> Reply:
    """`/movie night [text]`: the night is started, posted, and its closing time set."""
    try:
        request, closes_at = split_closing(text, now)
    except ClosingTimeError as exc:
        return Reply(night_notice(f"I did not start the night: {exc}."))
    outcome = services.nights.start(channel, user, request, closes_at)
    night = outcome.night
    if night is None:
        return Reply(_private(outcome, ""))
    # Started, even when it asks which film was meant or the constraints left no film.
    try:
        posted = client.chat_postMessage(channel=channel, **night_message(night).as_kwargs())
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "error")
        # Nobody can see or reach the night: it is discarded, nothing is left half-made.
        _abandon(services, night.night_id)
        if error in ("not_in_channel", "channel_not_found"):
            return Reply(night_notice(NOT_IN_CHANNEL))
        return Reply(night_notice(COULD_NOT_POST.format(error=error)))
    services.store.set_message_ts(night.night_id, str(posted["ts"]))
    if closes_at is not None and not services.night_timer.schedule(night.night_id, closes_at):
        return Reply(night_notice(NO_TIMER))
    return Reply(None if outcome.ok else _private(outcome, night.night_id))


def _abandon(services: Services, night_id: str) -> None:
    try:
        services.nights.abandon(night_id)
    except Exception as exc:
        log.warning("could not discard the unposted night %s: %s", night_id, exc)


def redraw(services: Services, client: WebClient, night: Night) -> bool:
    """Update the night's message to show it as it is now."""
    # Two updates sent under a burst of clicks may land in either order, so each redraw
    # converges: after its update lands it reads the night again and draws once more if the
    # message would change. The update that lands last was then followed by a read that
    # showed nothing new, so it shows the store's final state.
    drawn: dict[str, Any] | None = None
    for _ in range(REDRAW_ROUNDS):
        night = services.store.night(night.night_id) or night
        if not night.message_ts:
            return False
        message = night_message(night).as_kwargs()
        if message == drawn:
            return True
        try:
            client.chat_update(channel=night.channel, ts=night.message_ts, **message)
        except SlackApiError as exc:
            log.warning("could not update night %s: %s", night.night_id, exc.response.get("error"))
            return False
        drawn = message
    return True


def after(
    services: Services,
    client: WebClient,
    outcome: NightOutcome,
    night_id: str,
    kind: Kind = "favourite",
    *,
    confirm: bool = False,
) -> Reply:
    """A change made: redraw the message (its tallies, members, shortlist), and tell the user
    why when not all went well (or what was done, when `confirm`)."""
    if outcome.night is not None and outcome.status not in _UNCHANGED:
        redraw(services, client, outcome.night)
    if outcome.ok:
        return Reply(night_notice(outcome.message) if confirm and outcome.message else None)
    return Reply(_private(outcome, night_id, kind))


def add(
    services: Services, client: WebClient, night_id: str, user: str, kind: Kind, text: str
) -> Reply:
    """A favourite (the shortlist is built again) or a suggestion, by title or tconst."""
    nights = services.nights
    adding = nights.suggest if kind == "suggest" else nights.add_favourite
    return after(services, client, adding(night_id, user, text), night_id, kind, confirm=True)


def close(
    services: Services,
    client: WebClient,
    night_id: str,
    user: str,
    *,
    is_admin: bool,
    now: datetime,
) -> Reply:
    """Close the night: the message shows the result, and the winner is announced."""
    outcome = services.nights.close(night_id, user, is_admin, now)
    if not outcome.ok or outcome.night is None:
        return Reply(_private(outcome, night_id))
    night = outcome.night
    if user != TIMER and night.closes_at is not None:
        # Closed by hand before its time: its one-time schedule is not left behind.
        services.night_timer.cancel(night_id)
    redraw(services, client, night)
    try:
        client.chat_postMessage(channel=night.channel, **winner_message(night).as_kwargs())
    except SlackApiError as exc:
        log.warning("could not announce night %s: %s", night_id, exc.response.get("error"))
    return Reply()


def close_due(services: Services, client: WebClient, now: datetime) -> list[str]:
    """Close every night whose closing time has passed (the laptop's timer); their ids."""
    closed: list[str] = []
    for night_id in services.nights.due(now):
        close_by_timer(services, client, night_id, now)
        closed.append(night_id)
    return closed


def close_by_timer(services: Services, client: WebClient, night_id: str, now: datetime) -> None:
    """A night's time has come (the AWS schedule, the laptop timer): a night already closed by
    hand, or gone, is left as it is."""
    reply = close(services, client, night_id, TIMER, is_admin=True, now=now)
    if reply.message is not None:
        log.info("night %s was not closed by its timer", night_id)
