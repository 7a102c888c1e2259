"""Artifacts whose movies say which version they belong to, and a snapshot of what the bot
reads, so a test can tell whether the previous version still serves exactly as before."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.adapters.store.base import Store
from bot.core.models import Movie
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES, write_artifact
from tests.fixtures.stores import read_movies

CLUSTERS = sorted({m.cluster for m in SAMPLE_MOVIES})


def versioned_movies(version: str) -> list[Movie]:
    """The sample catalogue, with every title tagged by its version (and votes nudged)."""
    return [
        dataclasses.replace(m, title=f"{m.title} [{version}]", votes=m.votes + i)
        for i, m in enumerate(SAMPLE_MOVIES)
    ]


def version_artifact(root: Path, version: str, **manifest: Any) -> Path:
    return write_artifact(
        root / version, versioned_movies(version), SAMPLE_AKAS, version=version, **manifest
    )


def snapshot(store: Store) -> dict[str, Any]:
    """Everything the bot reads through the active version."""
    active = store.active()
    assert active is not None
    version = active.version
    pages = {}
    for cluster in CLUSTERS:
        pages[cluster] = store.cluster_page(version, cluster, 100).movies
    return {
        "version": version,
        "manifest": active.manifest,
        "pages": pages,
        "movies": read_movies(store, version, [m.tconst for m in SAMPLE_MOVIES]),
        "index": store.title_index(version),
        "top": store.catalogue_top(version),
        "blocks": {cluster: store.cluster_block(version, cluster) for cluster in CLUSTERS},
    }


class Boom(Exception):
    """The loader 'dies' here."""


def die_at(stage: str, after: int = 1) -> Callable[[str, int], None]:
    """A progress hook that raises the `after`-th time the loader reports `stage`."""
    seen = {"n": 0}

    def hook(reported: str, _amount: int) -> None:
        if reported == stage:
            seen["n"] += 1
            if seen["n"] == after:
                raise Boom(f"killed at {stage} #{after}")

    return hook


class FailingStore:
    """Wraps a store; the named method raises once its call count reaches `at`.

    With `half=True`, put_movies first writes half of its batch: a death in mid-batch."""

    def __init__(self, inner: Store, method: str, at: int = 1, half: bool = False) -> None:
        self._inner = inner
        self._method = method
        self._at = at
        self._half = half
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name != self._method:
            return attribute

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls >= self._at:
                if self._half and name == "put_movies":
                    version, movies = args
                    movies = list(movies)
                    self._inner.put_movies(version, movies[: len(movies) // 2])
                raise Boom(f"killed in {name} call {self.calls}")
            return attribute(*args, **kwargs)

        return wrapped
