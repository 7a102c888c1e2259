"""Whole answers, warm: `MovieService.ask` (understanding, resolution, recommendation, store
reads) over a mixed set of questions built from the model's own movies, on SQLite and on
DynamoDB Local, after a warm-up pass.

    .venv/bin/python -m benchmarks.bench_answers [--model-dir DIR | --scale 0.25,0.5,1]
        [--backends sqlite,dynamodb] [--questions 1600] [--categories year,...] [--profile]

Without --model-dir, the model of each scale is $MOVIEBOT_BENCH_DIR/model-scale-<s> (default
var/bench), trained first from IMDb-shaped data generated into imdb-scale-<s> when missing
(as benchmarks/bench_training does). The loaded stores are kept next to the model
($MOVIEBOT_BENCH_DIR/answers-<version>/), so a second run starts measuring at once.

Each store is measured in a fresh process: one pass over warm-up questions (other draws of the
same kinds, so the measured questions are not answered from a cache of themselves), then the
measured pass. Prints p50/p95/max per category and overall (wall clock, and CPU time, since
other work may share the cores) and the resident memory after warm-up.

Targets (issue 14): overall p95 at most 10 ms on SQLite, at most 25 ms on DynamoDB Local.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_matching import _percentile, _typo
from benchmarks.bench_training import ensure_data, train
from bot.core.artifact import MANIFEST_FILE, iter_movies, read_manifest
from bot.tools import honour_shapes, sentence_shapes
from bot.usecases.loader import load_artifact
from tests.fixtures.dynamodb_local import (
    DUMMY_AWS_ENV,
    find_jar,
    free_port,
    start_dynamodb_local,
    stop,
)

CATEGORIES = (
    "title", "typo", "year", "long_tail", "sentence", "constraint", "several", "no_seed",
)  # fmt: skip
TARGET_MS = {"sqlite": 10.0, "dynamodb": 25.0}
TABLE = "moviebot-bench"
POPULAR_VOTES = 1_000  # people ask about films others have seen...
LONG_TAIL_VOTES = 100  # ...and now and then about one almost nobody rated
SAMPLE = 4_000


@dataclass(frozen=True)
class Seedling:
    title: str
    year: int | None


def sample_movies(model_dir: Path, seed: int = 5) -> tuple[list[Seedling], list[Seedling]]:
    """Popular and long-tail titles of the model, sampled while streaming its movies (so the
    benchmark never holds the whole catalogue)."""
    rng = random.Random(seed)
    popular: list[Seedling] = []
    tail: list[Seedling] = []
    seen = {"popular": 0, "tail": 0}
    for movie in iter_movies(model_dir):
        if movie.votes >= POPULAR_VOTES:
            kind, into = "popular", popular
        elif movie.votes < LONG_TAIL_VOTES:
            kind, into = "tail", tail
        else:
            continue
        seen[kind] += 1
        item = Seedling(movie.title, movie.year)
        if len(into) < SAMPLE:
            into.append(item)
        elif (j := rng.randrange(seen[kind])) < SAMPLE:  # reservoir sampling
            into[j] = item
    return popular, tail or popular


def _phrase(rng: random.Random) -> str:
    makers = honour_shapes.DEV_PHRASES + honour_shapes.HELD_OUT_PHRASES
    return rng.choice(makers)(rng).text


SEED_SHAPES = tuple(s for s in sentence_shapes.DEV_SEED_SHAPES if "{c}" not in s)
SHAPES = {
    "sentence": SEED_SHAPES,
    "constraint": honour_shapes.DEV_CONSTRAINED_SHAPES + honour_shapes.HELD_OUT_CONSTRAINED_SHAPES,
    "several": honour_shapes.DEV_MULTI_SHAPES + honour_shapes.HELD_OUT_MULTI_SHAPES,
    "no_seed": honour_shapes.DEV_NO_SEED_SHAPES + honour_shapes.HELD_OUT_NO_SEED_SHAPES,
}


def question(
    category: str, popular: list[Seedling], tail: list[Seedling], rng: random.Random
) -> str:
    m, m2, m3 = (rng.choice(popular) for _ in range(3))
    if category == "title":
        return m.title
    if category == "typo":
        return _typo(m.title.lower(), rng)
    if category == "year":  # "Heat 1995"
        return f"{m.title} {m.year}" if m.year else m.title
    if category == "long_tail":
        return rng.choice(tail).title
    slots = {"t": m.title, "t2": m2.title, "t3": m3.title, "c": _phrase(rng), "c2": _phrase(rng)}
    return rng.choice(SHAPES[category]).format(**slots)


def questions(
    popular: list[Seedling], tail: list[Seedling], n: int, seed: int, categories: tuple[str, ...]
) -> list[tuple[str, str]]:
    """`n` (category, text) pairs, the categories in turn."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        category = categories[i % len(categories)]
        out.append((category, question(category, popular, tail, rng)))
    return out


