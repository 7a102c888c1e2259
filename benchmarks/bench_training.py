"""Training at full IMDb scale: wall time and peak memory of `python -m training.train`.

Generates IMDb-shaped data once (~12M title.basics rows, ~1.5M ratings, ~55M akas rows; a few
minutes) into $MOVIEBOT_BENCH_DIR/imdb-full (default var/bench/imdb-full) or --data-dir, then
runs the training in a child process and reads its peak resident memory from the kernel
(resource.getrusage of the child, the same figure /usr/bin/time -v reports).

    python -m benchmarks.bench_training [--data-dir DIR] [--scale 1] [--clusters 40]

Targets (issue 3): at most 300 s of wall time and 4 GB of peak memory on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.core.artifact import read_manifest
from training.generate import generate

TARGET_SECONDS = 300.0
TARGET_BYTES = 4 * 1024**3
FILES = ("title.basics.tsv.gz", "title.ratings.tsv.gz", "title.akas.tsv.gz")


def _default_dir() -> Path:
    return Path(os.environ.get("MOVIEBOT_BENCH_DIR", "var/bench")) / "imdb-full"


def ensure_data(data_dir: Path, scale: float) -> None:
    """Generate IMDb-shaped data at `scale` into `data_dir` unless it is there already."""
    if all((data_dir / name).is_file() for name in FILES):
        return
    print(f"generating IMDb-shaped data at scale {scale} into {data_dir} ...", flush=True)
    started = time.perf_counter()
    lines = generate(data_dir, scale)
    print(
        f"generated in {time.perf_counter() - started:.0f} s: "
        + ", ".join(f"{name} {count:,} rows" for name, count in lines.items()),
        flush=True,
    )


def train(data_dir: Path, model_dir: Path, clusters: int) -> subprocess.CompletedProcess[bytes]:
    """`python -m training.train` on `data_dir` into `model_dir`, in a child process."""
    command = [
        sys.executable, "-m", "training.train", "--data-dir", str(data_dir),
        "--model-dir", str(model_dir), "--clusters", str(clusters), "--progress", "false",
    ]  # fmt: skip
    print("running: " + " ".join(command), flush=True)
    return subprocess.run(command, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=_default_dir())
    parser.add_argument("--scale", type=float, default=1.0, help="used only when generating")
    parser.add_argument("--clusters", type=int, default=40)
    args = parser.parse_args(argv)

    ensure_data(args.data_dir, args.scale)
    sizes = {name: (args.data_dir / name).stat().st_size for name in FILES}
    print("input: " + ", ".join(f"{name} {size / 1e6:,.0f} MB" for name, size in sizes.items()))

    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        model_dir = Path(tmp) / "model"
        started = time.perf_counter()
        result = train(args.data_dir, model_dir, args.clusters)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode:
            print(f"training failed with exit code {result.returncode}", file=sys.stderr)
            return 1
        manifest = read_manifest(model_dir)

    peak = usage.ru_maxrss * 1024  # kilobytes on Linux
    counts, metrics = manifest.counts, manifest.metrics or {}
    print(
        f"catalogue: {counts['movies']:,} movies of {counts['basics_rows']:,} basics rows, "
        f"{counts['akas_rows']:,} akas rows read, {counts['akas']:,} alternate titles written"
    )
    print(f"wall time: {wall:.1f} s (target <= {TARGET_SECONDS:.0f} s)")
    print(
        f"cpu time: {usage.ru_utime + usage.ru_stime:.1f} s (user {usage.ru_utime:.1f}, "
        f"system {usage.ru_stime:.1f}) on {os.cpu_count()} cores"
    )
    print(f"peak memory: {peak / 1024**3:.2f} GB (target <= {TARGET_BYTES / 1024**3:.0f} GB)")
    print(
        f"silhouette: {metrics['silhouette']}, "
        f"explained variance {metrics['explained_variance_total']:.1%}"
    )
    ok = wall <= TARGET_SECONDS and peak <= TARGET_BYTES
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
