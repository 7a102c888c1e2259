"""The bot under a steady load, as Slack would bring it: signed `/movie <title>` slash commands
at a constant rate (default 50 a second for 60 s) from locust (headless) against
`python -m bot serve --http` on loopback, the replies going to the local Slack Web API stand-in
through each command's response_url.

The store is the full-scale generated model (as benchmarks/bench_slack.py's, ~720k movies) or a
trained model directory given with --model-dir (the SQLite store benchmarks/bench_answers.py
loaded under $MOVIEBOT_BENCH_DIR when there is one, else one loaded next to it, as `python -m bot
load` does); the server writes to a copy of it. The server is warmed up first (title index read
in full, most clusters' pools, code paths hot): a cold start is benchmarks/bench_slack.py's
figure, not this one's. --reply-lag-ms has the stand-in take each reply as late as Slack does.

Prints ack p50/p95/max (locust's clock, over every command sent), errors (an ack after Slack's
3 s is one), replies delivered/sent, reply latency (command sent to reply at the stand-in) overall
and by 10 s window, the rate achieved, the server's CPU per command (its answer processes
included) and the machine's load.
Targets: ack p95 < 50 ms, no errors, every reply delivered (exit 1 otherwise).

locust lives in a virtualenv of its own (`make bench-load` installs requirements-load.txt into
.venv-load): its pytest plugin and gevent stay out of the dev environment.

    .venv/bin/python -m benchmarks.bench_load [--model-dir DIR] [--rate 50] [--seconds 60]
        [--reply-lag-ms 100] [--answer-processes N]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.bench_slack import _pct, _summary, loaded_store, queries, store_of
from bot.core.artifact import read_manifest
from bot.tools.cli.serve import EVENTS_PATH
from bot.tools.local_slack import LocalSlackApi
from bot.tools.slack_signing import Workspace, signed_headers, slash_command_body

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = Path(__file__).with_name("locust_slash_commands.py")
LOAD_VENV_LOCUST = ROOT / ".venv-load" / "bin" / "locust"
SIGNING_SECRET = "load-test-signing-secret"
WORKSPACE = Workspace(team="T0LOADTEST", channel="C0MOVIES")
BOT_TOKEN = "xoxb-load-test"
ACK_P95_TARGET_MS = 50.0
SLACK_ACK_TIMEOUT_MS = 3000.0
# Enough questions to read most clusters' pools (40 clusters at full scale).
WARM_UP = 100
INDEX_FILL_TIMEOUT_S = 300
IDLE_CORE = 0.05  # a server using less of a core than this is done warming up


class TimedSlackApi(LocalSlackApi):
    """The stand-in, noting when each response_url post arrived (the wall clock: the sender
    is another process)."""

    def _record(self, method: str, body: dict[str, Any], headers: dict[str, str]) -> None:
        if method == "response_url":
            body["_arrived_ns"] = time.time_ns()
        super()._record(method, body, headers)


@dataclass(frozen=True)
class AckStats:
    """locust's aggregate row for the run."""

    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    rps: float

    @classmethod
    def from_csv(cls, stats_csv: Path) -> AckStats | None:
        """None when locust sent nothing."""
        with stats_csv.open(newline="") as handle:
            row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
        if int(row["Request Count"]) == 0:
            return None
        return cls(
            requests=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            p50_ms=float(row["50%"]),
            p95_ms=float(row["95%"]),
            max_ms=float(row["Max Response Time"]),
            rps=float(row["Requests/s"]),
        )


def _store(args: argparse.Namespace) -> tuple[Path, Path]:
    """(SQLite store, model directory): the trained model when given, else the generated one.
    A store benchmarks/bench_answers.py loaded with the same model is reused."""
    if args.model_dir is not None:
        model_dir = args.model_dir.resolve()
        bench_dir = Path(os.environ.get("MOVIEBOT_BENCH_DIR", "var/bench"))
        answers = bench_dir / f"answers-{read_manifest(model_dir).version}" / "store.sqlite"
        if answers.exists():
            return answers, model_dir
        bench_dir.mkdir(parents=True, exist_ok=True)
        return store_of(model_dir, bench_dir / f"load-store-{model_dir.name}.sqlite"), model_dir
    from benchmarks.bench_store import cached_artifact

    model_dir = cached_artifact(args.movies)
    return loaded_store(args.movies, model_dir), model_dir


