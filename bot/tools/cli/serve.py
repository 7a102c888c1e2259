"""`python -m bot serve --socket-mode` (real Slack over a websocket: no public URL needed; uses
SLACK_APP_TOKEN) or `--http PORT` (Bolt's /slack/events for events, commands, interactivity and
options alike). Both run the same app as Lambda. With --http the lazy listeners (the answers)
run in worker processes (bot/tools/answer_processes.py), so that the acks never wait for the
GIL behind them; with --socket-mode, and with --answer-processes 0, in threads here."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from functools import partial
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:
    from bot.slack.services import Services
    from bot.tools.answer_processes import ProcessLazyRunner

EVENTS_PATH = "/slack/events"
# `serve --http` answers in worker processes, each with LAZY_WORKERS threads: in the server's
# own process the acks waited for the GIL behind the answers (bench_load at 50/s: ack p95 70 ms,
# ~0.8 of a core of answers). One per core: the workers run at a lower CPU priority than the
# HTTP process (bot/tools/answer_processes.py), so they may use every core without holding up
# an ack; each holds its own title index and pools (memory), hence a cap.
MAX_ANSWER_PROCESSES = 4


def default_answer_processes() -> int:
    return max(1, min(MAX_ANSWER_PROCESSES, os.cpu_count() or 1))


# The lazy listeners (the answers) run in this many threads (of each worker process). Most of a
# lazy run's time can be waiting (the store, and Slack taking the reply at the response_url,
# ~100 ms): with Bolt's 5 threads that wait capped replies below 50 a second and a backlog grew
# (benchmarks/bench_load.py).
# The CPU work still takes turns under the GIL; the pool stays bounded, so a burst queues.
LAZY_WORKERS = 16
# Connections waiting to be accepted (the kernel caps it at net.core.somaxconn).
LISTEN_BACKLOG = 128
# Slack's largest requests (a view submission carrying its whole view, a message event with
# 50 blocks) are a few hundred KB even URL-encoded; a body over this is refused unread.
MAX_BODY_BYTES = 1024 * 1024
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"


class SlackServer(ThreadingHTTPServer):
    """A thread per connection. A burst of new connections (Slack opens several at once)
    overflowed socketserver's listen backlog of 5 while the accept loop waited its turn for
    the CPU: the client sent its dropped connection again 1, 3, 7 s later, past Slack's 3 s
    for an ack (bench_load: acks of 3-14 s in a run's first seconds)."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True
    answers: ProcessLazyRunner | None = None  # the worker processes, when answers run there

    def server_close(self) -> None:
        super().server_close()
        if self.answers is not None:
            self.answers.stop()  # waits for the answers the workers hold


def warm_in_background(services: Services) -> threading.Thread:
    """Read every cluster's pool of the active model once, off the request path: a long-running
    server then never makes a user's first question in a cluster pay that read (~145 ms CPU a
    cluster at 749k movies). Lambda does not: its init must stay short. Once warm, what the
    process holds is frozen out of the cyclic garbage collector (gc.freeze): its full
    collections walked every movie of every pool, 110-130 ms in the middle of an answer at
    749k movies."""

    def warm() -> None:
        try:
            held = services.movies.warm()
        except Exception:  # a store hiccup leaves the pools to be read on demand, as before
            logging.getLogger(__name__).warning("warming the cluster pools failed", exc_info=True)
            return
        gc.freeze()  # the pools hold no reference cycles: reference counting still frees them
        logging.getLogger(__name__).info("warmed %d cluster pools", held)

    thread = threading.Thread(target=warm, name="warm-pools", daemon=True)
    thread.start()
    return thread


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run the bot against Slack (Socket Mode or HTTP)")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--socket-mode", action="store_true", help="connect out to Slack (SLACK_APP_TOKEN)"
    )
    mode.add_argument("--http", type=int, metavar="PORT", help=f"serve {EVENTS_PATH} on this port")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address for --http (default 127.0.0.1)"
    )
    parser.add_argument(
        "--answer-processes",
        type=_processes,
        default=None,
        metavar="N",
        help="--http: answer in N worker processes (default: one per core, at most "
        f"{MAX_ANSWER_PROCESSES}; 0: in threads of the server's own process)",
    )
    parser.set_defaults(func=run)


def _processes(raw: str) -> int:
    if not raw.isdigit():
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number of processes (0 or more)")
    return int(raw)


def _services(settings: Settings) -> Services:
    """The bot's services, with `/movie-admin retrain` training in this process (unless a
    retrain function is configured)."""
    from bot.bootstrap import build_services
    from bot.tools.training_runner import local_retrainer

    return build_services(settings, local_retrainer=partial(local_retrainer, settings))


def worker_app(settings: Settings) -> Any:
    """A worker process's app (bot/tools/answer_processes.py): its own services, its pools
    read in the background as the server's would be."""
    from bot.slack.app import build_app

    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    services = _services(settings)
    warm_in_background(services)
    return build_app(settings, services, process_before_response=True)


