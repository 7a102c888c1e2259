"""Values shared by the store, the loader, the matcher and the bot."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote_plus

from bot.core.manifest import Manifest


@dataclass(frozen=True)
class Movie:
    tconst: str
    title: str
    original_title: str
    year: int | None
    runtime: int | None
    genres: tuple[str, ...]
    rating: float
    votes: int
    cluster: int
    # The reduced (PCA) coordinates the recommender measures closeness in.
    coords: tuple[float, ...] = ()
    # Where the movie comes from and its original languages: ISO 3166 region codes as IMDb
    # writes them (IMDb's historical ones too, e.g. SUHH) and ISO 639 language codes, as
    # training estimates them from the akas (training/origins.py); empty when unknown.
    # "Bollywood" is country IN and language hi.
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @property
    def imdb_url(self) -> str:
        if self.tconst.startswith("tt"):
            return f"https://www.imdb.com/title/{self.tconst}/"
        # Demo-catalogue ids are not IMDb's: link to a search for the title instead.
        query = quote_plus(f"{self.title} {self.year or ''}".strip())
        return f"https://www.imdb.com/find/?q={query}"


@dataclass(frozen=True)
class ModelVersion:
    version: str
    manifest: Manifest

    @property
    def created_at(self) -> str | None:
        return self.manifest.created_at


class VersionStatus(str, Enum):
    LOADING = "loading"
    COMPLETE = "complete"


@dataclass(frozen=True)
class VersionState:
    version: str
    status: VersionStatus
    movies: int = 0
    # When its latest load began (ISO 8601, UTC): a loading version begun long ago was abandoned.
    begun_at: str | None = None


@dataclass(frozen=True)
class Page:
    movies: list[Movie]
    # Opaque; pass back to read the next page. None when there is no more.
    next_cursor: str | None = None


class MarkKind(str, Enum):
    SEEN = "seen"
    NOT_INTERESTED = "not_interested"


@dataclass(frozen=True)
class Mark:
    tconst: str
    kind: MarkKind
    title: str = ""
    marked_at: str = ""


class RunState(str, Enum):
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPED = "Stopped"


@dataclass(frozen=True)
class TrainingRun:
    run_id: str
    state: RunState
    started_at: str
    ended_at: str | None = None
    detail: str = ""
    version: str | None = None
