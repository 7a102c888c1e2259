"""The store's interfaces: small roles, each what one kind of client needs, and `Store`, their
union, which the backends (sqlite.py, dynamodb.py) implement and `open_store` returns.

A client names the narrowest role it uses (the dedupe `EventClaims`, a retrainer `RunLog`, ...),
so its type says what it touches and a test fake implements only that.

Versions: the loader writes a version completely (begin -> movies -> title index,
catalogue top and cluster pool blocks),
then `activate`s it with a conditional switch; readers always go through `active()`,
so they never see a half-written version. User marks and training runs are kept
across versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.manifest import Manifest
from bot.core.models import Mark, ModelVersion, Movie, Page, TrainingRun, VersionState
from bot.core.night import Night, NightFilm


class StoreError(Exception):
    """A store operation failed in a way the caller can report."""


class ActivationConflict(StoreError):
    """The active version was not the one the caller expected: someone else switched it."""


@dataclass(frozen=True)
class IndexParts:
    """How a version's title index is stored: `count` parts of `part_bytes` bytes each (the last
    may be shorter), `size` bytes in all, whose sha256 is `sha256`."""

    count: int
    size: int
    part_bytes: int
    sha256: str


class ActiveModel(Protocol):
    def active(self) -> ModelVersion | None:
        """The version the bot answers from; None before the first load."""
        ...


class ModelReader(ActiveModel, Protocol):
    """The bot's request path (never a scan)."""

    def movie(self, version: str, tconst: str) -> Movie | None: ...

    def cluster_page(
        self, version: str, cluster: int, limit: int, cursor: str | None = None
    ) -> Page:
        """A cluster's movies, most popular (votes) first, `limit` at a time."""
        ...

    def title_index(self, version: str) -> bytes | None:
        """The serialized title index the loader stored with this version."""
        ...

    def title_index_parts(self, version: str) -> IndexParts | None:
        """How the title index of `version` is stored; None when it has none."""
        ...

    def title_index_chunks(self, version: str, seqs: Sequence[int]) -> list[bytes]:
        """Parts `seqs` of the title index, in the order asked (a cold start reads only the
        parts its first answer needs). StoreError when one is missing."""
        ...

    def catalogue_top(self, version: str) -> list[Movie]:
        """The version's most popular movies (`bot.core.catalogue`), most voted first, in one
        or a few reads; empty when its loader stored none (a version loaded before there was
        one)."""
        ...

    def cluster_block(self, version: str, cluster: int) -> bytes | None:
        """The cluster's pool block (`bot.core.pool_block`) the loader stored, in one or a few
        reads; None when it stored none (a version loaded before there were blocks)."""
        ...

    def cursor_after(self, version: str, movie: Movie) -> str:
        """The `cluster_page` cursor that continues after `movie` in its cluster (where the
        rest of a cluster begins after a pool read from its block)."""
        ...


class ReportReader(Protocol):
    def report(self, version: str) -> dict[str, bytes]:
        """The report files stored with `version`; empty when it has none."""
        ...


class MarkStore(Protocol):
    """A Slack user's seen / not-interested list (kept across versions)."""

    def add_mark(self, user_id: str, mark: Mark) -> None: ...

    def remove_mark(self, user_id: str, tconst: str) -> None: ...

    def marks(self, user_id: str) -> list[Mark]: ...


class EventClaims(Protocol):
    """Slack events already answered: retries and duplicates never get a second reply."""

    def claim_event(self, key: str, ttl_seconds: int) -> bool:
        """True when nobody holds `key` (by any process): the claim is then held, in progress,
        for `ttl_seconds`, and its holder completes or releases it. Else False."""
        ...

    def complete_event(self, key: str, ttl_seconds: int) -> None:
        """The event was answered: hold `key` for `ttl_seconds` more, so a retry gets no
        second reply."""
        ...

    def release_event(self, key: str) -> None:
        """Answering failed: drop the claim on `key` so Slack's retry is answered, not dropped
        (nothing happens when there is none)."""
        ...


class QuestionQuota(Protocol):
    """A per-user limit on questions (fixed windows, shared by every process)."""

    def take_quota(self, user_id: str, limit: int, window_seconds: int) -> bool:
        """Count one question of `user_id` in the current window of `window_seconds`; False,
        counting nothing, when `limit` were already counted in it."""
        ...