def build_http_server(
    settings: Settings,
    host: str,
    port: int,
    services: Any | None = None,
    answer_processes: int = 0,
) -> Any:
    """A threaded HTTP server whose every POST goes to Bolt (signature checked by Bolt), the
    answers worked out in `answer_processes` worker processes (0: in threads here). Returned
    unstarted: call serve_forever(); server_close() also stops the workers."""
    from concurrent.futures import ThreadPoolExecutor
    from http.server import BaseHTTPRequestHandler

    from slack_bolt import BoltRequest

    from bot.slack.app import build_app
    from bot.tools.answer_processes import ProcessLazyRunner

    # As in Lambda: the ack runs in the request's own thread and only the lazy listeners go to
    # Bolt's thread pool. With False, Bolt queues each ack in that same 5-thread pool behind the
    # answers still being worked out (and polls for it every 10 ms): under load, acks waited
    # past Slack's 3 s and the commands went unanswered.
    app = build_app(
        settings,
        services or _services(settings),
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(LAZY_WORKERS, thread_name_prefix="lazy-listener"),
    )
    answers = None
    if answer_processes > 0:
        answers = ProcessLazyRunner(worker_app, settings, answer_processes, LAZY_WORKERS)
        # As Bolt's Lambda adapter does: the lazy runs leave this process.
        answers.serve(app)

    class SlackEvents(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            logging.getLogger("bot.serve").debug(format, *args)

        def _send(self, status: int, body: str, headers: dict[str, Any]) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            for name, values in headers.items():
                if name.lower() == "content-length":
                    continue
                for value in values if isinstance(values, list | tuple) else [values]:
                    self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _refuse(self, status: int, reason: str) -> None:
            # The body stays unread, so this connection cannot carry another request.
            self.close_connection = True
            self._send(status, reason + "\n", {"Connection": "close"})

        def _body_length(self) -> int | None:
            """The declared length of an acceptable body; None once the request is refused."""
            if self.headers.get("Transfer-Encoding") is not None:
                # Never decoded here, and Slack always sends a Content-Length.
                self._refuse(411, "send the body with a Content-Length, not chunked")
                return None
            declared = {value.strip() for value in self.headers.get_all("Content-Length", [])}
            if not declared:
                self._refuse(411, "a Content-Length is required")
                return None
            value = declared.pop()
            if declared or not (value.isascii() and value.isdigit()):
                self._refuse(400, "invalid Content-Length")
                return None
            if int(value) > MAX_BODY_BYTES:
                self._refuse(413, f"request body over {MAX_BODY_BYTES} bytes")
                return None
            return int(value)

        def handle_expect_100(self) -> bool:
            # A client that waits for "100 Continue" hears the refusal before sending the body.
            if self.path.split("?", 1)[0] != EVENTS_PATH:
                self._refuse(404, "Not Found")
                return False
            return self._body_length() is not None and super().handle_expect_100()

        def do_GET(self) -> None:
            self._send(404 if self.path.split("?")[0] != "/health" else 200, "ok", {})

        def do_POST(self) -> None:
            if self.path.split("?", 1)[0] != EVENTS_PATH:
                self._refuse(404, "Not Found")
                return
            length = self._body_length()
            if length is None:
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            headers: dict[str, str | Sequence[str]] = {
                k.lower(): [v] for k, v in self.headers.items()
            }
            response = app.dispatch(BoltRequest(body=body, headers=headers))
            self._send(response.status, response.body or "", response.headers)

    server = SlackServer((host, port), SlackEvents)
    server.answers = answers
    return server


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret if args.http else "x"),
            ("SLACK_APP_TOKEN", settings.slack_app_token if args.socket_mode else "x"),
        )
        if not value
    ]
    if missing:
        print(
            f"serve needs {', '.join(missing)} in the environment (see the README).",
            file=sys.stderr,
        )
        return 2
    from slack_sdk import WebClient

    from bot.tools.night_clock import NightClock

    services = _services(settings)
    # Movie nights with a closing time are closed by this timer (in AWS, by a schedule).
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    clock = NightClock(services, client, settings.night_timer_seconds).start()
    processes = processes_for(args)
    if not processes:
        warm_in_background(services)  # the workers warm their own
    # SIGTERM stops the server as Ctrl-C does: the workers finish the answers they hold.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return _serve(args, settings, services, processes)
    except KeyboardInterrupt:
        return 0
    finally:
        clock.stop()


def processes_for(args: argparse.Namespace) -> int:
    """Worker processes for the answers: --http only (Socket Mode answers in threads)."""
    if args.socket_mode:
        return 0
    return default_answer_processes() if args.answer_processes is None else args.answer_processes


def _serve(args: argparse.Namespace, settings: Settings, services: Services, processes: int) -> int:
    if args.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        from bot.slack.app import build_app

        app = build_app(settings, services, process_before_response=False)
        print("moviebot: connected to Slack over Socket Mode; Ctrl-C to stop", file=sys.stderr)
        SocketModeHandler(app, settings.slack_app_token).start()
        return 0
    server = build_http_server(settings, args.host, args.http, services, processes)
    host, port = server.server_address[:2]
    answering = f"{processes} worker processes" if processes else "threads of this process"
    try:
        print(
            f"moviebot: listening on http://{host}:{port}{EVENTS_PATH}; answering in "
            f"{answering}; Ctrl-C to stop",
            file=sys.stderr,
        )
        server.serve_forever()
    finally:
        server.server_close()
    return 0
