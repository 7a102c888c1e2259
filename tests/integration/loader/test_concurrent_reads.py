"""While loads run, a reader going through `active()` only ever sees one whole version."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from bot.usecases.loader import load_artifact
from tests.fixtures.artifacts import SAMPLE_MOVIES
from tests.fixtures.stores import StoreOpener, read_movies

from .helpers import version_artifact

CLUSTER_0 = sum(1 for m in SAMPLE_MOVIES if m.cluster == 0)
SOME = [m.tconst for m in SAMPLE_MOVIES[:10]]


def tag(title: str) -> str:
    return title.rsplit("[", 1)[-1].rstrip("]")


def test_reads_during_loads_never_mix_versions(store_opener: StoreOpener, tmp_path: Path) -> None:
    writer, reader = store_opener(), store_opener()
    load_artifact(version_artifact(tmp_path, "v1"), writer)
    artifacts = [version_artifact(tmp_path, v) for v in ("v2", "v3")]
    stop = threading.Event()
    seen: Counter[str] = Counter()
    problems: list[str] = []

    def read() -> None:
        while not stop.is_set():
            active = reader.active()
            if active is None:
                problems.append("no active version")
                continue
            version = active.version
            page = reader.cluster_page(version, 0, 50).movies
            movies = read_movies(reader, version, SOME)
            tags = {tag(m.title) for m in [*page, *movies.values()]}
            if tags != {version} or len(page) != CLUSTER_0 or len(movies) != len(SOME):
                problems.append(f"{version}: tags {tags}, {len(page)} in page, {len(movies)}")
            seen[version] += 1

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for artifact in artifacts:
            # Slow batches widen the window in which a reader could catch a half-written version.
            load_artifact(artifact, writer, batch_size=5, progress=lambda *_: time.sleep(0.02))
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
    assert problems == []
    assert seen["v1"] > 0 and seen["v3"] > 0, seen
