"""`python -m bot serve --http PORT`: signed requests over real HTTP to /slack/events, the
answers worked out in worker processes, and the embedded retrain (in-process training in the
background, then the loader) from /movie-admin."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.listener import thread_runner

from bot.adapters.store.sqlite import SqliteStore
from bot.bootstrap import build_services
from bot.config import Settings
from bot.core.models import RunState
from bot.tools.cli.serve import EVENTS_PATH, LAZY_WORKERS, MAX_BODY_BYTES, build_http_server
from bot.tools.training_runner import local_retrainer
from tests.e2e import slack_requests as sr
from tests.e2e.conftest import bot_env
from tests.fixtures.artifacts import write_artifact


class Gate:
    """A training function that writes a real artifact, but only once the test lets it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self, data_dir: Path, model_dir: Path) -> Path:
        self.started.set()
        assert self.release.wait(20), "the test never released training"
        write_artifact(model_dir, version="v-test-2")
        (model_dir / "report").mkdir()
        (model_dir / "report" / "report.md").write_text("# v-test-2 clusters\n", encoding="utf-8")
        (model_dir / "report" / "cluster_sizes.png").write_bytes(b"\x89PNG v2")
        return model_dir


def _settings(slack_api: Any, store_path: Path, tmp_path: Path, **more: Any) -> Settings:
    """The server's settings: the test's store and cache, the stand-in's URL."""
    return Settings(
        store_url=f"sqlite:///{store_path}",
        cache_dir=tmp_path / "cache",
        slack_bot_token=sr.BOT_TOKEN,
        slack_signing_secret=sr.SIGNING_SECRET,
        slack_api_url=slack_api.url,
        **more,
    )


