"""`serve` answers in many threads through one MovieService: its kept pools are shared, so a
thread reading them while another adds, reorders or drops one must not fail."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.adapters.index_cache import IndexCache
from bot.usecases import movies as movies_module
from bot.usecases.movies import MovieService
from tests.unit.usecases.conftest import fill, quiet_film
from tests.unit.usecases.fakes import MemoryStore

CLUSTERS = 12
THREADS = 8
QUESTIONS = 150  # per thread


@pytest.fixture
def fast_switching() -> Iterator[None]:
    # Threads take turns after every few bytecodes instead of every 5 ms, so a race shows
    # within a short test.
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_threads_asking_across_clusters_all_get_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_switching: None
) -> None:
    # Fewer pools kept than clusters asked about: pools are dropped and read again all along.
    monkeypatch.setattr(movies_module, "CLUSTER_POOLS_KEPT", 3)
    movies = [quiet_film(100 * c + i, c) for c in range(CLUSTERS) for i in range(1, 8)]
    store = fill(MemoryStore(), movies=movies, akas=(), k=CLUSTERS)
    service = MovieService(store, IndexCache(store, tmp_path / "cache"), page_size=3)
    failures: list[BaseException] = []
    answered: list[int] = []

    def ask_many(offset: int) -> None:
        count = 0
        for n in range(QUESTIONS):
            cluster = (n + offset) % CLUSTERS
            try:
                answer = service.ask(f"like Quiet Film Number {100 * cluster + 1}")
            except Exception as error:  # every failure is the finding
                failures.append(error)
                continue
            count += bool(answer.recommendations)
        answered.append(count)

    threads = [threading.Thread(target=ask_many, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert answered == [QUESTIONS] * THREADS
