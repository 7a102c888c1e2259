"""Load a full-scale model artifact into each store backend and print how fast it went.

    .venv/bin/python -m benchmarks.bench_store [--movies 720000] [--backends sqlite,dynamodb]
                                               [--build-index]

The artifact (~720k movies with 12 coordinates, ~3 alternate titles each, and the title index
training builds) is generated once and cached under $MOVIEBOT_BENCH_DIR (default var/bench).
Each backend gets a fresh store and the real loader (`bot.usecases.loader.load_artifact`), so
the figures include reading the CSV, checking the artifact's title index (or with `--build-
index`, building it, as for an artifact that has none) and verifying the counts. For DynamoDB
Local it also measures the raw write rate of the same movie items with plain parallel
BatchWriteItem calls (no loader), which is the ceiling the loader can get near.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import numpy as np

from bot.adapters.store.base import Store
from bot.adapters.store.dynamodb import DynamoStore, shards_for
from bot.adapters.store.dynamodb_items import movie_item
from bot.adapters.store.dynamodb_schema import TABLE_DEFINITION
from bot.adapters.store.sqlite import SqliteStore
from bot.core.artifact import (
    AKAS_FILE,
    MANIFEST_FILE,
    MOVIES_FILE,
    TITLE_INDEX_FILE,
    iter_akas,
    iter_movies,
)
from bot.core.manifest import Manifest
from bot.core.matching import TitleIndex
from bot.core.models import Movie
from bot.usecases.loader import LoadReport, load_artifact
from tests.fixtures.artifacts import write_artifact
from tests.fixtures.dynamodb_local import (
    DUMMY_AWS_ENV,
    find_jar,
    free_port,
    start_dynamodb_local,
    stop,
)

GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Sport",
    "Thriller",
    "War",
    "Western",
]
WORDS = [
    "night",
    "day",
    "man",
    "woman",
    "love",
    "death",
    "house",
    "city",
    "war",
    "star",
    "dark",
    "light",
    "blood",
    "king",
    "queen",
    "girl",
    "boy",
    "return",
    "last",
    "first",
    "little",
    "big",
    "dead",
    "secret",
    "time",
    "world",
    "life",
    "dream",
    "game",
    "road",
    "river",
    "fire",
    "ice",
    "stone",
    "shadow",
    "ghost",
    "heart",
    "summer",
    "winter",
    "home",
    "island",
    "moon",
    "sun",
    "sea",
    "storm",
    "wild",
    "lost",
    "golden",
]


def generate_artifact(model_dir: Path, n_movies: int, coords: int = 12, seed: int = 7) -> Path:
    """An artifact of `n_movies` movies shaped like the real catalogue (titles, votes, clusters)."""
    rng = np.random.default_rng(seed)
    words = np.array(WORDS)
    n_words = rng.integers(1, 6, n_movies)
    picks = rng.integers(0, len(words), int(n_words.sum()))
    ends = np.cumsum(n_words)
    votes = np.minimum(rng.lognormal(5.0, 2.0, n_movies).astype(np.int64) + 5, 3_000_000)
    years = rng.integers(1900, 2026, n_movies)
    runtimes = rng.integers(60, 200, n_movies)
    ratings = np.round(rng.uniform(1.0, 10.0, n_movies), 1)
    clusters = rng.integers(0, 40, n_movies)
    points = np.round(rng.normal(0.0, 1.0, (n_movies, coords)), 6)
    genre_sets = rng.integers(0, len(GENRES), (n_movies, 3))
    movies: list[Movie] = []
    start = 0
    for i in range(n_movies):
        title = " ".join(words[picks[start : ends[i]]]).title()
        start = ends[i]
        movies.append(
            Movie(
                tconst=f"tt{i + 1:07d}",
                title=f"{title} {i}" if i % 3 else title,
                original_title=title,
                year=int(years[i]),
                runtime=int(runtimes[i]),
                genres=tuple(sorted({GENRES[g] for g in genre_sets[i]})),
                rating=float(ratings[i]),
                votes=int(votes[i]),
                cluster=int(clusters[i]),
                coords=tuple(float(x) for x in points[i]),
            )
        )
    akas = [
        (m.tconst, f"{m.original_title} {suffix}")
        for m in movies
        for suffix in ("(Director's Cut)", "II", "Le Film")[: 1 + int(m.votes % 5)]
    ]
    return write_artifact(model_dir, movies, akas, version=f"bench-{n_movies}")


def cached_artifact(n_movies: int) -> Path:
    """The generated artifact, with the title index training would put in it."""
    bench_dir = Path(os.environ.get("MOVIEBOT_BENCH_DIR", "var/bench"))
    model_dir = bench_dir / f"store-artifact-{n_movies}"
    if not (model_dir / MANIFEST_FILE).exists():
        print(f"generating an artifact of {n_movies:,} movies in {model_dir} ...", flush=True)
        started = time.perf_counter()
        generate_artifact(model_dir, n_movies)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    index = model_dir / TITLE_INDEX_FILE
    movies = list(iter_movies(model_dir))
    if not index.exists() or not TitleIndex.fits(index.read_bytes(), (m.tconst for m in movies)):
        print("building the artifact's title index, as training does ...", flush=True)
        started = time.perf_counter()
        index.write_bytes(TitleIndex.build(movies, iter_akas(model_dir)).to_bytes())
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return model_dir


def without_index(model_dir: Path, into: Path) -> Path:
    """The same artifact without its title index (as training wrote them before it built one),
    so that the loader builds the index itself."""
    into.mkdir()
    for name in (MANIFEST_FILE, MOVIES_FILE, AKAS_FILE):
        (into / name).symlink_to((model_dir / name).resolve())
    return into


class Stopwatch:
    """Times the loader's stages from its progress callback."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.marks: dict[str, float] = {}

    def __call__(self, stage: str, _amount: int) -> None:
        self.marks[stage] = time.perf_counter() - self.started

    def stages(self) -> str:
        order = ["parsed", "movies", "index", "verified", "activated"]
        parts, last = [], 0.0
        for stage in order:
            if stage in self.marks:
                parts.append(f"{stage} {self.marks[stage] - last:.1f} s")
                last = self.marks[stage]
        return ", ".join(parts)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (0 where /proc is absent)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_load(
    model_dir: Path, store: object, label: str, server_pid: int | None = None
) -> tuple[LoadReport, float]:
    """Load with the real loader; print the figures; return the report and the write rate."""
    watch = Stopwatch()
    cpu, server_cpu = time.process_time(), cpu_seconds(server_pid) if server_pid else 0.0
    started = time.perf_counter()
    report = load_artifact(model_dir, store, progress=watch)  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    write_s = watch.marks["movies"] - watch.marks["parsed"]
    write_rate = report.movies / write_s
    cpu_text = f"loader CPU {time.process_time() - cpu:.0f} s"
    if server_pid:
        cpu_text += f", DynamoDB Local CPU {cpu_seconds(server_pid) - server_cpu:.0f} s"
    print(
        f"{label}: {report.movies:,} movies + {report.akas:,} akas + title index "
        f"{report.index_bytes / 1e6:.1f} MB in {wall:.1f} s wall = {report.movies / wall:,.0f}"
        f" movies/s overall; movie writes {write_rate:,.0f} items/s\n"
        f"  stages: {watch.stages()}; {cpu_text}",
        flush=True,
    )
    return report, write_rate


