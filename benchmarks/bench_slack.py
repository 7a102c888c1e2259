"""The bot as Slack meets it, at full scale: signed `/movie` slash commands through the Lambda
handler (one container of `bot.lambda_handler.lambda_entry()`, in-process, lazy self-invocation
routed back in a thread as Lambda's asynchronous invoke would run it) against a SQLite store
holding ~720k movies.

Prints:
- ack p50/p95/max: the handler's return (what Slack waits for; it must be < 3 s; target < 50 ms),
- reply p50/p95/max: from sending the command to the answer's arrival at the response_url
  (a local HTTP Web API stand-in; target < 150 ms),
- cold start: a fresh process importing the handler, acking and replying to its first command
  (index read from the store, no warm cache),
- the bot Lambda package: `pip install -r requirements.txt --target` (arm64 Python 3.12 wheels,
  as deployed) plus bot/, in MB, with and without boto3/botocore (the Lambda runtime provides
  them, and `make` leaves them out of the deployed package).

    .venv/bin/python -m benchmarks.bench_slack [--movies 720000] [--requests 300] [--no-package]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(label: str, values: list[float], target: float | None = None) -> str:
    p95 = _pct(values, 0.95)
    verdict = (
        f"  (target < {target:.0f} ms: {'met' if p95 < target else 'NOT met'})" if target else ""
    )
    return (
        f"{label}: p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(values):.1f} ms over {len(values)}{verdict}"
    )


def loaded_store(n_movies: int, model_dir: Path | None = None) -> Path:
    """A SQLite store with the full-scale artifact (`model_dir` when the caller has it already)
    loaded, cached next to the artifact."""
    from benchmarks.bench_store import cached_artifact

    model_dir = model_dir or cached_artifact(n_movies)
    return store_of(model_dir, model_dir.parent / f"slack-store-{n_movies}.sqlite")


def store_of(model_dir: Path, path: Path) -> Path:
    """A SQLite store at `path` with `model_dir` loaded and active (kept between runs)."""
    from bot.adapters.store.sqlite import SqliteStore
    from bot.usecases.loader import load_artifact

    if path.exists() and not _index_loads(path):
        print(f"{path} holds a title index of an older format: loading again", flush=True)
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
    store = SqliteStore(str(path))
    try:
        if store.active() is None:
            print(f"loading {model_dir} into {path} ...", flush=True)
            started = time.perf_counter()
            load_artifact(model_dir, store)
            print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        store.close()
    return path


def _index_loads(path: Path) -> bool:
    from bot.adapters.store.sqlite import SqliteStore
    from bot.core.matching import TitleIndex

    store = SqliteStore(str(path))
    try:
        active = store.active()
        blob = store.title_index(active.version) if active else None
        if blob is None:
            return False
        TitleIndex.from_bytes(blob)
        return True
    except ValueError:
        return False
    finally:
        store.close()


def queries(model_dir: Path, n: int, seed: int = 11) -> list[str]:
    """Titles from the catalogue as users type them: as written, lower case, a typo, a sentence."""
    from bot.core.artifact import iter_movies

    rng = random.Random(seed)
    titles: list[str] = []
    for i, movie in enumerate(iter_movies(model_dir)):
        if i % 997 == 0:
            titles.append(movie.title)
    picked = rng.sample(titles, min(n, len(titles)))
    out = []
    for i, title in enumerate(picked):
        if i % 4 == 1:
            title = title.lower()
        elif i % 4 == 2 and len(title) > 4:
            j = rng.randrange(1, len(title) - 1)
            title = title[:j] + title[j + 1 :]  # a dropped letter
        elif i % 4 == 3:
            title = f"movies like {title}"
        out.append(title)
    return out


def bench_warm(
    store_path: Path, texts: list[str], cache_dir: Path
) -> tuple[list[float], list[float]]:
    from bot.tools.local_slack import LocalSlackApi
    from tests.e2e import slack_requests as sr

    api = LocalSlackApi().start()
    env = {
        "MOVIEBOT_STORE": f"sqlite:///{store_path}",
        "MOVIEBOT_CACHE_DIR": str(cache_dir),
        "SLACK_BOT_TOKEN": sr.BOT_TOKEN,
        "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
        "SLACK_API_URL": api.url,
        "POWERTOOLS_TRACE_DISABLED": "true",
        # One user asks every question here: the per-user limit must not turn them into notes.
        "MOVIEBOT_QUESTIONS_PER_MINUTE": "1000000",
    }
    os.environ.update(env)
    acks: list[float] = []
    replies: list[float] = []
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        # Logs and metrics go to stdout in Lambda (CloudWatch); here to /dev/null, still paid for.
        invoker = sr.InProcessLambda()
        handler = sr.bot_container(invoker)

        def one(text: str) -> tuple[float, float]:
            before = len(api.calls("response_url"))
            body, ctype = sr.command_body(
                "/movie", text, user=sr.USER, response_url=api.response_url()
            )
            event = sr.function_url_event(body, sr.signed_headers(body, ctype))
            started = time.perf_counter()
            response = handler(event, sr.LambdaContext())
            acked = time.perf_counter()
            assert response["statusCode"] == 200, response
            got = api.wait_for("response_url", before + 1, timeout=120)
            replied = time.perf_counter()
            invoker.settle(120)  # surfaces a failed lazy listener
            assert len(got) > before, "no reply"
            assert not str(got[-1].get("text", "")).startswith("Sorry"), "the bot failed"
            return (acked - started) * 1000, (replied - started) * 1000

        for text in texts[:10]:  # warm-up: index loaded, code paths hot
            one(text)
        for text in texts[10:]:
            ack, reply = one(text)
            acks.append(ack)
            replies.append(reply)
    api.stop()
    return acks, replies


# A Lambda container's first `/movie` command (its text is argv[1]), inside the `with` block of
# a script run in a fresh process: it defines `api`, `invoker`, `handler` and `event`.
FIRST_COMMAND = r"""
    from bot.tools.local_slack import LocalSlackApi
    from tests.e2e import slack_requests as sr
    api = LocalSlackApi().start()
    os.environ["SLACK_API_URL"] = api.url
    invoker = sr.InProcessLambda()
    handler = sr.bot_container(invoker)
    url = api.response_url()
    body, ctype = sr.command_body("/movie", sys.argv[1], user=sr.USER, response_url=url)
    event = sr.function_url_event(body, sr.signed_headers(body, ctype))
