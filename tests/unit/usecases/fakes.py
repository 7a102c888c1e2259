"""An in-memory Store that keeps the Protocol's promises (versions, activation, paging by
votes, marks across versions), for service tests that need no database."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence

from bot.adapters.store.base import ActivationConflict, IndexParts, StoreError
from bot.core.manifest import Manifest
from bot.core.models import (
    Mark,
    ModelVersion,
    Movie,
    Page,
    TrainingRun,
    VersionState,
    VersionStatus,
)


class MemoryStore:
    INDEX_PART = 4096  # small parts, so a paged index reads many

    def __init__(self) -> None:
        self._manifests: dict[str, Manifest] = {}
        self._status: dict[str, VersionStatus] = {}
        self._movies: dict[str, dict[str, Movie]] = {}
        self._indexes: dict[str, bytes] = {}
        self._tops: dict[str, list[Movie]] = {}
        self._blocks: dict[tuple[str, int], bytes] = {}
        self.block_reads = 0
        self._active: str | None = None
        self._marks: dict[str, dict[str, Mark]] = {}
        self._runs: list[TrainingRun] = []
        self.page_reads = 0
        self._threads: dict[str, tuple[str, float]] = {}

    def active(self) -> ModelVersion | None:
        if self._active is None:
            return None
        return ModelVersion(self._active, self._manifests[self._active])

    def movie(self, version: str, tconst: str) -> Movie | None:
        return self._movies.get(version, {}).get(tconst)

    def cluster_page(
        self, version: str, cluster: int, limit: int, cursor: str | None = None
    ) -> Page:
        self.page_reads += 1
        members = self._members(version, cluster)
        start = int(cursor or 0)
        end = start + max(1, limit)
        return Page(members[start:end], str(end) if end < len(members) else None)

    def _members(self, version: str, cluster: int) -> list[Movie]:
        return sorted(
            (m for m in self._movies.get(version, {}).values() if m.cluster == cluster),
            key=lambda m: (-m.votes, m.tconst),
        )

    def cluster_block(self, version: str, cluster: int) -> bytes | None:
        self.block_reads += 1
        return self._blocks.get((version, cluster))

    def cursor_after(self, version: str, movie: Movie) -> str:
        return str(self._members(version, movie.cluster).index(movie) + 1)

    def put_cluster_block(self, version: str, cluster: int, data: bytes) -> None:
        self._blocks[(version, cluster)] = data

    def title_index(self, version: str) -> bytes | None:
        return self._indexes.get(version)

    def title_index_parts(self, version: str) -> IndexParts | None:
        blob = self._indexes.get(version)
        if not blob:
            return None
        count = -(-len(blob) // self.INDEX_PART)
        return IndexParts(count, len(blob), self.INDEX_PART, hashlib.sha256(blob).hexdigest())

    def title_index_chunks(self, version: str, seqs: Sequence[int]) -> list[bytes]:
        blob, size = self._indexes[version], self.INDEX_PART
        return [blob[seq * size : (seq + 1) * size] for seq in seqs]

    def catalogue_top(self, version: str) -> list[Movie]:
        return list(self._tops.get(version, []))

    def load_thread(self, key: str) -> str | None:
        state, expires = self._threads.get(key, ("", 0.0))
        return state if expires > time.time() else None

    def save_thread(self, key: str, state: str, ttl_seconds: int) -> None:
        self._threads[key] = (state, time.time() + ttl_seconds)

    def add_mark(self, user_id: str, mark: Mark) -> None:
        self._marks.setdefault(user_id, {})[mark.tconst] = mark

    def remove_mark(self, user_id: str, tconst: str) -> None:
        self._marks.get(user_id, {}).pop(tconst, None)

    def marks(self, user_id: str) -> list[Mark]:
        return list(self._marks.get(user_id, {}).values())

    def record_run(self, run: TrainingRun) -> None:
        self._runs.append(run)

    def latest_run(self) -> TrainingRun | None:
        return self._runs[-1] if self._runs else None

    def versions(self) -> list[VersionState]:
        return [
            VersionState(v, self._status[v], len(self._movies.get(v, {}))) for v in self._status
        ]

    def begin_version(self, version: str, manifest: Manifest) -> None:
        self._manifests[version] = manifest
        self._status[version] = VersionStatus.LOADING
        self._movies[version] = {}

    def put_movies(self, version: str, movies: Iterable[Movie]) -> int:
        count = 0
        for m in movies:
            self._movies[version][m.tconst] = m
            count += 1
        return count

    def put_title_index(self, version: str, blob: bytes) -> None:
        self._indexes[version] = blob

    def put_catalogue_top(self, version: str, movies: Sequence[Movie]) -> None:
        self._tops[version] = list(movies)

    def count_movies(self, version: str) -> int:
        return len(self._movies.get(version, {}))

    def complete_version(self, version: str) -> None:
        self._status[version] = VersionStatus.COMPLETE

    def activate(self, version: str, expected_previous: str | None) -> None:
        if self._status.get(version) != VersionStatus.COMPLETE:
            raise StoreError(f"version {version} is not complete")
        if self._active != expected_previous:
            raise ActivationConflict(f"active is {self._active}, not {expected_previous}")
        self._active = version

    def delete_version(self, version: str) -> None:
        for table in (self._manifests, self._status, self._movies, self._indexes, self._tops):
            table.pop(version, None)
        for key in [k for k in self._blocks if k[0] == version]:
            del self._blocks[key]

    def close(self) -> None:
        pass