class ThreadStore(Protocol):
    """A conversation's state between turns (a Slack thread, a DM, a terminal session), with
    an expiry, so any process can continue it."""

    def load_thread(self, key: str) -> str | None:
        """The state saved under `key`; None when there is none or it has expired."""
        ...

    def save_thread(self, key: str, state: str, ttl_seconds: int) -> None:
        """Save (or replace) the state under `key`, kept for `ttl_seconds`."""
        ...


class NightMissing(StoreError):
    """No such night: it never was, or it expired."""


class NightExists(StoreError):
    """A night with that id was already created."""


class NightClosed(StoreError):
    """The night is closed: the write was refused and nothing changed."""

    def __init__(self, night: Night) -> None:
        super().__init__(f"night {night.night_id} is closed")
        self.night = night


class NightStore(Protocol):
    """Movie nights (issue 15), so any process can handle any click. Every write is
    conditional: it raises NightMissing when the night does not exist (or expired) and,
    except `set_winner` / `set_message_ts`, NightClosed when it is closed; otherwise it returns
    the night as it is after the write. A night expires (TTL) `bot.core.night.expires_at`
    after it starts."""

    def create_night(self, night: Night) -> None:
        """Store a new night as given; NightExists when its id is taken."""
        ...

    def night(self, night_id: str) -> Night | None:
        """The night, or None when there is none (or it expired)."""
        ...

    def join_night(self, night_id: str, user: str) -> Night:
        """Add `user` to the members (nothing changes when already one)."""
        ...

    def add_favourite(self, night_id: str, user: str, tconst: str) -> Night:
        """Join `user` and add `tconst` to their favourites (once)."""
        ...

    def add_suggestion(self, night_id: str, user: str, film: NightFilm) -> Night:
        """Join `user`, record the suggestion and put `film` on the shortlist (once)."""
        ...

    def set_shortlist(self, night_id: str, films: Sequence[NightFilm]) -> Night:
        """Replace the shortlist (votes for films still on it are kept)."""
        ...

    def toggle_vote(self, night_id: str, user: str, tconst: str, click_id: str) -> Night:
        """Approve `tconst` for `user`, or withdraw the approval when given; a `click_id`
        already counted changes nothing (a retried click counts once)."""
        ...

    def close_night(self, night_id: str) -> Night:
        """Close an open night and return it closed; NightClosed when it already was."""
        ...

    def set_winner(self, night_id: str, tconst: str | None) -> Night:
        """Record the winner of a closed night (NightMissing; StoreError when still open)."""
        ...

    def set_message_ts(self, night_id: str, message_ts: str) -> None:
        """Remember the night's Slack message, to update it."""
        ...

    def discard_night(self, night_id: str) -> bool:
        """Delete a night that was never shown (no message_ts: posting it failed); False, and
        nothing deleted, when it has a message or does not exist."""
        ...

    def due_nights(self, now: str) -> list[str]:
        """Ids of the open nights whose closing time (ISO UTC) is at or before `now`."""
        ...


class RunLog(Protocol):
    """Training runs, for the admin's status and the retrainers' single flight."""

    def record_run(self, run: TrainingRun) -> None: ...

    def latest_run(self) -> TrainingRun | None: ...


class VersionWriter(Protocol):
    """The loader's writes (and the reads it makes to plan them)."""

    def versions(self) -> list[VersionState]: ...

    def begin_version(self, version: str, manifest: Manifest) -> None: ...

    def put_movies(self, version: str, movies: Iterable[Movie]) -> int: ...

    def put_title_index(self, version: str, blob: bytes) -> None: ...

    def put_catalogue_top(self, version: str, movies: Sequence[Movie]) -> None:
        """Store (or replace) the version's catalogue top, in the order given."""
        ...

    def put_cluster_block(self, version: str, cluster: int, data: bytes) -> None:
        """Store (or replace) the cluster's pool block; split into parts when large."""
        ...

    def put_report(self, version: str, files: Mapping[str, bytes]) -> None:
        """The training report (report.md, metrics.json, plots) by file name, for the admin."""
        ...

    def count_movies(self, version: str) -> int: ...

    def complete_version(self, version: str) -> None: ...

    def activate(self, version: str, expected_previous: str | None) -> None:
        """Make `version` active iff the active one is still `expected_previous`."""
        ...

    def delete_version(self, version: str) -> None: ...


class Store(
    ModelReader,
    ReportReader,
    MarkStore,
    EventClaims,
    QuestionQuota,
    ThreadStore,
    NightStore,
    RunLog,
    VersionWriter,
    Protocol,
):
    """Every role, as one handle: what a backend implements and `open_store` returns."""

    def close(self) -> None: ...
