"""Movie night (issue 15): a channel picks one film together. Members add favourites (or suggest
films), the bot shortlists what fits the whole group (`bot.core.group_rank`), members approve
films, whoever started the night (or an admin, or the closing time) closes it and the most
approved film wins. Every step answers a `NightOutcome`: a clear message for each bad input,
and the store's conditional writes leave nothing half-written. No Slack, no boto3."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Protocol

from bot.adapters.store.base import (
    MarkStore,
    ModelReader,
    NightClosed,
    NightMissing,
    NightStore,
)
from bot.core.clock import Clock, format_utc, parse_utc, utc_now
from bot.core.group_rank import group_candidates_clusters, rank_for_group
from bot.core.matching import Candidate
from bot.core.models import Mark, MarkKind, Movie
from bot.core.night import (
    SHORTLIST_SIZE,
    Night,
    NightFilm,
    NightOutcome,
    NightStatus,
    leader,
)
from bot.core.understand import understand
from bot.usecases.movies import MovieService

SUGGESTED = "suggested by a member"
_NO_MODEL = (
    "No movie model is loaded yet, so I can't look films up. "
    "Try again once the admin has loaded one."
)
# Candidates read for the group ranking: enough that the veto and the marks leave a choice.
CANDIDATES_PER_PICK = 40


class NightsStore(NightStore, ModelReader, MarkStore, Protocol):
    """What a movie night reads and writes: the night, the model, members' marks."""


@dataclass(frozen=True)
class _Titles:
    """A text read as titles: the movies found, or what to ask / say instead."""

    movies: tuple[Movie, ...] = ()
    candidates: tuple[Candidate, ...] = ()  # did-you-mean, when nothing was sure
    unsure: str = ""  # the words the candidates are for


def _missing() -> NightOutcome:
    return NightOutcome(
        NightStatus.NOT_FOUND,
        None,
        "I can't find that movie night: it may have expired. Start a new one with /movie night.",
    )


def _closed(night: Night) -> NightOutcome:
    return NightOutcome(
        NightStatus.CLOSED, night, "This movie night is closed: nothing can change any more."
    )


def _written(write: Callable[[], Night]) -> Night | NightOutcome:
    """The night after a store write, or what to say when it was gone or closed meanwhile."""
    try:
        return write()
    except NightMissing:
        return _missing()
    except NightClosed as closed:
        return _closed(closed.night)


