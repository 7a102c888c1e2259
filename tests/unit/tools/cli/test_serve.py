"""`serve`'s start-up: the cluster pools are read in the background, and a store that fails
then leaves the server answering as before; how many processes answer."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.__main__ import build_parser
from bot.adapters.index_cache import IndexCache
from bot.adapters.store.base import StoreError
from bot.tools.cli.serve import (
    MAX_ANSWER_PROCESSES,
    default_answer_processes,
    processes_for,
    warm_in_background,
)
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


def test_the_warm_pools_are_out_of_the_garbage_collectors_walks(tmp_path: Path) -> None:
    store = MemoryStore()
    services = _services(store, tmp_path)
    try:
        warm_in_background(services).join(timeout=30)
        movie = services.movies._pool(store.active().version, 0).movies[0]
        assert not any(o is movie for o in gc.get_objects())  # frozen: never walked
    finally:
        gc.unfreeze()
    assert any(o is movie for o in gc.get_objects())


def test_a_store_failing_while_warming_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    services = _services(FailingPages(), tmp_path)
    with caplog.at_level(logging.WARNING):
        thread = warm_in_background(services)
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert "warming the cluster pools failed" in caplog.text


@pytest.mark.parametrize(
    ("line", "processes"),
    [
        (["serve", "--http", "0"], default_answer_processes()),
        (["serve", "--http", "3000", "--answer-processes", "3"], 3),
        (["serve", "--http", "3000", "--answer-processes", "0"], 0),  # in the server's threads
        (["serve", "--socket-mode"], 0),  # Socket Mode answers in threads
    ],
)
def test_how_many_processes_answer(line: list[str], processes: int) -> None:
    assert processes_for(build_parser(["serve"]).parse_args(line)) == processes
    assert 1 <= default_answer_processes() <= MAX_ANSWER_PROCESSES


@pytest.mark.parametrize("count", ["-1", "two", "1.5"])
def test_a_bad_process_count_is_refused_clearly(
    count: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser(["serve"]).parse_args(["serve", "--http", "3000", "--answer-processes", count])
    assert exit_.value.code == 2
    assert f"{count!r} is not a whole number of processes" in capsys.readouterr().err
