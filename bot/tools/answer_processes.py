"""`serve --http` works out its answers (Bolt's lazy listeners) in worker processes, so the
acks never wait for the GIL behind them.

As Bolt's Lambda adapter does (slack_bolt/adapter/aws_lambda/lazy_listener_runner.py): the
request is sent on with `x-slack-bolt-lazy-only` and `x-slack-bolt-lazy-function-name`, and
the receiving app's dispatch runs only that lazy function. Here the receiver is a worker
process holding its own app, services and warm pools, built once when it starts. A worker
hands each request to a thread of its own and reads the next at once: an answer mostly waits
(the store, Slack taking the reply at the response_url).

Each worker reads its own pipe. Not a ProcessPoolExecutor: its submit() takes a lock that its
manager thread holds across a pipe read, which lets the GIL go; the acking threads queued behind
one another there (bench_load: dispatch p50 11-21 ms in the server, 0.7 ms with the answers in
threads).

What stays correct across processes: an event's claim lives in the store (bot.adapters.dedupe),
taken by the HTTP process before the ack and settled by the worker's lazy run, so a retry is
answered once; the night timer runs only in the HTTP process (bot.tools.night_clock).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess

from slack_bolt import App, BoltRequest
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.util.utils import get_name_for_callable

from bot.config import Settings

log = logging.getLogger(__name__)

LAZY_ONLY = "x-slack-bolt-lazy-only"
LAZY_FUNCTION = "x-slack-bolt-lazy-function-name"
# A pipe holds this much before a write waits for its worker (Linux's most for an unprivileged
# process; its default, 64 KB, is ~25 requests): a worker busy for a moment never holds an ack.
PIPE_BYTES = 1024 * 1024

# How much lower a worker's CPU priority is than the HTTP process's (nice(2); 19 is lowest).
WORKER_NICENESS = 10

# How long stopping waits for a worker to deliver the answers it holds (an answer takes about a
# second; Slack waits 30 minutes at a response_url) before it is stopped.
STOP_WAIT_S = 20.0

# Builds a worker's app from the server's settings: a module-level function (it is pickled by
# name into each worker), run once per worker.
AppFactory = Callable[[Settings], App]
Headers = dict[str, Sequence[str]]
Job = tuple[str, Headers]  # a request's raw body and headers, marked lazy-only


def _work(jobs: Connection, build: AppFactory, settings: Settings, threads: int) -> None:
    """A worker process: the lazy runs read from `jobs`, each run in a thread, until the server
    sends None or closes the pipe (it stopped, or died); the runs it took finish first."""
    # Ctrl-C reaches every process of the terminal's group: the server stops its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Acks must come fast; an answer may come a little later: when the cores are busy, the
    # HTTP process gets them first (bench_load at 50/s on 2 busy cores: ack p95 71 ms at 10,
    # 103 ms at 0).
    os.nice(WORKER_NICENESS)
    app = build(settings)
    with ThreadPoolExecutor(threads, thread_name_prefix="lazy-listener") as runs:
        while True:
            try:
                job: Job | None = jobs.recv()
            except EOFError:
                break
            if job is None:
                break
            runs.submit(_run, app, *job)


def _run(app: App, body: str, headers: Headers) -> None:
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    if response.status != 200:
        log.warning("a lazy run was refused with %d", response.status)


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ctrl-C ignored while workers are spawned: a spawned process keeps an ignored signal, so
    a Ctrl-C to the terminal's group while a worker is still starting (importing, receiving its
    pipe from the server) cannot stop it halfway; the server stops its workers itself. Only
    the main thread may change a handler (a worker started again later ignores it in `_work`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


class _Worker:
    """One worker process, and the thread in the server that feeds its pipe. The request's
    thread only queues the job (never waits): a lock held across the pipe's write (which lets
    the GIL go) made the acking threads queue behind one another, 25 ms at the median."""

    def __init__(self, context: SpawnContext, n: int, args: tuple[object, ...]) -> None:
        self._context = context
        self._n = n
        self._args = args
        self._pending: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.process, self._jobs = self._spawn()
        self._feeder = threading.Thread(target=self._feed, name=f"answers-{n}-feed", daemon=True)
        self._feeder.start()

    def _spawn(self) -> tuple[BaseProcess, Connection]:
        reader, writer = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_work, args=(reader, *self._args), name=f"moviebot-answers-{self._n}"
        )
        process.start()
        reader.close()  # the worker's now: its end of the pipe closes with it
        with contextlib.suppress(ImportError, AttributeError, OSError):
            import fcntl  # Linux; elsewhere the default pipe still works

            fcntl.fcntl(writer.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        return process, writer

    def put(self, job: Job | None) -> None:
        """Queue a job (None: stop once the jobs before it are handed over)."""
        self._pending.put(job)

    def _feed(self) -> None:
        while True:
            job = self._pending.get()
            try:
                self._jobs.send(job)
            except OSError:  # BrokenPipeError: the worker died (killed, out of memory)
                if job is None:
                    break
                # Its answers in progress are lost; their claims free themselves in time
                # (bot.adapters.dedupe). A new worker takes this job and the next ones.
                log.error("answer worker %d died; starting it again", self._n)
                self._jobs.close()
                self.process.join(1)
                self.process, self._jobs = self._spawn()
                self._jobs.send(job)
            if job is None:
                break
        self._jobs.close()

    def join(self, timeout: float) -> None:
        """Wait for the worker to finish the answers it holds; stopped when it takes longer."""
        self._feeder.join(timeout)
        self.process.join(timeout)
        if self.process.is_alive():
            log.warning("answer worker %d did not stop in %.0f s: stopping it", self._n, timeout)
            self.process.terminate()
            self.process.join()


class ProcessLazyRunner(LazyListenerRunner):
    """Bolt's lazy listener runner for `serve --http`: each lazy run goes to one of
    `processes` worker processes in turn (they start at once). `stop()` waits until every
    answer handed over is delivered."""

    def __init__(self, build: AppFactory, settings: Settings, processes: int, threads: int) -> None:
        self.logger = log
        # spawn, not fork: the server has threads running (the HTTP server's, the night timer)
        # whose locks a forked child could inherit held.
        context = multiprocessing.get_context("spawn")
        args = (build, settings, threads)
        with _ctrl_c_ignored():
            self._workers = [_Worker(context, n, args) for n in range(processes)]
        self._turn = itertools.count()

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        headers: Headers = {name: list(values) for name, values in request.headers.items()}
        headers[LAZY_ONLY] = ["1"]
        headers[LAZY_FUNCTION] = [request.lazy_function_name or get_name_for_callable(function)]
        self._workers[next(self._turn) % len(self._workers)].put((request.raw_body, headers))

    def serve(self, app: App) -> None:
        """Take over `app`'s lazy runs, handed over as they come. Bolt deep-copies a request
        for each lazy run, for a thread of this process; a worker rebuilds it from its raw
        body and headers instead. That copy cost the ack 0.3 ms of CPU and, worse, took the
        logging module's lock (a Logger is copied by getLogger), on which the acking threads
        queued: bench_load's ack p95 was 55-60 ms with it, 43-45 without, on 2 busy cores.
        Should Bolt's runner change, it simply copies again."""
        runner = app.listener_runner
        runner.lazy_listener_runner = self
        runner._start_lazy_function = self.start  # type: ignore[method-assign, assignment]

    def stop(self) -> None:
        for worker in self._workers:
            worker.put(None)
        deadline = time.monotonic() + STOP_WAIT_S  # they stop side by side
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.monotonic()))
