"""The title index, loaded once per process per model version and kept warm.

The store holds the index as bytes with its version; the first process to need it answers from
those bytes and, in the background, writes a copy with every member stored under `cache_dir`,
so later processes (Lambda cold starts on the same instance, CLI runs) map it in place.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from bot.adapters.store.base import ModelReader, StoreError
from bot.core.matching import TitleIndex


class IndexMissing(StoreError):
    """The store has no title index for this version."""


def _file_name(version: str) -> str:
    return "title-index-" + re.sub(r"[^A-Za-z0-9._-]", "_", version) + ".npz"


class IndexCache:
    def __init__(self, store: ModelReader, cache_dir: Path) -> None:
        self._store = store
        self._dir = Path(cache_dir)
        self._loaded: dict[str, TitleIndex] = {}
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None

    def get(self, version: str) -> TitleIndex:
        index = self._loaded.get(version)
        if index is not None:
            return index
        with self._lock:
            index = self._loaded.get(version)
            if index is None:
                index = self._load(version)
                # One version serves at a time: drop the old one so memory stays bounded.
                self._loaded = {version: index}
            return index

    def _load(self, version: str) -> TitleIndex:
        path = self._dir / _file_name(version)
        if path.exists():
            try:
                return TitleIndex.load(path)
            except (OSError, ValueError, KeyError):
                path.unlink(missing_ok=True)  # a torn or stale copy: fetch it again
        blob = self._store.title_index(version)
        if blob is None:
            raise IndexMissing(f"no title index stored for version {version}")
        index = TitleIndex.from_bytes(blob)
        # Not on the first answer's path; not a daemon, so a short CLI run still finishes it.
        self._writer = threading.Thread(target=self._save, args=(index, path), name="index-cache")
        self._writer.start()
        return index

    def _save(self, index: TitleIndex, path: Path) -> None:
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            index.save(partial)
            os.replace(partial, path)  # readers never see half a file
        except OSError:
            partial.unlink(missing_ok=True)  # a full or read-only disk: the next process fetches

    def settle(self, timeout: float | None = None) -> None:
        """Wait for the copy being written (tests, and a caller about to read the directory)."""
        if self._writer is not None:
            self._writer.join(timeout)
