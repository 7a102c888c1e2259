"""Cold start at full scale: a new process with an empty index cache, to its first complete
answer (issue 14: at most 1.0 s on SQLite, 2.5 s on DynamoDB Local).

- SQLite: `python -m bot ask --json TEXT` in a fresh process, timed from spawn to the answer's
  line on its stdout (the process then finishes writing its index cache copy and exits).
- DynamoDB Local (the Lambda path): a fresh process imports `bot.lambda_handler`, and one signed
  `/movie` slash command goes through the handler (lazy listener in-process, as bench_slack
  does); the Slack credentials come from Secrets Manager (a local moto server), so settings,
  the secret, the title index and the first cluster's candidates are all inside the figure,
  which runs from spawn to the reply's arrival at the Slack stand-in.

Each figure is the median of --runs runs (each its own process and empty cache), with the
process's CPU seconds beside it (the machine may be shared), and the index's size in the store.
Scales: the full one, and 1/2 and 1/4 with --growth (generated artifacts, cached under
$MOVIEBOT_BENCH_DIR as bench_store does); or, with --model-dirs, trained artifacts (a model
directory each, e.g. model-scale-1,model-scale-0.5,model-scale-0.25 for growth), their SQLite
stores kept under $MOVIEBOT_BENCH_DIR as cold-store-<directory name>.sqlite.

    .venv/bin/python -m benchmarks.bench_cold [--movies 720000] [--runs 5] [--growth]
                                              [--model-dirs DIR,DIR,...]
                                              [--backends sqlite,dynamodb]
                                              [--timeline] [--dynamodb-dir DIR]
                                              [--no-compile]

--timeline adds one uncounted run per backend that prints when each step of the first answer
began and how long it took (benchmarks/cold_timeline.py); --dynamodb-dir reuses a loaded
DynamoDB Local data directory (a copy of bench_answers' answers-<version>/dynamodb).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import bot
from benchmarks.bench_slack import FIRST_COMMAND

# The checkout whose bot is measured: this one, or another on PYTHONPATH (a before/after).
ROOT = Path(bot.__file__).resolve().parents[1]
SECRET_NAME = "moviebot/slack"

# The Lambda container's first request, as bench_slack's cold start sends it; `t_*` are epoch
# seconds, so the parent measures from before it spawned the process.
LAMBDA_SCRIPT = (
    r"""
import contextlib, json, os, resource, sys, time
with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
    from bot import lambda_handler  # what a cold start imports first
    t_import = time.time()
    if os.environ.get("MOVIEBOT_SPAWNED_AT"):
        import bot.adapters.store.dynamodb, bot.adapters.index_cache, bot.usecases.movies
        from benchmarks import cold_timeline
        cold_timeline.install()
"""
    + FIRST_COMMAND.lstrip("\n")
    + r"""    response = handler(event, sr.LambdaContext())
    got = api.wait_for("response_url", 1, timeout=120)
    t_answer = time.time()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    invoker.settle()
    api.stop()
failed = not got or str(got[-1].get("text", "")).startswith("Sorry")
print(json.dumps({"t_import": t_import, "t_answer": t_answer, "status": response["statusCode"],
                  "cpu_s": usage.ru_utime + usage.ru_stime, "failed": failed}))
"""
)


def _bench_dir() -> Path:
    return Path(os.environ.get("MOVIEBOT_BENCH_DIR", "var/bench"))


# `python -m bot ask`, with the timeline's wrappers installed first (--timeline).
ASK_TIMELINE_SCRIPT = """
import sys
import bot.tools.cli.ask, bot.adapters.index_cache, bot.adapters.store.sqlite  # what ask imports
from benchmarks import cold_timeline
cold_timeline.install()
from bot.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class Run:
    answer_s: float  # spawn to the first complete answer
    import_s: float | None  # spawn to the handler imported (Lambda path)
    cpu_s: float  # the process's CPU seconds up to the answer (SQLite: to its exit)
    answer_cpu_s: float | None = None  # SQLite: the CPU seconds up to the answer


def _cpu_of(pid: int) -> float | None:
    """A running process's CPU seconds, every thread's (Linux's /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timeline(stderr: str) -> None:
    """Print the child's timeline (cold_timeline), a step a line."""
    for line in stderr.splitlines():
        if line.startswith("TIMELINE "):
            for row in json.loads(line.removeprefix("TIMELINE ")):
                print(
                    f"    at {row['at_s']:6.3f} s  took {row['took_s']:6.3f} s"
                    f" (CPU {row['cpu_s']:6.3f} s)  {row['step']} [{row['thread']}]",
                    flush=True,
                )


