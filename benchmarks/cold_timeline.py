"""A wall-clock timeline of a cold start's first answer, for `bench_cold --timeline`: the steps
a new process takes (settings, store open, the index's parts read and inflated, the first
cluster read, the ranking), each with when it began after the process was spawned, how long it
took and the CPU of the thread that ran it (the machine may be shared), printed to stderr as one
JSON line when the process exits.

`install()` wraps the named functions of the modules already imported, in place (a benchmark's
child process only, after importing what its path imports); the parent passes the spawn time as
MOVIEBOT_SPAWNED_AT (epoch seconds).
"""

from __future__ import annotations

import atexit
import functools
import importlib
import json
import os
import sys
import threading
import time
from typing import Any

# (label, module, attribute path): what a first answer does, in about that order.
STEPS = (
    ("settings", "bot.config", "Settings.from_env"),
    ("store open", "bot.adapters.store", "open_store"),
    ("secret", "bot.lambda_handler", "read_credentials"),
    ("build services", "bot.lambda_handler", "build_services"),
    ("build app", "bot.lambda_handler", "build_handler"),
    ("lambda request", "bot.lambda_handler", "_Bot.handle"),
    ("active model", "bot.adapters.store.sqlite", "SqliteStore.active"),
    ("active model", "bot.adapters.store.dynamodb", "DynamoStore.active"),
    ("index (all)", "bot.adapters.index_cache", "IndexCache._load"),
    ("index parts read", "bot.core.paged", "PagedBytes._fetch_into"),
    ("index inflate", "bot.core.index_file", "_members"),
    ("index member", "bot.core.index_file", "_member"),  # before inflating side by side
    ("cluster page", "bot.adapters.store.sqlite", "SqliteStore.cluster_page"),
    ("cluster page", "bot.adapters.store.dynamodb", "DynamoStore.cluster_page"),
    ("cluster block", "bot.adapters.store.sqlite", "SqliteStore.cluster_block"),
    ("cluster block", "bot.adapters.store.dynamodb", "DynamoStore.cluster_block"),
    ("pool from block", "bot.usecases.movies", "block_pool"),
    ("cluster pool", "bot.usecases.movies", "MovieService._pool"),
    ("ask (all)", "bot.usecases.movies", "MovieService.ask"),
)

_events: list[tuple[str, float, float, float, str]] = []


def _spawned() -> float:
    return float(os.environ.get("MOVIEBOT_SPAWNED_AT", time.time()))


def _wrap(label: str, fn: Any, t0: float) -> Any:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        began, cpu = time.time(), time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            name = threading.current_thread().name
            took_cpu = time.thread_time() - cpu
            _events.append((label, began - t0, time.time() - began, took_cpu, name))

    return timed


def _resolve(module: str, path: str) -> tuple[Any, str] | None:
    if module not in sys.modules:  # not on this path: importing it would add to the figure
        return None
    owner: Any = importlib.import_module(module)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return (owner, name) if hasattr(owner, name) else None  # another checkout's names


def install() -> None:
    t0 = _spawned()
    for label, module, path in STEPS:
        found = _resolve(module, path)
        if found is None:
            continue
        owner, name = found
        setattr(owner, name, _wrap(label, getattr(owner, name), t0))
    cpu = time.process_time()
    _events.append(("imports done", time.time() - t0, 0.0, cpu, "MainThread"))
    atexit.register(_print)


def _print() -> None:
    rows = [
        {"step": s, "at_s": round(a, 3), "took_s": round(d, 3), "cpu_s": round(c, 3), "thread": t}
        for s, a, d, c, t in sorted(_events, key=lambda e: e[1])
    ]
    print("TIMELINE " + json.dumps(rows), file=sys.stderr, flush=True)