# --- the measuring process ----------------------------------------------------------------------
PROBE = """
import cProfile, gc, io, json, pstats, sys, time
from pathlib import Path
from bot.adapters.index_cache import IndexCache
from bot.adapters.store import open_store
from bot.usecases.movies import MovieService

url, endpoint, cache, asked, profile = sys.argv[1:6]
def rss_mb():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
start_rss = rss_mb()
store = open_store(url, endpoint_url=endpoint or None)
service = MovieService(store, IndexCache(store, Path(cache)))
warm, measured = json.loads(Path(asked).read_text())
for _category, text in warm:
    service.ask(text)
if hasattr(service, 'warm'):  # every cluster read, as in a process that has answered a while
    service.warm()
    gc.freeze()  # as serve does once warm (bot.tools.cli.serve.warm_in_background)
warm_rss = rss_mb()
profiler = cProfile.Profile() if profile == '1' else None
rows = []
for category, text in measured:
    if profiler:
        profiler.enable()
    t, c = time.perf_counter(), time.process_time()
    answer = service.ask(text)
    wall, cpu = (time.perf_counter() - t) * 1e3, (time.process_time() - c) * 1e3
    if profiler:
        profiler.disable()
    rows.append([category, wall, cpu, answer.status])
report = ''
if profiler:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats('tottime').print_stats(25)
    report = out.getvalue()
print(json.dumps({'rows': rows, 'rss_start': start_rss, 'rss_warm': warm_rss,
                  'rss_end': rss_mb(), 'profile': report}))
"""


def measure(url: str, endpoint: str, cache: Path, asked: Path, args: argparse.Namespace) -> dict:
    """Run the probe in a fresh process (as the bot runs) and read the JSON it prints; with
    --code, the bot's code is imported from that checkout (to compare with another branch)."""
    command = [
        sys.executable,
        "-c",
        PROBE,
        url,
        endpoint,
        str(cache.resolve()),
        str(asked.resolve()),
    ]
    out = subprocess.run(
        [*command, "1" if args.profile else ""],
        check=True,
        capture_output=True,
        text=True,
        cwd=args.code,
    ).stdout
    return dict(json.loads(out))