def _copy_store(source: Path, into: Path) -> Path:
    """A copy of a SQLite store, its write-ahead log included (sqlite3's backup API)."""
    import sqlite3

    src, dst = sqlite3.connect(source), sqlite3.connect(into)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return into.resolve()


def _cpu_seconds(pid: int) -> float | None:
    """A process's user + system CPU time so far (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process_tree(pid: int) -> list[int]:
    """A process and its descendants (serve's answer processes), Linux."""
    tree, i = [pid], 0
    while i < len(tree):
        try:
            tasks = list(Path(f"/proc/{tree[i]}/task").iterdir())
            tree += [int(c) for t in tasks for c in (t / "children").read_text().split()]
        except OSError:
            pass  # gone meanwhile
        i += 1
    return tree


@dataclass(frozen=True)
class TreeCpu:
    """CPU seconds so far of a process (`own`) and of it with its descendants (`total`)."""

    own: float
    total: float
    processes: int


def _tree_cpu_seconds(pid: int) -> TreeCpu | None:
    own = _cpu_seconds(pid)
    if own is None:
        return None
    tree = _process_tree(pid)
    return TreeCpu(own, own + sum(_cpu_seconds(p) or 0.0 for p in tree[1:]), len(tree))


def _wait_idle(pid: int, timeout_s: float = INDEX_FILL_TIMEOUT_S) -> None:
    """Until the server (its answer processes included) spends under IDLE_CORE of a core: each
    answer process reads the title index for itself, and the last may still be at it."""
    deadline = time.monotonic() + timeout_s
    before = _tree_cpu_seconds(pid)
    while before is not None and time.monotonic() < deadline:
        time.sleep(1.0)
        after = _tree_cpu_seconds(pid)
        if after is None or after.total - before.total < IDLE_CORE:
            return
        before = after
    raise RuntimeError(f"the server was still busy {timeout_s:.0f} s after its warm-up")


def _start_server(
    env: dict[str, str], log_path: Path, answer_processes: int | None
) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m bot serve --http 0`, and its /slack/events URL once it listens."""
    log = log_path.open("wb")
    processes = [] if answer_processes is None else ["--answer-processes", str(answer_processes)]
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--http", "0", *processes],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for line in log_path.read_text(errors="replace").splitlines():
            if "listening on " in line:
                return server, line.split("listening on ", 1)[1].split(";", 1)[0]
        if server.poll() is not None:
            break
        time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"serve --http did not start:\n{log_path.read_text()[-2000:]}")


def _warm_up(url: str, api: LocalSlackApi, texts: list[str], cache_dir: Path) -> None:
    """Commands one at a time, each answered before the next (the index is read, the clusters'
    pools too), then until the server has read the rest of the title index in the background
    and kept its copy in the cache: that fill competes with the answers for a minute at full
    scale otherwise, which is the cold start's cost (benchmarks/bench_cold.py), not this one's."""
    for n, text in zip(range(WARM_UP), itertools.cycle(texts), strict=False):
        body, ctype = slash_command_body(
            WORKSPACE, "/movie", text, user=f"U0WARM{n:02d}", response_url=api.response_url()
        )
        request = urllib.request.Request(
            url, data=body.encode(), headers=signed_headers(body, ctype, secret=SIGNING_SECRET)
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200:
                raise RuntimeError(f"warm-up command got {response.status}")
        if len(api.wait_for("response_url", n + 1, timeout=60)) <= n:
            raise RuntimeError("the warm-up command got no reply")
    api.clear()
    deadline = time.monotonic() + INDEX_FILL_TIMEOUT_S
    while not any(cache_dir.glob("title-index-*.npz")):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server kept no copy of the title index in {cache_dir}")
        time.sleep(0.2)


@dataclass(frozen=True)
class Sent:
    """The request numbers locust sent, and the ms each 200 ack took (locust's statistics leave
    out requests still waiting when the run stopped: these count every one sent)."""

    numbers: frozenset[str]
    acks_ms: dict[str, float]
    cut: int  # stopped mid-request by the end of the run: not counted

    @classmethod
    def from_json(cls, path: Path) -> Sent:
        record = json.loads(path.read_text())
        acks = {str(n): float(ms) for n, ms in record["acks"].items()}
        return cls(frozenset(map(str, record["sent"])), acks, len(record["cut"]))

    @property
    def late_or_failed(self) -> frozenset[str]:
        """Not acked with a 200 within Slack's 3 s: the user saw an error."""
        return frozenset(
            n for n in self.numbers if self.acks_ms.get(n, math.inf) > SLACK_ACK_TIMEOUT_MS
        )


def _run_locust(
    locust: str, url: str, args: argparse.Namespace, work: Path, api_base: str
) -> tuple[AckStats, Sent]:
    host = url.removesuffix(EVENTS_PATH)
    prefix = work / "locust"
    command = [
        locust, "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "--users", str(args.rate), "--spawn-rate", str(args.rate),
        "--run-time", f"{args.seconds}s", "--stop-timeout", "10",
        "--host", host, "--csv", str(prefix), "--loglevel", "WARNING",
        "--texts-file", str(work / "texts.json"), "--reply-base", api_base,
        "--numbers-file", str(work / "numbers.json"),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists() or AckStats.from_csv(stats) is None:
        raise RuntimeError(f"locust failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(failures.open(newline="")))[:5]:
            print(f"  failure: {row.get('Error')} x{row.get('Occurrences')}", flush=True)
    ack = AckStats.from_csv(stats)
    assert ack is not None
    return ack, Sent.from_json(work / "numbers.json")


def _replies(api: LocalSlackApi, expected: int, timeout: float) -> list[dict[str, Any]]:
    """The load's replies (one per request number), once `expected` arrived or at timeout."""
    api.wait_for("response_url", expected, timeout=timeout)
    return api.calls("response_url")


def _by_window(sent_ns: list[int], latency: list[float], window_s: int = 10) -> str:
    """Reply p95 by when the command was sent: a backlog (its start, its draining) shows."""
    start = min(sent_ns)
    windows: dict[int, list[float]] = {}
    for ns, ms in zip(sent_ns, latency, strict=True):
        windows.setdefault((ns - start) // (window_s * 10**9), []).append(ms)
    return "reply p95 by when sent: " + ", ".join(
        f"{w * window_s}-{(w + 1) * window_s} s {_pct(values, 0.95):.0f} ms"
        for w, values in sorted(windows.items())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model-dir", type=Path, help="a trained model directory (default: the generated one)"
    )
    parser.add_argument("--movies", type=int, default=720_000, help="the generated model's size")
    parser.add_argument("--rate", type=int, default=50, help="commands a second")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--reply-lag-ms",
        type=int,
        default=0,
        help="the stand-in takes each reply this late, as Slack's response_url does (~100 ms)",
    )
    parser.add_argument(
        "--answer-processes",
        type=int,
        help="serve's --answer-processes (default: serve's; 0 answers in the server's threads)",
    )
    parser.add_argument(
        "--locust",
        default=str(LOAD_VENV_LOCUST) if LOAD_VENV_LOCUST.exists() else shutil.which("locust"),
        help="the locust executable (default: .venv-load's, from `make bench-load`)",
    )
    args = parser.parse_args(argv)
    if not args.locust:
        print("bench_load: locust is not installed; `make bench-load` installs it", file=sys.stderr)
        return 2

    store_path, model_dir = _store(args)
    from bot.slack.night_flow import is_night_command  # not in the locust venv, which imports this

    # A text whose first word is "night" starts a movie night, answered in the channel rather
    # than through the response_url (a title with a typo may read so): not a question here.
    texts = [text for text in queries(model_dir, 600) if not is_night_command(text)]
    print(f"store: {store_path} ({store_path.stat().st_size / 1e6:.0f} MB)", flush=True)

    api = TimedSlackApi().start()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "texts.json").write_text(json.dumps(texts))
        # The server counts questions and keeps conversations in its store: each run writes to
        # a copy of its own, so the cached store stays as loaded and runs start alike.
        run_store = _copy_store(store_path, work / "store.sqlite")
        env = {
            **os.environ,
            "MOVIEBOT_STORE": f"sqlite:///{run_store}",
            "MOVIEBOT_CACHE_DIR": str(work / "cache"),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api.url,
            "LOG_LEVEL": "WARNING",
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        server, url = _start_server(env, work / "serve.log", args.answer_processes)
        try:
            _warm_up(url, api, texts, work / "cache")
            _wait_idle(server.pid)
            if args.reply_lag_ms:
                api.lag("response_url", args.reply_lag_ms / 1000)
            cpu_before = _tree_cpu_seconds(server.pid)
            load_before = os.getloadavg()
            print(
                f"load test: {args.rate} commands/s for {args.seconds} s against {url} "
                f"(machine load {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f})",
                flush=True,
            )
            ack, sent = _run_locust(args.locust, url, args, work, api.base)
            replies = _replies(api, len(sent.numbers), timeout=60)
            cpu_after = _tree_cpu_seconds(server.pid)
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(10)
            api.stop()
        server_log = (work / "serve.log").read_text(errors="replace")

    numbers = [str(r["_path"]).split("/")[2] for r in replies]
    duplicates = len(numbers) - len(set(numbers))
    missing = sent.numbers - set(numbers)
    late_or_failed = sent.late_or_failed
    sorry = sum(str(r.get("text", "")).startswith("Sorry") for r in replies)
    sent_ns = [int(str(r["_path"]).split("/")[3]) for r in replies]
    latency = [(int(r["_arrived_ns"]) - ns) / 1e6 for r, ns in zip(replies, sent_ns, strict=True)]
    # Every command sent: one never acked counts as the slowest.
    acks = [sent.acks_ms.get(n, math.inf) for n in sent.numbers]
    ack_p95 = _pct(acks, 0.95)
    print(_summary("ack (locust's clock, every command sent)", acks, ACK_P95_TARGET_MS), flush=True)
    print(f"rate achieved: {ack.rps:.1f} commands/s (asked {args.rate})", flush=True)
    print(
        f"errors: {len(late_or_failed)} of {len(sent.numbers)} commands sent not acked with a "
        f"200 within 3 s ({ack.failures} in locust's statistics, which leave out requests "
        f"still waiting when the run stopped), {sorry} 'Sorry' replies",
        flush=True,
    )
    print(
        f"replies delivered: {len(sent.numbers) - len(missing)}/{len(sent.numbers)} commands "
        f"sent ({duplicates} duplicates; {sent.cut} cut off by the end of the run not counted)",
        flush=True,
    )
    if latency:
        print(_summary("reply (sent to response_url)", latency), flush=True)
        print(_by_window(sent_ns, latency), flush=True)
    if cpu_before is not None and cpu_after is not None and sent.numbers:
        cpu_ms = (cpu_after.total - cpu_before.total) * 1000 / len(sent.numbers)
        own_ms = (cpu_after.own - cpu_before.own) * 1000 / len(sent.numbers)
        where = (
            "in one process (GIL)"
            if cpu_after.processes == 1
            else f"over {cpu_after.processes} processes: {own_ms:.1f} ms in the HTTP process, "
            f"{cpu_ms - own_ms:.1f} ms in its children (the answers)"
        )
        print(
            f"server CPU: {cpu_ms:.1f} ms per command (ack + answer + reply): "
            f"{cpu_ms * args.rate / 1000:.2f} of a core at {args.rate}/s, {where}",
            flush=True,
        )
    print(
        f"machine load after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} "
        f"({os.cpu_count()} cores)",
        flush=True,
    )
    problems = [line for line in server_log.splitlines() if " ERROR " in line][:5]
    for line in problems:
        print(f"  server: {line}", flush=True)
    ok = (
        ack.failures == 0
        and not late_or_failed
        and sorry == 0
        and duplicates == 0
        and not missing
        and ack_p95 < ACK_P95_TARGET_MS
        and not problems
    )
    print("targets met" if ok else "targets NOT met", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
