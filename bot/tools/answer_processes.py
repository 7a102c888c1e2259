"""`serve --http` works out its answers (Bolt's lazy listeners) in worker processes, so the
acks never wait for the GIL behind them.

As Bolt's Lambda adapter does (slack_bolt/adapter/aws_lambda/lazy_listener_runner.py): the
request is sent on with `x-slack-bolt-lazy-only` and `x-slack-bolt-lazy-function-name`, and
the receiving app's dispatch runs only that lazy function. Here the receiver is a worker
process holding its own app, services and warm pools, built once when it starts. A worker
hands each request to a thread of its own and takes the next at once: an answer mostly waits
(the store, Slack taking the reply at the response_url).

What stays correct across processes: an event's claim lives in the store (bot.adapters.dedupe),
taken by the HTTP process before the ack and settled by the worker's lazy run, so a retry is
answered once; the night timer runs only in the HTTP process (bot.tools.night_clock).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from slack_bolt import App, BoltRequest
from slack_bolt.lazy_listener import LazyListenerRunner

from bot.config import Settings

log = logging.getLogger(__name__)

LAZY_ONLY = "x-slack-bolt-lazy-only"
LAZY_FUNCTION = "x-slack-bolt-lazy-function-name"
# A worker whose server died without stopping it (kill -9) leaves within this many seconds.
PARENT_CHECK_SECONDS = 1.0

# Builds a worker's app from the server's settings: a module-level function (it is pickled by
# name into each worker), run once per worker.
AppFactory = Callable[[Settings], App]
Headers = dict[str, Sequence[str]]


@dataclass
class _Worker:
    app: App
    threads: ThreadPoolExecutor


_worker: _Worker | None = None  # this process's, once it is a worker


def _start_worker(build: AppFactory, settings: Settings, threads: int, server_pid: int) -> None:
    """Run once in each worker process as it starts."""
    global _worker
    # Ctrl-C reaches every process of the terminal's group: the server stops its workers
    # itself, after they have finished the answers they hold.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = _Worker(
        app=build(settings),
        threads=ThreadPoolExecutor(threads, thread_name_prefix="lazy-listener"),
    )
    # Stopped by the pool, a worker returns from its loop with answers still running in its
    # threads: they finish first (an answer needs new threads, refused once Python is exiting).
    multiprocessing.util.Finalize(
        _worker, _worker.threads.shutdown, kwargs={"wait": True}, exitpriority=10
    )
    threading.Thread(
        target=_leave_with_server, args=(server_pid,), name="server-watch", daemon=True
    ).start()


def _leave_with_server(server_pid: int) -> None:
    while os.getppid() == server_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _take(body: str, headers: Headers) -> int:
    """In a worker: start the lazy run in a thread and return at once (this worker's pid)."""
    assert _worker is not None, "not a worker process"
    _worker.threads.submit(_run, _worker.app, body, headers)
    return os.getpid()


def _run(app: App, body: str, headers: Headers) -> None:
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    if response.status != 200:
        log.warning("a lazy run was refused with %d", response.status)


class ProcessLazyRunner(LazyListenerRunner):
    """Bolt's lazy listener runner for `serve --http`: each lazy run goes to a pool of worker
    processes. `stop()` waits until every answer handed over is delivered."""

    def __init__(self, build: AppFactory, settings: Settings, processes: int, threads: int) -> None:
        self.logger = log
        self._build = build
        self._settings = settings
        self._processes = processes
        self._threads = threads
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        self.answered_in: set[int] = set()  # the workers' pids that took a lazy run

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server has threads running (the HTTP server's, the night timer)
        # whose locks a forked child could inherit held.
        return ProcessPoolExecutor(
            self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self._build, self._settings, self._threads, os.getpid()),
        )

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        headers: Headers = {name: list(values) for name, values in request.headers.items()}
        headers[LAZY_ONLY] = ["1"]
        headers[LAZY_FUNCTION] = [request.lazy_function_name or function.__name__]
        with self._lock:
            try:
                future = self._pool.submit(_take, request.raw_body, headers)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): a fresh pool takes over; the answers
                # the dead one held are lost, their claims free themselves (bot.adapters.dedupe).
                log.error("an answer worker died; starting the workers again")
                self._pool = self._new_pool()
                future = self._pool.submit(_take, request.raw_body, headers)
        future.add_done_callback(self._taken)

    def _taken(self, future: Future[int]) -> None:
        error = future.exception()
        if error is not None:
            log.error("a lazy run was not taken by a worker: %s", error)
        else:
            self.answered_in.add(future.result())

    def start_workers(self) -> None:
        """Start every worker now rather than on the first questions (each builds its app).
        A burst of jobs: the pool starts another process for each one no worker is free for."""
        for future in [self._pool.submit(os.getpid) for _ in range(self._processes)]:
            future.result()

    def stop(self) -> None:
        self._pool.shutdown(wait=True)