def run_sqlite(store_path: Path, text: str, timeline: bool = False) -> Run:
    with tempfile.TemporaryDirectory() as cache:
        env = {
            **os.environ,
            "MOVIEBOT_STORE": f"sqlite:///{store_path}",
            "MOVIEBOT_CACHE_DIR": cache,  # empty: the index comes from the store
            "PYTHONPATH": str(ROOT),
            "MOVIEBOT_SPAWNED_AT": str(time.time()),
        }
        cpu_before = _children_cpu()
        started = time.perf_counter()
        command = ["-c", ASK_TIMELINE_SCRIPT] if timeline else ["-m", "bot"]
        process = subprocess.Popen(
            [sys.executable, *command, "ask", "--json", text],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        answered = time.perf_counter() - started
        answer_cpu = _cpu_of(process.pid)  # before it goes on to fill its cache copy
        _out, err = process.communicate(timeout=300)
        if process.returncode != 0 or not line:
            raise RuntimeError(f"ask failed: {err[-2000:]}")
        answer = json.loads(line)
        if not answer.get("match") or not answer.get("recommendations"):
            raise RuntimeError(f"the first question got no recommendations: {line[:300]}")
        if timeline:
            print(f"  timeline (answer at {answered:.3f} s):", flush=True)
            _timeline(err)
        return Run(answered, None, _children_cpu() - cpu_before, answer_cpu)


def run_lambda(env: dict[str, str], text: str, timeline: bool = False) -> Run:
    with tempfile.TemporaryDirectory() as cache:
        started = time.time()
        spawned = {"MOVIEBOT_SPAWNED_AT": str(started)} if timeline else {}
        done = subprocess.run(
            [sys.executable, "-c", LAMBDA_SCRIPT, text],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**env, "MOVIEBOT_CACHE_DIR": cache, "PYTHONPATH": str(ROOT), **spawned},
            timeout=300,
        )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["status"] != 200 or figures["failed"]:
        raise RuntimeError(f"the first command failed: {figures}\n{done.stderr[-2000:]}")
    if timeline:
        print(f"  timeline (answer at {figures['t_answer'] - started:.3f} s):", flush=True)
        _timeline(done.stderr)
    return Run(figures["t_answer"] - started, figures["t_import"] - started, figures["cpu_s"])


def compile_checkout() -> None:
    """Byte-compile the measured checkout, as the Lambda package ships it (the Makefile's
    compileall): without .pyc files (PYTHONDONTWRITEBYTECODE, a fresh checkout) every cold
    process compiles each module again, up to ~0.9 s CPU that no deployed cold start pays."""
    dirs = [str(ROOT / d) for d in ("bot", "benchmarks", "tests")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", *dirs], check=True)


def _report(label: str, runs: list[Run], target_s: float, index_bytes: int) -> None:
    answer = statistics.median(r.answer_s for r in runs)
    cpu = statistics.median(r.cpu_s for r in runs)
    imports = [r.import_s for r in runs if r.import_s is not None]
    answer_cpu = [r.answer_cpu_s for r in runs if r.answer_cpu_s is not None]
    verdict = "met" if answer <= target_s else "NOT met"
    print(
        f"{label}: first answer median {answer:.2f} s (min {min(r.answer_s for r in runs):.2f},"
        f" max {max(r.answer_s for r in runs):.2f}) over {len(runs)} runs, CPU {cpu:.2f} s"
        + (f" (to the answer {statistics.median(answer_cpu):.2f} s)" if answer_cpu else "")
        + (f", imports {statistics.median(imports):.2f} s" if imports else "")
        + f"; index in the store {index_bytes / 1e6:.1f} MB (target <= {target_s} s: {verdict})",
        flush=True,
    )


def most_voted_request(model_dir: Path) -> str:
    """ "movies like <the model's most voted title>": a first answer that surely resolves and
    reads its cluster (a title the data lacks would measure the cheaper no-match path)."""
    from bot.core.artifact import iter_movies

    top = max(iter_movies(model_dir), key=lambda m: (m.votes, m.tconst))
    return f"movies like {top.title}"


def _movies_in(model_dir: Path) -> int:
    from bot.core.artifact import MANIFEST_FILE

    manifest = json.loads((model_dir / MANIFEST_FILE).read_text())
    return int(manifest.get("counts", {}).get("movies", 0))


def bench_sqlite(
    model_dir: Path, store_path: Path, text: str, runs: int, timeline: bool = False
) -> None:
    from benchmarks.bench_slack import store_of
    from bot.adapters.store.sqlite import SqliteStore

    n_movies = _movies_in(model_dir)
    store_path = store_of(model_dir, store_path)
    store = SqliteStore(str(store_path))
    try:
        active = store.active()
        assert active is not None
        index_bytes = len(store.title_index(active.version) or b"")
    finally:
        store.close()
    results = [run_sqlite(store_path, text) for _ in range(runs)]
    _report(f"SQLite, {n_movies:,} movies ({model_dir.name})", results, 1.0, index_bytes)
    if timeline:  # one more run, not counted (the wrappers cost a little)
        run_sqlite(store_path, text, timeline=True)


@contextmanager
def secret_server() -> Iterator[str]:
    """A local Secrets Manager (moto's server) holding the bot's Slack credentials."""
    import boto3
    from moto.server import ThreadedMotoServer

    from bot.adapters.slack_secret import BOT_TOKEN_KEY, SIGNING_SECRET_KEY
    from tests.e2e import slack_requests as sr
    from tests.fixtures.dynamodb_local import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        boto3.client("secretsmanager", endpoint_url=url).create_secret(
            Name=SECRET_NAME,
            SecretString=json.dumps(
                {BOT_TOKEN_KEY: sr.BOT_TOKEN, SIGNING_SECRET_KEY: sr.SIGNING_SECRET}
            ),
        )
        yield url
    finally:
        server.stop()


def bench_dynamodb(
    model_dir: Path, text: str, runs: int, data_dir: Path | None = None, timeline: bool = False
) -> None:
    from bot.adapters.store.dynamodb import DynamoStore
    from bot.core.artifact import read_manifest
    from bot.usecases.loader import load_artifact
    from tests.fixtures.dynamodb_local import (
        DUMMY_AWS_ENV,
        find_jar,
        free_port,
        start_dynamodb_local,
        stop,
    )

    jar = find_jar()
    if jar is None:
        print("DynamoDB Local is not installed (npm install): skipped", flush=True)
        return
    os.environ.update(DUMMY_AWS_ENV)
    n_movies = _movies_in(model_dir)
    port = free_port()
    # A kept data directory (bench_answers' `answers-<version>/dynamodb`, table moviebot-bench)
    # skips the ~16 min load when it already holds this version; else a new in-memory one.
    process = start_dynamodb_local(jar, port, db_dir=data_dir, timeout=300)
    endpoint = f"http://127.0.0.1:{port}"
    table = "moviebot-bench" if data_dir else "moviebot-cold"
    try:
        store = DynamoStore(table, endpoint_url=endpoint)
        active = store.active()
        if active is None or active.version != read_manifest(model_dir).version:
            print(f"loading {n_movies:,} movies into DynamoDB Local ...", flush=True)
            started = time.perf_counter()
            load_artifact(model_dir, store)
            print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
        # (the loader's check of an active version counts every movie: minutes at full scale)
        version = read_manifest(model_dir).version
        parts = store.title_index_parts(version)
        index_bytes = parts.size if parts else 0
        store.close()
        with secret_server() as secrets_url:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
                **DUMMY_AWS_ENV,
                "MOVIEBOT_STORE": f"dynamodb://{table}",
                "AWS_ENDPOINT_URL": endpoint,
                # botocore's service endpoint: the secret from moto, the table from Local.
                "AWS_ENDPOINT_URL_SECRETS_MANAGER": secrets_url,
                "MOVIEBOT_SLACK_SECRET": SECRET_NAME,
                "POWERTOOLS_TRACE_DISABLED": "true",
            }
            results = [run_lambda(env, text) for _ in range(runs)]
            if timeline:  # one more run, not counted
                run_lambda(env, text, timeline=True)
        _report(
            f"DynamoDB Local (Lambda path), {n_movies:,} movies ({model_dir.name})",
            results,
            2.5,
            index_bytes,
        )
    finally:
        stop(process)