def time_reads(store: Store, version: str, label: str) -> None:
    """What the bot pays on a cold start (the title index) and per answer (a cluster page)."""
    started = time.perf_counter()
    blob = store.title_index(version)
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    for cluster in range(40):
        store.cluster_page(version, cluster, 5)
    pages_ms = (time.perf_counter() - started) * 1e3 / 40
    print(
        f"{label}: reading the title index ({len(blob or b'') / 1e6:.1f} MB) took {index_s:.1f} s;"
        f" a cluster page of 5 took {pages_ms:.1f} ms on average",
        flush=True,
    )


def bench_sqlite(model_dir: Path, build_index: bool) -> None:
    with tempfile.TemporaryDirectory(dir=Path(model_dir).parent) as tmp:
        label = "sqlite"
        if build_index:
            model_dir, label = without_index(model_dir, Path(tmp) / "model"), "sqlite (index built)"
        store = SqliteStore(Path(tmp) / "bench.sqlite")
        try:
            report, _ = timed_load(model_dir, store, label)
            time_reads(store, report.version, "sqlite")
        finally:
            store.close()


def raw_write_rate(endpoint: str, movies: list[Movie], workers: int, label: str = "") -> float:
    """Items/s of plain parallel BatchWriteItem calls carrying the loader's movie items."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=boto3.session.Config(max_pool_connections=workers + 4, parameter_validation=False),
    )
    table = f"raw-{uuid.uuid4().hex[:8]}"
    client.create_table(TableName=table, **TABLE_DEFINITION)
    # The same items (and the same spread over partitions) as the loader writes at full scale.
    shards = shards_for(Manifest(version="raw", counts={"movies": 720_000}))
    requests = [{"PutRequest": {"Item": movie_item("raw", shards, m)}} for m in movies]
    batches = [requests[i : i + 25] for i in range(0, len(requests), 25)]
    lock = threading.Lock()
    unprocessed = 0

    def send(batch: list[dict[str, object]]) -> None:
        nonlocal unprocessed
        while batch:
            response = client.batch_write_item(RequestItems={table: batch})
            batch = response.get("UnprocessedItems", {}).get(table, [])
            with lock:
                unprocessed += len(batch)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(send, batches))
    seconds = time.perf_counter() - started
    rate = len(movies) / seconds
    print(
        f"dynamodb-local raw BatchWriteItem{label}, {workers} threads: {len(movies):,} items in "
        f"{seconds:.1f} s = {rate:,.0f} items/s (unprocessed and resent: {unprocessed})",
        flush=True,
    )
    return rate


def bench_dynamodb(model_dir: Path, raw_items: int, workers: int) -> None:
    jar = find_jar()
    if jar is None:
        print("dynamodb: skipped, DynamoDB Local jar not found (run `make dev`)")
        return
    os.environ.update({k: v for k, v in DUMMY_AWS_ENV.items() if k not in os.environ})
    port = free_port()
    process = start_dynamodb_local(jar, port)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        if raw_items:
            sample = [m for _, m in zip(range(raw_items), iter_movies(model_dir), strict=False)]
            # The JVM needs a warm-up before it shows its steady rate.
            raw_write_rate(endpoint, sample[:30_000], workers, " (JVM warm-up)")
            raw = raw_write_rate(endpoint, sample, workers)
        store = DynamoStore("moviebot-bench", endpoint_url=endpoint, workers=workers)
        try:
            report, write_rate = timed_load(
                model_dir, store, f"dynamodb-local ({workers} threads)", process.pid
            )
            time_reads(store, report.version, "dynamodb-local")
        finally:
            store.close()
        if raw_items:
            print(
                f"dynamodb-local: the loader's movie writes ran at {write_rate / raw:.0%} of the"
                " raw BatchWriteItem rate (with the title index checked or built alongside)"
            )
    finally:
        stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=720_000)
    parser.add_argument("--backends", default="sqlite,dynamodb")
    parser.add_argument("--raw-items", type=int, default=200_000, help="0 to skip")
    parser.add_argument("--workers", type=int, default=16, help="DynamoDB writer threads")
    parser.add_argument(
        "--build-index",
        action="store_true",
        help="load the artifact without its title index, so that the loader builds it",
    )
    args = parser.parse_args(argv)
    model_dir = cached_artifact(args.movies)
    backends: dict[str, Callable[[], None]] = {
        "sqlite": lambda: bench_sqlite(model_dir, args.build_index),
        "dynamodb": lambda: bench_dynamodb(model_dir, args.raw_items, args.workers),
    }
    for name in args.backends.split(","):
        backends[name.strip()]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