def report(label: str, result: dict, target_ms: float) -> bool:
    rows = result["rows"]
    print(
        f"\n{label}: {len(rows)} questions, warm (RSS {result['rss_start']:.0f} MB at start, "
        f"{result['rss_warm']:.0f} MB after warm-up, {result['rss_end']:.0f} MB at the end)"
    )
    print(
        f"  {'category':<11} {'n':>5} {'p50':>7} {'p95':>7} {'max':>7}   {'cpu p50':>7} {'p95':>7}"
    )
    groups = {c: [r for r in rows if r[0] == c] for c in dict.fromkeys(r[0] for r in rows)}
    groups["overall"] = rows
    for category, group in groups.items():
        wall, cpu = [r[1] for r in group], [r[2] for r in group]
        print(
            f"  {category:<11} {len(group):>5} {statistics.median(wall):>7.2f} "
            f"{_percentile(wall, 0.95):>7.2f} {max(wall):>7.1f}   "
            f"{statistics.median(cpu):>7.2f} {_percentile(cpu, 0.95):>7.2f}  (ms)"
        )
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row[3]] = statuses.get(row[3], 0) + 1
    print("  answers: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    if result["profile"]:
        print(result["profile"])
    p95 = _percentile([r[1] for r in rows], 0.95)
    ok = p95 <= target_ms
    print(f"  overall p95 {p95:.2f} ms (target <= {target_ms:.0f} ms): {'met' if ok else 'MISSED'}")
    return ok


# --- models and stores ------------------------------------------------------------------------
def bench_dir() -> Path:
    return Path(os.environ.get("MOVIEBOT_BENCH_DIR", "var/bench"))


def model_for(scale: float, clusters: int) -> Path:
    """The model of `scale`, trained from generated data first when it is not there."""
    model_dir = bench_dir() / f"model-scale-{scale:g}"
    if not (model_dir / MANIFEST_FILE).exists():
        data_dir = bench_dir() / f"imdb-scale-{scale:g}"
        ensure_data(data_dir, scale)
        if train(data_dir, model_dir, clusters).returncode:
            raise SystemExit(f"training at scale {scale:g} failed")
    return model_dir


def loaded(model_dir: Path, store: object, label: str) -> None:
    report_ = load_artifact(model_dir, store)  # type: ignore[arg-type]
    if report_.skipped_already_active:
        print(f"{label}: {report_.version} already loaded", flush=True)
    else:
        print(f"{label}: loaded {report_.movies:,} movies in {report_.seconds:.0f} s", flush=True)


def run_model(model_dir: Path, args: argparse.Namespace) -> bool:
    version = read_manifest(model_dir).version
    stores = bench_dir() / f"answers-{version}"
    stores.mkdir(parents=True, exist_ok=True)
    popular, tail = sample_movies(model_dir)
    categories = tuple(args.categories.split(",")) if args.categories else CATEGORIES
    asked = stores / "questions.json"
    warm = questions(popular, tail, args.questions, 101, categories)
    asked.write_text(json.dumps([warm, questions(popular, tail, args.questions, 7, categories)]))
    print(f"\n=== {model_dir} (version {version}); {len(popular):,} popular titles sampled")
    ok = True
    for backend in args.backends.split(","):
        if backend == "sqlite":
            from bot.adapters.store.sqlite import SqliteStore

            path = stores / "store.sqlite"
            store = SqliteStore(path)
            try:
                loaded(model_dir, store, "sqlite")
            finally:
                store.close()
            result = measure(f"sqlite:///{path.resolve()}", "", stores / "cache", asked, args)
            ok &= report(f"sqlite, {model_dir.name}", result, TARGET_MS["sqlite"])
        elif backend == "dynamodb":
            ok &= run_dynamodb(model_dir, stores, asked, args)
    return ok


def run_dynamodb(model_dir: Path, stores: Path, asked: Path, args: argparse.Namespace) -> bool:
    from bot.adapters.store.dynamodb import DynamoStore

    jar = find_jar()
    if jar is None:
        print("dynamodb: skipped, DynamoDB Local jar not found (run `make dev`)")
        return True
    os.environ.update({k: v for k, v in DUMMY_AWS_ENV.items() if k not in os.environ})
    port = free_port()
    (stores / "dynamodb").mkdir(exist_ok=True)
    # A loaded machine starts the JVM slowly.
    process = start_dynamodb_local(jar, port, db_dir=stores / "dynamodb", timeout=300)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        store = DynamoStore(TABLE, endpoint_url=endpoint)
        try:
            loaded(model_dir, store, "dynamodb-local")
        finally:
            store.close()
        with tempfile.TemporaryDirectory() as cache:  # the title index read from this store
            result = measure(f"dynamodb://{TABLE}", endpoint, Path(cache), asked, args)
        return report(f"dynamodb-local, {model_dir.name}", result, TARGET_MS["dynamodb"])
    finally:
        stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, help="a trained model (else --scale)")
    parser.add_argument("--scale", default="1", help="comma-separated scales, e.g. 0.25,0.5,1")
    parser.add_argument("--clusters", type=int, default=40, help="k when training")
    parser.add_argument("--backends", default="sqlite,dynamodb")
    parser.add_argument("--questions", type=int, default=1600)
    parser.add_argument("--categories", default="", help=f"a subset of {','.join(CATEGORIES)}")
    parser.add_argument("--profile", action="store_true", help="cProfile the measured pass")
    parser.add_argument("--code", type=Path, help="measure the bot code of this checkout")
    args = parser.parse_args(argv)
    if args.model_dir:
        models = [args.model_dir]
    else:
        models = [model_for(float(s), args.clusters) for s in args.scale.split(",")]
    ok = True
    for model_dir in models:
        ok &= run_model(model_dir, args)
    print("\ntargets met" if ok else "\nTARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