"""

COLD_SCRIPT = (
    r"""
import contextlib, json, os, sys, time
t0 = time.perf_counter()
with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
    from bot import lambda_handler  # what a cold start imports first
    t_import = time.perf_counter()
"""
    + FIRST_COMMAND.lstrip("\n")
    + r"""    t1 = time.perf_counter()
    response = handler(event, sr.LambdaContext())
    t_ack = time.perf_counter()
    api.wait_for("response_url", 1, timeout=60)
    t_reply = time.perf_counter()
    invoker.settle()
    api.stop()
print(json.dumps({"import_ms": (t_import - t0) * 1000, "ack_ms": (t_ack - t1) * 1000,
                  "reply_ms": (t_reply - t1) * 1000, "status": response["statusCode"]}))
"""
)


def bench_cold(store_path: Path, text: str) -> dict[str, float]:
    from tests.e2e import slack_requests as sr

    with tempfile.TemporaryDirectory() as cache:
        env = {
            **os.environ,
            "MOVIEBOT_STORE": f"sqlite:///{store_path}",
            # Empty: the index comes from the store, as in a new container.
            "MOVIEBOT_CACHE_DIR": cache,
            "SLACK_BOT_TOKEN": sr.BOT_TOKEN,
            "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "PYTHONPATH": str(ROOT),
        }
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", COLD_SCRIPT, text],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=300,
        )
        wall = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_wall_ms"] = wall
    return figures


def package_size() -> dict[str, float]:
    """Build the bot's Lambda package as `sam build` would lay it out and measure it."""

    def size(path: Path) -> int:
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "package"
        cmd = [
            sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
            "-r", str(ROOT / "requirements.txt"), "--target", str(target),
            # The deployed architecture (template.yaml: arm64, Python 3.12), as the Makefile builds.
            "--platform", "manylinux2014_aarch64", "--platform", "manylinux_2_28_aarch64",
            "--platform", "manylinux_2_34_aarch64", "--python-version", "3.12",
            "--implementation", "cp", "--only-binary=:all:", "--no-compile",
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"pip install failed:\n{done.stderr[-3000:]}")
        shutil.copytree(ROOT / "bot", target / "bot", ignore=shutil.ignore_patterns("__pycache__"))
        total = size(target)
        bot_code = size(target / "bot")
        aws_sdk = sum(
            size(p) for p in target.iterdir() if p.name in ("boto3", "botocore", "s3transfer")
        )
        biggest = sorted(
            (
                (size(p), p.name)
                for p in target.iterdir()
                if p.is_dir() and not p.name.endswith(".dist-info")
            ),
            reverse=True,
        )[:6]
        zipped = Path(shutil.make_archive(str(Path(tmp) / "bot"), "zip", target)).stat().st_size
    return {
        "total_mb": total / 1e6,
        "without_aws_sdk_mb": (total - aws_sdk) / 1e6,
        "zip_mb": zipped / 1e6,
        "bot_code_mb": bot_code / 1e6,
        "biggest": ", ".join(f"{name} {n / 1e6:.1f} MB" for n, name in biggest),  # type: ignore[dict-item]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--movies", type=int, default=720_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--no-package", action="store_true", help="skip building the Lambda package"
    )
    args = parser.parse_args(argv)

    from benchmarks.bench_store import cached_artifact

    store_path = loaded_store(args.movies)
    texts = queries(cached_artifact(args.movies), args.requests + 10)
    print(
        f"store: {store_path} ({store_path.stat().st_size / 1e6:.0f} MB), {args.movies:,} movies",
        flush=True,
    )

    cold = bench_cold(store_path, texts[0])
    print(
        f"cold start (fresh process, empty index cache): import {cold['import_ms']:.0f} ms, "
        f"first ack {cold['ack_ms']:.0f} ms, first reply {cold['reply_ms']:.0f} ms "
        f"(process wall {cold['process_wall_ms']:.0f} ms incl. interpreter start)",
        flush=True,
    )

    with tempfile.TemporaryDirectory() as cache:
        acks, replies = bench_warm(store_path, texts, Path(cache))
    print(_summary("ack  (handler return)", acks, 50), flush=True)
    print(_summary("reply (at response_url)", replies, 150), flush=True)

    if not args.no_package:
        pkg = package_size()
        print(
            f"bot Lambda package: {pkg['total_mb']:.1f} MB unzipped "
            f"({pkg['zip_mb']:.1f} MB zipped); "
            f"{pkg['without_aws_sdk_mb']:.1f} MB without boto3/botocore (in the Lambda runtime); "
            f"bot/ itself {pkg['bot_code_mb']:.2f} MB",
            flush=True,
        )
        print(f"  largest: {pkg['biggest']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
