"""Load a model artifact into a store and switch the bot over to it.

The order is what makes it safe: write the new version completely (movies, then the title
index, the catalogue top and each cluster's pool block), verify the counts, mark it complete,
then flip the active pointer with a conditional write; only then remove versions older than
the previous one. A loader that dies anywhere before the flip leaves the previous version
serving unchanged, and a rerun writes the same version again (writes are idempotent upserts)
and finishes. Loading the active version again only tidies up.

Two loaders may run at once (two uploads close together, or a rerun beside the S3-triggered
one). The clean-up removes complete versions that are neither active nor the previous one, and
a loading version only once its load began longer ago than STALE_LOAD: until then another
loader may be writing it. So a version is never deleted under a loader writing it, and one
whose loader died halfway still goes, with the first load after that age.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.adapters.store.base import ActivationConflict, ActiveModel, VersionWriter
from bot.core.artifact import (
    TITLE_INDEX_FILE,
    iter_akas,
    iter_movies,
    read_manifest,
    report_files,
)
from bot.core.catalogue import catalogue_top
from bot.core.clock import Clock, parse_utc, utc_now
from bot.core.models import Movie, VersionState, VersionStatus
from bot.core.pool_block import pack_block
from bot.usecases.pool_blocks import cluster_blocks

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 10_000
# Far longer than any load takes (the loader Lambda stops at 15 minutes; a full load measured
# 3 minutes into DynamoDB Local, 25 s into SQLite): a loading version this old was abandoned.
STALE_LOAD = timedelta(hours=24)

# progress(stage, amount): "parsed" (movies read and checked), "movies" after each batch
# (movies written so far), "index" (bytes), "blocks" (cluster pool blocks), "verified"
# (movies), "activated" (movies).
# The benchmark times the stages with it; tests raise from it to kill the loader there.
Progress = Callable[[str, int], None]


class LoadTarget(ActiveModel, VersionWriter, Protocol):
    """What the loader uses of a store: which version is active, and the version writes."""


class LoadError(Exception):
    """The artifact could not be loaded; the previously active version still serves."""


@dataclass(frozen=True)
class LoadReport:
    version: str
    movies: int
    akas: int
    index_bytes: int
    seconds: float
    activated: bool
    skipped_already_active: bool
    previous: str | None = None
    deleted: tuple[str, ...] = field(default_factory=tuple)
    # True when the version was already completely in the store (a switch back): nothing written.
    reused: bool = False
    # True when the loader built the title index (the artifact had none that fits).
    index_built: bool = False

    def summary(self) -> str:
        if self.skipped_already_active:
            text = f"version {self.version} is already active ({self.movies} movies)"
        elif self.reused:
            text = (
                f"switched to version {self.version} ({self.movies} movies, already in the"
                f" store) in {self.seconds:.1f} s; active (was {self.previous or 'none'})"
            )
        else:
            origin = "built" if self.index_built else "from the artifact"
            text = (
                f"loaded version {self.version}: {self.movies} movies, {self.akas} alternate"
                f" titles, title index {self.index_bytes / 1e6:.1f} MB ({origin})"
                f" in {self.seconds:.1f} s;"
                f" active (was {self.previous or 'none'})"
            )
        if self.deleted:
            text += f"; removed {', '.join(self.deleted)}"
        return text


def _title_index(
    model_dir: Path, movies: list[Movie], akas: Iterable[tuple[str, str]]
) -> tuple[bytes, bool]:
    """The artifact's title index when it fits these movies in this bot's format, else one built
    from the movies and akas (an artifact from an older training, or a format changed since);
    and whether it was built."""
    from bot.core.matching import TitleIndex  # numpy and rapidfuzz: only the loader's path pays

    path = model_dir / TITLE_INDEX_FILE
    if path.is_file():
        blob = path.read_bytes()
        if TitleIndex.fits(blob, (m.tconst for m in movies)):
            return blob, False
        logger.warning("%s does not fit these movies or this format: building it again", path)
    return TitleIndex.build(movies, akas).to_bytes(), True


def _abandoned(state: VersionState, now: datetime) -> bool:
    """A loading version whose load began longer ago than STALE_LOAD; when the store cannot
    say when it began, it is kept (a leftover costs space, a deletion could cost a load)."""
    begun = parse_utc(state.begun_at or "")
    return begun is not None and now - begun > STALE_LOAD


def _remove_old(store: VersionWriter, keep: set[str], now: datetime) -> tuple[str, ...]:
    doomed = tuple(
        s.version
        for s in store.versions()
        if s.version not in keep and (s.status == VersionStatus.COMPLETE or _abandoned(s, now))
    )
    for version in doomed:
        store.delete_version(version)
    return doomed


def load_artifact(
    model_dir: Path,
    store: LoadTarget,
    *,
    keep_previous: bool = True,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    clock: Clock = utc_now,
) -> LoadReport:
    """Load `model_dir` into `store` and make it the active version.

    Raises ArtifactError for a bad artifact and LoadError when the counts do not add up or
    another loader switched versions meanwhile; the previous version keeps serving either way.
    """
    started = time.perf_counter()
    report_progress: Progress = progress or (lambda _stage, _amount: None)
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)  # checked: a bad one is refused before any write
    version = manifest.version
    expected = manifest.counts["movies"]

    active = store.active()
    previous = active.version if active else None
    if previous == version:
        # Loaded before: only finish what a run that died after its flip may have left.
        others = [
            s.version
            for s in store.versions()
            if s.version != version and s.status == VersionStatus.COMPLETE
        ]
        keep = {version, *(others[-1:] if keep_previous else [])}
        return LoadReport(
            version=version,
            movies=store.count_movies(version),
            akas=0,
            index_bytes=0,
            seconds=time.perf_counter() - started,
            activated=False,
            skipped_already_active=True,
            previous=previous,
            deleted=_remove_old(store, keep, clock()),
        )

    state = {s.version: s for s in store.versions()}.get(version)
    akas_count = 0
    index_bytes = 0
    index_built = False
    if state is None or state.status != VersionStatus.COMPLETE:
        # Read (and so validate) every movie before writing any: a malformed artifact leaves
        # no trace in the store.
        movies = list(iter_movies(model_dir))
        if len(movies) != expected:
            raise LoadError(
                f"{model_dir}: movies.csv.gz holds {len(movies)} movies,"
                f" manifest.json says {expected}; nothing was loaded"
            )
        report_progress("parsed", len(movies))

        def counted_akas() -> Iterator[tuple[str, str]]:
            nonlocal akas_count
            for aka in iter_akas(model_dir):
                akas_count += 1
                yield aka

        store.begin_version(version, manifest)
        # The title index is checked (or built) while the movies are written: the writes
        # mostly wait on the store, the check or build mostly computes.
        pool = ThreadPoolExecutor(1, thread_name_prefix="title-index")
        try:
            index_job = pool.submit(_title_index, model_dir, movies, counted_akas())
            written = 0
            for start in range(0, len(movies), batch_size):
                written += store.put_movies(version, movies[start : start + batch_size])
                report_progress("movies", written)
            blob, index_built = index_job.result()
        finally:
            pool.shutdown(wait=False)  # a failed write reports at once, not after the build
        top = catalogue_top(movies)
        blocks = cluster_blocks(movies)
        del movies  # the index holds what it needs; free the rest before the next step
        if not index_built:  # the akas went into the artifact's index, not through this load
            akas_count = manifest.counts.get("akas", 0)
        index_bytes = len(blob)
        store.put_title_index(version, blob)
        report_progress("index", index_bytes)
        store.put_catalogue_top(version, top)
        for cluster, block in blocks.items():
            store.put_cluster_block(version, cluster, pack_block(block))
        report_progress("blocks", len(blocks))
        store.put_report(version, report_files(model_dir))
        stored = store.count_movies(version)
        if stored != expected:
            raise LoadError(
                f"the store holds {stored} movies of version {version}, expected {expected};"
                " it was not activated (run the load again)"
            )
        report_progress("verified", stored)
        store.complete_version(version)

    try:
        store.activate(version, previous)
    except ActivationConflict as exc:
        raise LoadError(f"another load switched versions meanwhile: {exc}") from None
    report_progress("activated", expected)
    keep = {version, *([previous] if previous and keep_previous else [])}
    deleted = _remove_old(store, keep, clock())
    return LoadReport(
        version=version,
        movies=expected,
        akas=akas_count,
        index_bytes=index_bytes,
        seconds=time.perf_counter() - started,
        activated=True,
        skipped_already_active=False,
        previous=previous,
        deleted=deleted,
        reused=state is not None and state.status == VersionStatus.COMPLETE,
        index_built=index_built,
    )
