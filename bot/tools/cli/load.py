"""`python -m bot load MODEL_DIR`: load a trained model into the configured store (MOVIEBOT_STORE)
and make it the active version. Prints one line; a bad artifact is one clear line and exit 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "load", help="load a trained model directory into the store and make it active"
    )
    parser.add_argument("model_dir", type=Path, metavar="MODEL_DIR", help="the training output")
    parser.add_argument(
        "--drop-previous",
        action="store_true",
        help="also remove the version that was active before (default: keep it for rollback)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.adapters.store import StoreError, open_store
    from bot.core.artifact import ArtifactError
    from bot.usecases.loader import LoadError, load_artifact

    settings = Settings.from_env()
    if not args.model_dir.is_dir():
        print(f"load: {args.model_dir} is not a directory", file=sys.stderr)
        return 1
    try:
        store = open_store(settings.store_url, endpoint_url=settings.aws_endpoint_url)
    except StoreError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 1
    try:
        report = load_artifact(args.model_dir, store, keep_previous=not args.drop_previous)
    except (ArtifactError, LoadError, StoreError) as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(report.summary())
    return 0
