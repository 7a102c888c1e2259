"""`serve`'s start-up: the cluster pools are read in the background, and a store that fails
then leaves the server answering as before."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.adapters.index_cache import IndexCache
from bot.adapters.store.base import StoreError
from bot.tools.cli.serve import warm_in_background
from bot.usecases.movies import MovieService
from tests.unit.usecases.conftest import fill
from tests.unit.usecases.fakes import MemoryStore


class FailingPages(MemoryStore):
    def cluster_page(self, *args: Any, **kwargs: Any) -> Any:
        raise StoreError("throttled")


def _services(store: MemoryStore, tmp_path: Path) -> Any:
    fill(store)
    return SimpleNamespace(movies=MovieService(store, IndexCache(store, tmp_path / "cache")))


def test_the_pools_are_read_before_the_first_question(tmp_path: Path) -> None:
    store = MemoryStore()
    services = _services(store, tmp_path)
    warm_in_background(services).join(timeout=30)
    pages = store.page_reads
    assert pages > 0
    assert services.movies.ask("heat").status == "matched"
    assert store.page_reads == pages


def test_a_store_failing_while_warming_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    services = _services(FailingPages(), tmp_path)
    with caplog.at_level(logging.WARNING):
        thread = warm_in_background(services)
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert "warming the cluster pools failed" in caplog.text