@pytest.fixture
def server(slack_api: Any, store_path: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    settings = _settings(
        slack_api, store_path, tmp_path, data_dir=tmp_path / "imdb", admins=frozenset({sr.ADMIN})
    )
    store = SqliteStore(str(store_path))
    gate = Gate()
    retrainer = local_retrainer(settings, store, train=gate)
    (tmp_path / "imdb").mkdir()
    (tmp_path / "imdb" / "title.basics.tsv.gz").write_bytes(b"")  # real data "present": no demo
    services = build_services(settings, store=store, retrainer=retrainer)
    httpd = build_http_server(settings, "127.0.0.1", 0, services=services)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield {
            "url": f"http://127.0.0.1:{httpd.server_address[1]}{EVENTS_PATH}",
            "port": httpd.server_address[1],
            "gate": gate,
            "retrainer": retrainer,
            "store": store,
        }
    finally:
        gate.release.set()
        retrainer.wait(20)
        httpd.shutdown()
        httpd.server_close()
        store.close()


def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed_post(url: str, body: str, ctype: str, **sign: Any) -> tuple[int, str]:
    return post(url, body, sr.signed_headers(body, ctype, **sign))


def test_mention_over_http_is_answered_in_thread(server, slack_api) -> None:
    body, ctype = sr.event_body(sr.mention("movies like heat", ts="1700000000.000555"))
    status, _ = signed_post(server["url"], body, ctype)
    assert status == 200
    post_ = slack_api.wait_for("chat.postMessage")[0]
    assert post_["thread_ts"] == "1700000000.000555"
    assert "Heat" in json.dumps(post_["blocks"])


def test_options_over_http_answer_the_typeahead(server) -> None:
    body, ctype = sr.interactive_body(sr.block_suggestion("godfather"))
    started = time.perf_counter()
    status, text = signed_post(server["url"], body, ctype)
    assert status == 200
    assert time.perf_counter() - started < 3.0  # Slack's limit for options
    assert json.loads(text)["options"][0]["value"] == "tt0068646"


@pytest.mark.parametrize("problem", ["forged", "stale", "missing"])
def test_unsigned_requests_over_http_get_401(server, slack_api, problem: str) -> None:
    body, ctype = sr.command_body(
        "/movie", "heat", user=sr.USER, response_url=slack_api.response_url()
    )
    if problem == "forged":
        headers = sr.signed_headers(body, ctype, secret="wrong")
    elif problem == "stale":
        headers = sr.signed_headers(body, ctype, timestamp=int(time.time()) - 301)
    else:
        headers = sr.signed_headers(body, ctype)
        del headers["x-slack-signature"]
    status, _ = post(server["url"], body, headers)
    assert status == 401
    time.sleep(0.2)  # anything wrongly started would have posted by now
    assert slack_api.methods() == []


def test_embedded_retrain_runs_once_loads_the_model_and_reports(server, slack_api) -> None:
    def admin(text: str) -> str:
        slack_api.clear()
        body, ctype = sr.command_body(
            "/movie-admin", text, user=sr.ADMIN, response_url=slack_api.response_url()
        )
        assert signed_post(server["url"], body, ctype)[0] == 200
        return slack_api.wait_for("response_url")[0]["text"]

    assert "Training started" in admin("retrain")
    assert server["gate"].started.wait(10)
    assert "already in progress" in admin("retrain")
    assert "InProgress" in admin("status")

    server["gate"].release.set()
    server["retrainer"].wait(20)
    assert server["store"].active().version == "v-test-2"
    status = admin("status")
    assert "Completed" in status and "v-test-2" in status

    admin("report")
    uploads = slack_api.wait_for("files.upload", 2)
    assert sorted(u["_raw"] for u in uploads) == [b"# v-test-2 clusters\n", b"\x89PNG v2"]
    assert server["store"].latest_run().state is RunState.COMPLETED


def send_headers_only(
    port: int, headers: list[tuple[str, str]]
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """A POST whose headers go out and whose body never does: the answer must come without it
    (a server that waited for the body would time out here)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest("POST", EVENTS_PATH, skip_accept_encoding=True)
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    for name, value in headers:
        conn.putheader(name, value)
    conn.endheaders()
    return conn, conn.getresponse()


@pytest.mark.parametrize("expect_continue", [False, True])
def test_a_body_over_the_limit_is_refused_before_it_is_read(
    server, slack_api, expect_continue: bool
) -> None:
    headers = [("Content-Length", str(MAX_BODY_BYTES + 1))]
    if expect_continue:
        headers.append(("Expect", "100-continue"))  # curl's way: the refusal, never a 100
    conn, response = send_headers_only(server["port"], headers)
    assert response.status == 413
    assert str(MAX_BODY_BYTES) in response.read().decode()
    assert response.getheader("Connection") == "close"  # the unread body is no next request
    conn.close()
    assert slack_api.methods() == []


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ([], 411),
        ([("Transfer-Encoding", "chunked")], 411),
        ([("Content-Length", "12"), ("Transfer-Encoding", "chunked")], 411),
        ([("Content-Length", "abc")], 400),
        ([("Content-Length", "-1")], 400),
        ([("Content-Length", "10"), ("Content-Length", "20")], 400),
    ],
)
def test_a_missing_chunked_or_invalid_length_gets_a_clear_refusal(
    server, headers: list[tuple[str, str]], status: int
) -> None:
    conn, response = send_headers_only(server["port"], headers)
    assert response.status == status
    assert "Content-Length" in response.read().decode()
    assert response.getheader("Connection") == "close"
    conn.close()


def test_a_body_at_the_limit_is_still_read_and_checked(server, slack_api) -> None:
    body, ctype = sr.command_body(
        "/movie", "heat", user=sr.USER, response_url=slack_api.response_url()
    )
    body += "&padding=" + "x" * (MAX_BODY_BYTES - len(body) - len("&padding="))
    assert len(body.encode()) == MAX_BODY_BYTES
    status, _ = signed_post(server["url"], body, ctype)
    assert status == 200
    assert slack_api.wait_for("response_url")


class HeldAnswers:
    """The movie service, with every answer held until the test lets it through: the lazy
    listeners stay busy, as under load. Counts the answers being worked out at once."""

    def __init__(self, movies: Any) -> None:
        self._movies = movies
        self.release = threading.Event()
        self._lock = threading.Condition()
        self.running = 0
        self.most_at_once = 0

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self._lock.notify_all()
        try:
            assert self.release.wait(20), "the test never released the answers"
            return self._movies.ask(*args, **kwargs)
        finally:
            with self._lock:
                self.running -= 1

    def wait_running(self, count: int, timeout: float) -> bool:
        """True once `count` answers are being worked out at once."""
        with self._lock:
            return self._lock.wait_for(lambda: self.running >= count, timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._movies, name)


@pytest.fixture
def held(slack_api, store_path: Path, tmp_path: Path) -> Iterator[tuple[str, HeldAnswers]]:
    """`serve --http` whose answers are held: (its /slack/events URL, the held answers)."""
    settings = _settings(slack_api, store_path, tmp_path)
    store = SqliteStore(str(store_path))
    services = build_services(settings, store=store)
    answers = HeldAnswers(services.movies)
    services.movies = answers  # type: ignore[assignment]
    httpd = build_http_server(settings, "127.0.0.1", 0, services=services)
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{EVENTS_PATH}", answers
    finally:
        answers.release.set()
        httpd.shutdown()
        httpd.server_close()
        store.close()


def ask_heat(url: str, slack_api: Any, n: int) -> int:
    body, ctype = sr.command_body(
        "/movie", "heat", user=f"U0USER{n}", response_url=slack_api.response_url()
    )
    status, _ = signed_post(url, body, ctype)
    return status


def test_acks_are_not_held_up_by_questions_still_being_answered(held, slack_api) -> None:
    url, answers = held
    # More questions than the listener pool has threads are in flight at 50 a second.
    in_flight = LAZY_WORKERS + 6
    for n in range(in_flight):
        started = time.perf_counter()
        assert ask_heat(url, slack_api, n) == 200, f"question {n + 1} was not acked"
        assert time.perf_counter() - started < 1.0, f"question {n + 1}'s ack waited"
    assert slack_api.calls("response_url") == []  # every answer is still held
    answers.release.set()
    replies = slack_api.wait_for("response_url", in_flight, timeout=20)
    assert len(replies) == in_flight
    assert all(str(reply.get("text")).startswith("Movies like Heat") for reply in replies)


def test_questions_waiting_on_io_do_not_hold_up_the_next_ones_yet_threads_are_bounded(
    held, slack_api
) -> None:
    # A lazy run spends much of its time waiting (the store, Slack taking the reply): every
    # worker of the pool works on a question at once, and a burst beyond that waits its turn.
    url, answers = held
    burst = LAZY_WORKERS + 4
    for n in range(burst):
        assert ask_heat(url, slack_api, n) == 200
    assert answers.wait_running(LAZY_WORKERS, timeout=10), "fewer questions answered at once"
    assert not answers.wait_running(LAZY_WORKERS + 1, timeout=1.0), "a thread per question"
    answers.release.set()
    assert len(slack_api.wait_for("response_url", burst, timeout=20)) == burst
    assert answers.most_at_once == LAZY_WORKERS


def test_a_burst_of_new_connections_is_served_though_none_was_accepted_yet(
    slack_api, store_path: Path, tmp_path: Path
) -> None:
    # Slack opens several connections at once; the accept loop may be waiting for the CPU.
    # A connection the listen backlog has no room for is dropped, and sent again only after
    # 1 s, then 3 s: past Slack's 3 s for an ack.
    settings = _settings(slack_api, store_path, tmp_path)
    store = SqliteStore(str(store_path))
    httpd = build_http_server(
        settings, "127.0.0.1", 0, services=build_services(settings, store=store)
    )
    burst: list[socket.socket] = []
    serving = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    try:
        for _ in range(64):  # nothing accepts yet: they all wait in the backlog
            burst.append(socket.create_connection(httpd.server_address[:2], timeout=0.5))
        serving.start()
        connection = http.client.HTTPConnection(*httpd.server_address[:2], timeout=10)
        body, ctype = sr.command_body(
            "/movie", "heat", user="U0USER1", response_url=slack_api.response_url()
        )
        connection.request("POST", EVENTS_PATH, body, sr.signed_headers(body, ctype))
        assert connection.getresponse().status == 200
        assert slack_api.wait_for("response_url")  # answered before the stand-in stops
        for waiting in burst:
            waiting.sendall(b"GET /health HTTP/1.1\r\nHost: bot\r\n\r\n")
            assert waiting.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for waiting in burst:
            waiting.close()
        if serving.is_alive():
            httpd.shutdown()
        httpd.server_close()
        store.close()


class NotHere:
    """The HTTP process's movie service when the answers belong to the workers."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the server's own process was asked for movies.{name}")


@pytest.fixture
def with_workers(slack_api, store_path: Path, tmp_path: Path) -> Iterator[Any]:
    """`serve --http` with two answer processes, its own process never answering; the test
    stops it (server_close waits for every answer handed over)."""
    settings = _settings(slack_api, store_path, tmp_path)
    store = SqliteStore(str(store_path))
    services = build_services(settings, store=store)
    services.movies = NotHere()  # type: ignore[assignment]
    httpd = build_http_server(settings, "127.0.0.1", 0, services=services, answer_processes=2)
    serving = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    serving.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}{EVENTS_PATH}"
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        store.close()


def stop(httpd: Any) -> None:
    httpd.shutdown()
    httpd.server_close()


def test_answers_are_worked_out_in_worker_processes(
    with_workers, slack_api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_copy(_request: Any) -> Any:
        raise AssertionError("a worker rebuilds the request: Bolt's deep copy is not needed")

    monkeypatch.setattr(thread_runner, "create_copy", no_copy)
    for n in range(3):
        assert ask_heat(with_workers.url, slack_api, n) == 200
    stop(with_workers)
    # Every answer handed over was delivered before the workers stopped, and none by this one.
    replies = slack_api.calls("response_url")
    assert [str(reply["text"]).startswith("Movies like Heat") for reply in replies] == [True] * 3
    workers = with_workers.answers.pids()
    assert len(workers) == 2 and os.getpid() not in workers
    assert not any(map(running, workers))  # stopped


def post_with_headers(url: str, body: str, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers


def test_a_retried_event_is_answered_once_across_worker_processes(with_workers, slack_api) -> None:
    body, ctype = sr.event_body(sr.mention("movies like heat", ts="1700000000.000777"))
    status, headers = post_with_headers(with_workers.url, body, sr.signed_headers(body, ctype))
    assert status == 200 and headers.get("x-slack-no-retry") is None
    # Slack's retries: one while the first delivery may still be answered, one after.
    retry = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    status, headers = post_with_headers(
        with_workers.url, body, sr.signed_headers(body, ctype, extra=retry)
    )
    assert (status, headers.get("x-slack-no-retry")) == (200, "1")
    slack_api.wait_for("chat.postMessage")
    retry = {"x-slack-retry-num": "2", "x-slack-retry-reason": "http_error"}
    status, headers = post_with_headers(
        with_workers.url, body, sr.signed_headers(body, ctype, extra=retry)
    )
    assert (status, headers.get("x-slack-no-retry")) == (200, "1")
    stop(with_workers)
    posts = slack_api.calls("chat.postMessage")
    assert [p["thread_ts"] for p in posts] == ["1700000000.000777"]
    assert "Heat" in json.dumps(posts[0]["blocks"])


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit waits for an init that may never reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def answer_processes(pid: int) -> set[int]:
    """A server's child processes but multiprocessing's resource tracker (which leaves on its
    own once the server has gone)."""
    tasks = Path(f"/proc/{pid}/task")
    children = {int(c) for task in tasks.iterdir() for c in (task / "children").read_text().split()}
    return {
        child
        for child in children
        if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
    }


@contextmanager
def ctrl_c_on() -> Iterator[None]:
    """Children started inside have Ctrl-C on, as a terminal's job has. A job a non-interactive
    shell starts in the background (CI may run this suite so) ignores it, and so does every
    process it starts: an ignored signal stays ignored across exec, a handled one is reset."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("stop_with", ["SIGTERM to the server", "Ctrl-C in its terminal"])
def test_serve_http_answers_in_its_workers_and_stops_them_on_sigterm_or_ctrl_c(
    slack_api, store_path: Path, tmp_path: Path, stop_with: str
) -> None:
    env = {**os.environ, **bot_env(slack_api, store_path, tmp_path), "LOG_LEVEL": "WARNING"}
    with ctrl_c_on():
        serve = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "0", "--answer-processes", "2"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a process group of its own, as a terminal's job is
        )
    # Read its stderr all along: a pipe nobody reads fills up, and the server and its workers
    # then wait to write (their warnings, a log line as they stop) instead of stopping.
    assert serve.stderr is not None
    said: list[str] = []
    reading = threading.Thread(target=lambda: said.extend(serve.stderr or ()), daemon=True)
    reading.start()
    try:
        deadline = time.monotonic() + 60
        while not any("listening on " in s for s in said) and time.monotonic() < deadline:
            time.sleep(0.05)
        line = next((s for s in said if "listening on " in s), "".join(said))
        assert "answering in 2 worker processes" in line, line
        url = line.split("listening on ", 1)[1].split(";", 1)[0]
        workers = answer_processes(serve.pid)
        assert len(workers) == 2
        # One question for each worker (they take turns): both have started, and answered.
        assert ask_heat(url, slack_api, 1) == 200 and ask_heat(url, slack_api, 2) == 200
        replies = slack_api.wait_for("response_url", count=2, timeout=60)
        assert all(str(r["text"]).startswith("Movies like Heat") for r in replies)
        if stop_with == "SIGTERM to the server":
            serve.send_signal(signal.SIGTERM)
        else:  # the terminal sends SIGINT to every process of the job
            os.killpg(serve.pid, signal.SIGINT)
        assert serve.wait(60) == 0  # stopping waits at most 20 s for the workers
        assert not any(map(running, workers))  # no worker outlives the server
        reading.join(10)
        assert "Traceback" not in "".join(said)  # nor complains as it stops
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