class MovieNights:
    def __init__(
        self,
        store: NightsStore,
        movies: MovieService,
        *,
        clock: Clock = utc_now,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex[:16],
        size: int = SHORTLIST_SIZE,
    ) -> None:
        self._store = store
        self._movies = movies
        self._clock = clock
        self._new_id = new_id
        self.size = size

    # --- starting and joining ------------------------------------------------------------------
    def start(
        self, channel: str, user: str, text: str, closes_at: datetime | None = None
    ) -> NightOutcome:
        """A new night in `channel`: the titles in `text` are the starter's favourites, its
        constraints the night's ("something funny under 2 hours")."""
        now = self._clock()
        if closes_at is not None and closes_at <= now:
            return NightOutcome(
                NightStatus.NOT_ALLOWED,
                None,
                f"The closing time {format_utc(closes_at)} has already passed: "
                "give a time in the future.",
            )
        index = self._movies.index()
        request = understand(text or "", index)
        # Relative constraints ("newer") need one seed to read against; a group has none.
        constraints = tuple(c for c in request.constraints if not c.relative)
        version = self._version()
        favourites = tuple(
            dict.fromkeys(s.match.tconst for s in request.seeds if s.match is not None)
        )
        if version is not None:  # only films of the model: the shortlist reads them back
            favourites = tuple(t for t in favourites if self._store.movie(version, t))
        night = Night(
            night_id=self._new_id(),
            channel=channel,
            started_by=user,
            request_text=(text or "").strip(),
            constraints=constraints,
            created_at=format_utc(now),
            closes_at=format_utc(closes_at) if closes_at is not None else None,
            members=(user,),
            favourites={user: favourites} if favourites else {},
        )
        self._store.create_night(night)
        built = self._rebuild(night) if favourites else NightOutcome(NightStatus.OK, night)
        unsure = [s for s in request.seeds if s.match is None and s.alternatives]
        if unsure:
            return NightOutcome(
                NightStatus.DID_YOU_MEAN,
                built.night,
                f"Movie night started. Which film did you mean by “{unsure[0].text}”?",
                tuple(unsure[0].alternatives),
            )
        if built.status is NightStatus.EMPTY_SHORTLIST:
            return built
        message = "Movie night started: join, add a favourite or suggest a film."
        if version is None:
            message += " " + _NO_MODEL
        elif (text or "").strip() and not request.seeds and not request.constraints:
            message += (
                f" I didn't recognise a film or a wish in “{text.strip()[:80]}”, so the night"
                " starts without them."
            )
        if len(constraints) < len(request.constraints):
            message += " (“newer” / “shorter” need one film to compare with, so I left them out.)"
        return NightOutcome(NightStatus.OK, built.night, message)

    def join(self, night_id: str, user: str) -> NightOutcome:
        night = _written(lambda: self._store.join_night(night_id, user))
        if isinstance(night, NightOutcome):
            return night
        return NightOutcome(NightStatus.OK, night, "You joined the movie night.")

    # --- favourites and suggestions --------------------------------------------------------------
    def add_favourite(self, night_id: str, user: str, text: str) -> NightOutcome:
        """Join `user` and add the film(s) `text` names (a title, or a tconst from the picker)
        to their favourites, then rebuild the shortlist."""
        night = self._open_night(night_id)
        if isinstance(night, NightOutcome):
            return night
        found = self._titles(text)
        if not found.movies:
            return self._not_found(night, text, found)
        for movie in found.movies:
            night = _written(partial(self._store.add_favourite, night_id, user, movie.tconst))
            if isinstance(night, NightOutcome):
                return night
        outcome = self._rebuild(night)
        names = " and ".join(m.title for m in found.movies)
        if outcome.status is NightStatus.OK:
            return NightOutcome(NightStatus.OK, outcome.night, f"Added {names} to your favourites.")
        return outcome

    def suggest(self, night_id: str, user: str, text: str) -> NightOutcome:
        """Put a film straight onto the shortlist (and join `user`)."""
        night = self._open_night(night_id)
        if isinstance(night, NightOutcome):
            return night
        found = self._titles(text)
        if not found.movies:
            return self._not_found(night, text, found)
        movie = found.movies[0]
        film = NightFilm(movie.tconst, movie.title, movie.year, 0.0, SUGGESTED)
        night = _written(lambda: self._store.add_suggestion(night_id, user, film))
        if isinstance(night, NightOutcome):
            return night
        return NightOutcome(NightStatus.OK, night, f"{movie.title} is on the shortlist.")

    # --- the shortlist ---------------------------------------------------------------------------
    def shortlist(self, night_id: str) -> NightOutcome:
        """Rebuild the shortlist from the members' favourites and suggestions."""
        night = self._open_night(night_id)
        if isinstance(night, NightOutcome):
            return night
        return self._rebuild(night)

    def _rebuild(self, night: Night) -> NightOutcome:
        version = self._version()
        if version is None:
            return NightOutcome(NightStatus.UNRESOLVED, night, _NO_MODEL)
        favourites = {
            user: movies
            for user, movies in (
                (user, self._read(version, tconsts)) for user, tconsts in night.favourites.items()
            )
            if movies
        }
        suggested_ids = {tconst for _user, tconst in night.suggestions}
        suggested = [f for f in night.shortlist if f.tconst in suggested_ids]
        if not favourites:
            if suggested:
                return NightOutcome(NightStatus.OK, night)
            return NightOutcome(
                NightStatus.NO_FAVOURITES,
                night,
                "Nobody has added a favourite yet: add one (or suggest a film) and I'll "
                "build the shortlist.",
            )
        everyone = [m for movies in favourites.values() for m in movies]
        candidates = self._movies.fitting_movies(
            group_candidates_clusters(favourites),
            everyone,
            night.constraints,
            enough=self.size * CANDIDATES_PER_PICK,
        )
        skip = {m.tconst for m in everyone} | self._marked(night.members)
        skip |= {f.tconst for f in suggested}
        picks = rank_for_group(
            favourites, [m for m in candidates if m.tconst not in skip], self.size
        )
        films = tuple(
            NightFilm(p.movie.tconst, p.movie.title, p.movie.year, p.score, p.reason) for p in picks
        ) + tuple(suggested)
        saved = _written(lambda: self._store.set_shortlist(night.night_id, films))
        if isinstance(saved, NightOutcome):
            return saved
        if not films:
            wanted = ", ".join(c.text for c in night.constraints) or "what the night asks for"
            return NightOutcome(
                NightStatus.EMPTY_SHORTLIST,
                saved,
                f"Nothing near the group's favourites fits {wanted} (or everyone has seen it): "
                "add other favourites, suggest a film, or start a night with fewer limits.",
            )
        return NightOutcome(NightStatus.OK, saved)

    # --- voting and closing ----------------------------------------------------------------------
    def vote(self, night_id: str, user: str, tconst: str, click_id: str) -> NightOutcome:
        """Approve a film on the shortlist, or withdraw the approval (joins `user`); a retried
        click (same `click_id`) counts once."""
        night = self._open_night(night_id)
        if isinstance(night, NightOutcome):
            return night
        film = night.film(tconst)
        if film is None:
            return NightOutcome(
                NightStatus.UNRESOLVED, night, "That film is no longer on the shortlist."
            )
        if not night.is_member(user):
            joined = _written(lambda: self._store.join_night(night_id, user))
            if isinstance(joined, NightOutcome):
                return joined
        night = _written(lambda: self._store.toggle_vote(night_id, user, tconst, click_id))
        if isinstance(night, NightOutcome):
            return night
        approved = user in night.votes.get(tconst, ())
        said = "You approved" if approved else "You withdrew your vote for"
        return NightOutcome(
            NightStatus.OK, night, f"{said} {film.title} ({night.tally(tconst)} in all)."
        )

    def close(
        self, night_id: str, user: str, is_admin: bool = False, now: datetime | None = None
    ) -> NightOutcome:
        """Close the night and announce the winner. Whoever started it or an admin may; once
        its closing time has passed (`now`), anyone may (the timer does)."""
        night = self._store.night(night_id)
        if night is None:
            return _missing()
        if not night.is_open:
            night = self._settle(night)  # a close that stopped before its winner was saved
            return NightOutcome(
                NightStatus.ALREADY_CLOSED, night, "This movie night is already closed."
            )
        due = night.closes_at is not None and now is not None and _passed(night.closes_at, now)
        if not (user == night.started_by or is_admin or due):
            if not night.is_member(user):
                return NightOutcome(
                    NightStatus.NOT_MEMBER,
                    night,
                    "You're not in this movie night: only whoever started it or an admin "
                    "can close it.",
                )
            return NightOutcome(
                NightStatus.NOT_ALLOWED,
                night,
                "Only whoever started this movie night, or an admin, can close it.",
            )
        try:
            night = self._settle(self._store.close_night(night_id))
        except NightMissing:
            return _missing()
        except NightClosed as closed:
            night = self._settle(closed.night)
            return NightOutcome(
                NightStatus.ALREADY_CLOSED, night, "This movie night is already closed."
            )
        return NightOutcome(NightStatus.OK, night, _announcement(night))

    def _settle(self, night: Night) -> Night:
        """A closed night with its winner saved (by TIE_RULE)."""
        best, _tied = leader(night)
        if night.winner is not None or best is None:
            return night
        return self._store.set_winner(night.night_id, best.tconst)

    def watched(self, night_id: str, user: str) -> NightOutcome:
        """ "We watched it": the winner is marked seen for every voter (and `user`), so later
        nights and recommendations skip it."""
        night = self._store.night(night_id)
        if night is None:
            return _missing()
        if night.is_open:
            return NightOutcome(
                NightStatus.NOT_ALLOWED, night, "The movie night is still open: close it first."
            )
        night = self._settle(night)
        film = night.film(night.winner) if night.winner else None
        if film is None:
            return NightOutcome(
                NightStatus.EMPTY_SHORTLIST, night, "This movie night had no film to watch."
            )
        for member in sorted(night.voters() | {user}):
            self._store.add_mark(member, Mark(film.tconst, MarkKind.SEEN, film.title))
        return NightOutcome(
            NightStatus.OK, night, f"Marked {film.title} as seen for everyone who voted."
        )

    def abandon(self, night_id: str) -> bool:
        """Undo `start` when its message could not be posted (the bot is not in the channel):
        a night nobody can see is deleted, so nothing is left half-made. False when it was
        shown (has a message) or is gone."""
        return self._store.discard_night(night_id)

    def due(self, now: datetime) -> list[str]:
        """The open nights whose closing time has passed (the timer closes them)."""
        return self._store.due_nights(format_utc(now))

    # --- internals -------------------------------------------------------------------------------
    def _open_night(self, night_id: str) -> Night | NightOutcome:
        """The night, when it is there and open; else what to say."""
        night = self._store.night(night_id)
        if night is None:
            return _missing()
        if not night.is_open:
            return _closed(night)
        return night

    def _version(self) -> str | None:
        model = self._store.active()
        return None if model is None else model.version

    def _read(self, version: str | None, tconsts: Sequence[str]) -> list[Movie]:
        if version is None:
            return []
        movies = (self._store.movie(version, t) for t in tconsts)
        return [m for m in movies if m is not None]

    def _marked(self, members: Sequence[str]) -> set[str]:
        """Every film a member marked seen or not interested."""
        return {mark.tconst for user in members for mark in self._store.marks(user)}

    def _titles(self, text: str) -> _Titles:
        """The films `text` names (a title, several, or a tconst from the picker)."""
        version = self._version()
        index = self._movies.index()
        if version is None or index is None or not (text or "").strip():
            return _Titles()
        seeds = understand(text, index).seeds
        movies = self._read(
            version, list(dict.fromkeys(s.match.tconst for s in seeds if s.match is not None))
        )
        if movies:
            return _Titles(tuple(movies))
        unsure = next((s for s in seeds if s.alternatives), None)
        if unsure is not None:
            return _Titles((), tuple(unsure.alternatives), unsure.text)
        resolution = index.resolve(text)
        if resolution.match is not None:
            return _Titles(tuple(self._read(version, [resolution.match.tconst])))
        return _Titles((), tuple(resolution.alternatives), text.strip())

    def _not_found(self, night: Night, text: str, found: _Titles) -> NightOutcome:
        if self._version() is None:
            return NightOutcome(NightStatus.UNRESOLVED, night, _NO_MODEL)
        if not (text or "").strip():
            return NightOutcome(NightStatus.UNRESOLVED, night, "Type a film's title.")
        if found.candidates:
            return NightOutcome(
                NightStatus.DID_YOU_MEAN,
                night,
                f"Which film did you mean by “{found.unsure}”?",
                found.candidates,
            )
        return NightOutcome(
            NightStatus.UNRESOLVED,
            night,
            f"I couldn't find “{text.strip()[:80]}” in the catalogue: check the spelling or "
            "pick it from the list as you type.",
        )


def _passed(closes_at: str, now: datetime) -> bool:
    moment = parse_utc(closes_at)
    return moment is not None and moment <= now


def _announcement(night: Night) -> str:
    film = night.film(night.winner) if night.winner else None
    if film is None:
        return "The movie night is closed. There was nothing on the shortlist to pick."
    votes = night.tally(film.tconst)
    _best, tied = leader(night)
    text = f"{film.title} wins with {votes} approval{'s' if votes != 1 else ''}."
    if tied:
        text += f" It was a tie. {night.tie_rule}"
    return text