def _artifacts(args: argparse.Namespace) -> list[tuple[Path, Path]]:
    """(model directory, its SQLite store) per scale measured."""
    if args.model_dirs:
        dirs = [Path(d) for d in args.model_dirs.split(",")]
        return [(d, _bench_dir() / f"cold-store-{d.name}.sqlite") for d in dirs]
    from benchmarks.bench_store import cached_artifact

    scales = [args.movies] + ([args.movies // 2, args.movies // 4] if args.growth else [])
    # The synthetic stores are bench_slack's (`loaded_store`), shared with it.
    return [(d, d.parent / f"slack-store-{n}.sqlite") for n in scales for d in [cached_artifact(n)]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--movies", type=int, default=720_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--growth", action="store_true", help="also at 1/2 and 1/4 scale")
    parser.add_argument("--backends", default="sqlite,dynamodb")
    parser.add_argument(
        "--text", default=None, help="the first question (default: like the most voted movie)"
    )
    parser.add_argument(
        "--model-dirs", default="", help="trained artifacts to measure, comma-separated"
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="measure without the checkout's .pyc files (each cold process compiles)",
    )
    parser.add_argument(
        "--timeline", action="store_true", help="then one more run, printing its timeline"
    )
    parser.add_argument(
        "--dynamodb-dir",
        type=Path,
        default=None,
        help="DynamoDB Local data directory to reuse (a copy of bench_answers' answers-*/dynamodb)",
    )
    args = parser.parse_args(argv)
    backends = set(args.backends.split(","))
    if not args.no_compile:
        compile_checkout()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    for model_dir, store_path in _artifacts(args):
        text = args.text or most_voted_request(model_dir)
        print(f"first question: {text!r}", flush=True)
        if "sqlite" in backends:
            bench_sqlite(model_dir, store_path, text, args.runs, args.timeline)
        if "dynamodb" in backends:
            bench_dynamodb(model_dir, text, args.runs, args.dynamodb_dir, args.timeline)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
