"""The title index, loaded once per process per model version and kept warm.

The store holds the index as bytes, in parts, with its version; the first process to need it
reads only the parts its first answer touches (`bot.core.paged`: the small deflated members up
front, postings and the exact table as searches reach them) and, in the background, fetches the
rest, checks the whole against the store's checksum and writes a copy with every member stored
under `cache_dir`, so later processes (Lambda cold starts on the same instance, CLI runs) map
it in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
from pathlib import Path

from bot.adapters.store.base import IndexParts, ModelReader, StoreError
from bot.core.matching import TitleIndex
from bot.core.paged import PagedBytes

log = logging.getLogger(__name__)

# The rest of the index is fetched this long after the first answer is out (`answered`), so that
# fetching it (and checking and writing it) does not compete with that answer for the CPU and
# the store; at the latest FILL_WAIT_MAX_S after the index was first read.
FILL_AFTER_S = 1.0
FILL_WAIT_MAX_S = 30.0


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
        self._hurry = threading.Event()  # `settle` wants the rest now
        self._answered = threading.Event()  # an answer is out: the rest may be fetched

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
        parts = self._store.title_index_parts(version)
        if parts is None:
            raise IndexMissing(f"no title index stored for version {version}")
        pages = PagedBytes(
            parts.size,
            parts.part_bytes,
            lambda seqs: self._store.title_index_chunks(version, seqs),
        )
        try:
            index = TitleIndex.from_pages(pages)
        except ValueError as exc:
            raise StoreError(f"title index of {version} is damaged ({exc})") from None
        # Not on the first answer's path; not a daemon, so a short CLI run still finishes it.
        self._writer = threading.Thread(
            target=self._complete, args=(version, index, pages, parts, path), name="index-cache"
        )
        self._writer.start()
        return index

    def _complete(
        self, version: str, index: TitleIndex, pages: PagedBytes, parts: IndexParts, path: Path
    ) -> None:
        """Fetch the parts no search has read yet, check the whole, keep a copy."""
        self._answered.wait(FILL_WAIT_MAX_S)
        self._hurry.wait(FILL_AFTER_S)
        try:
            pages.fill()
        except (StoreError, ValueError) as exc:  # searches fetch what they need meanwhile
            log.warning("title index of %s not read in full: %s", version, exc)
            return
        if hashlib.sha256(pages.buffer.data).hexdigest() != parts.sha256:
            log.error("title index of %s is damaged: it is not kept", version)
            with self._lock:  # the next question reads it from the store again
                if self._loaded.get(version) is index:
                    self._loaded = {}
            return
        self._save(index, path)

    def _save(self, index: TitleIndex, path: Path) -> None:
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            index.save(partial)
            os.replace(partial, path)  # readers never see half a file
        except OSError:  # a full or read-only disk, a file where the directory should be
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)  # the next process fetches the index again

    def answered(self) -> None:
        """An answer is out (the first, in a new process): the rest of the index may follow."""
        self._answered.set()

    def settle(self, timeout: float | None = None) -> None:
        """Wait for the copy being written (tests, and a caller about to read the directory)."""
        if self._writer is not None:
            self._answered.set()
            self._hurry.set()
            self._writer.join(timeout)
