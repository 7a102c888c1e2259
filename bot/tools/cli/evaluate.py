"""`python -m bot evaluate`: title resolution and recommendation quality on MovieLens-format
data, against a model directory or an IMDb data directory (trained here first, once).

    python -m bot evaluate --movielens ../shared/data/movielens-dev \
        --catalogue ../shared/data/imdb/2000-2022-us --out var/evaluate/report.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

IMDB_BASICS = ("title.basics.tsv.gz", "title.basics.tsv")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="measure title resolution and recommendations on MovieLens data"
    )
    parser.add_argument(
        "--movielens", type=Path, required=True, help="links.csv, movies.csv, ratings.csv"
    )
    parser.add_argument(
        "--catalogue",
        type=Path,
        required=True,
        help="a model directory, or an IMDb data directory to train on first",
    )
    parser.add_argument("--out", type=Path, default=Path("var/evaluate/report.json"))
    parser.add_argument("--work-dir", type=Path, default=Path("var/evaluate"))
    parser.add_argument("--clusters", type=int, default=None, help="k when training (default 40)")
    parser.add_argument("--retrain", action="store_true", help="train again even if cached")
    parser.add_argument("--k", type=int, default=10, help="recommendations per seed (10)")
    parser.add_argument("--min-likers", type=int, default=10, help="likers a seed needs (10)")
    parser.add_argument("--max-seeds", type=int, default=400)
    parser.add_argument("--draws", type=int, default=5, help="draws of the random baselines")
    parser.add_argument("--nonsense", type=int, default=1000, help="nonsense queries")
    parser.add_argument(
        "--sentences", type=int, default=300, help="conversational sentences of each kind (300)"
    )
    parser.add_argument("--groups", type=int, default=600, help="movie-night groups (600)")
    parser.add_argument(
        "--only", choices=("group",), default=None, help="measure only this part (group)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target is missed")
    parser.set_defaults(func=run)


def _is_imdb_dir(path: Path) -> bool:
    return any((path / name).exists() for name in IMDB_BASICS)


def _stamp(data_dir: Path, clusters: int | None) -> str:
    files = sorted(p for p in data_dir.iterdir() if p.name.startswith("title."))
    parts = [f"{p.name}:{p.stat().st_size}:{int(p.stat().st_mtime)}" for p in files]
    return json.dumps({"data": str(data_dir.resolve()), "files": parts, "k": clusters})


def _trained_model(data_dir: Path, work_dir: Path, clusters: int | None, retrain: bool) -> Path:
    """Train on `data_dir` with the project's own pipeline (a subprocess: the bot package
    never imports the training stack), reusing the last model trained from the same files."""
    model_dir = work_dir / "model"
    stamp_file = work_dir / "model.source.json"
    stamp = _stamp(data_dir, clusters)
    if (
        not retrain
        and (model_dir / "manifest.json").exists()
        and stamp_file.exists()
        and stamp_file.read_text(encoding="utf-8") == stamp
    ):
        print(f"using the model trained before in {model_dir} (--retrain to train again)")
        return model_dir
    command = [sys.executable, "-m", "training.train", "--data-dir", str(data_dir)]
    command += ["--model-dir", str(model_dir)]
    if clusters is not None:
        command += ["--clusters", str(clusters)]
    print("training:", " ".join(command), flush=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    if subprocess.call(command) != 0:
        raise RuntimeError(f"training on {data_dir} failed")
    stamp_file.write_text(stamp, encoding="utf-8")
    return model_dir


def run(args: argparse.Namespace) -> int:
    from bot.core.artifact import ArtifactError
    from bot.tools.evaluate import EvaluationError, format_table, run_evaluation

    catalogue: Path = args.catalogue
    if not catalogue.is_dir():
        print(f"evaluate: {catalogue} is not a directory", file=sys.stderr)
        return 1
    try:
        if _is_imdb_dir(catalogue):
            model_dir = _trained_model(catalogue, args.work_dir, args.clusters, args.retrain)
        else:
            model_dir = catalogue
        report = run_evaluation(
            model_dir,
            args.movielens,
            args.work_dir / "run",
            k=args.k,
            min_likers=args.min_likers,
            max_seeds=args.max_seeds,
            draws=args.draws,
            nonsense_queries=args.nonsense,
            sentences=args.sentences,
            groups=args.groups,
            only=args.only,
        )
    except (ArtifactError, EvaluationError, RuntimeError, OSError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 1
    print(format_table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if args.strict and not all(report["targets"].values()):
        return 3
    return 0
