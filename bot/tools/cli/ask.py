"""`python -m bot ask "TEXT" [--json] [--thread NAME]` and `--batch FILE`: what a Slack user
would get, from a terminal or a script (one JSON object a line in batch mode, in the `ask --json`
shape). With `--thread NAME` each question is a turn of that conversation ("more", "older
ones?"), its state in the configured store, so another process continues it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.usecases.movies import MovieService


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ask", help="ask one question (or a file of them) and print the answer"
    )
    parser.add_argument(
        "text", nargs="?", help='a title, a sentence ("movies like alien") or an IMDb id'
    )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument(
        "--batch", type=Path, metavar="FILE", help="one question a line ('-' for stdin); JSON out"
    )
    parser.add_argument("--user", default=None, help="answer as this Slack user (their marks)")
    parser.add_argument(
        "--thread",
        default=None,
        metavar="NAME",
        help="each question is a turn of this conversation (follow-ups refine the last answer)",
    )
    parser.set_defaults(func=run)


def _service(settings: Settings) -> MovieService:
    from bot.adapters.index_cache import IndexCache
    from bot.adapters.store import open_store

    store = open_store(settings.store_url, endpoint_url=settings.aws_endpoint_url)
    return MovieService(store, IndexCache(store, settings.cache_dir))


def _print_answer(service: MovieService, text: str, args: argparse.Namespace, out: TextIO) -> None:
    thread = f"cli:{args.thread}" if args.thread else None
    answer = service.ask(text, user_id=args.user, thread=thread)
    if args.json or args.batch:
        out.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
        return
    from bot.slack.blocks import answer_message
    from bot.tools.terminal import render_text

    message = answer_message(answer)
    out.write(render_text(message.blocks, message.text).text.rstrip() + "\n")


def run(args: argparse.Namespace) -> int:
    if args.text is None and args.batch is None:
        print("ask: give a question, or --batch FILE", file=sys.stderr)
        return 2
    from bot.adapters.store.base import StoreError

    settings = Settings.from_env()
    try:
        service = _service(settings)
        if service.model() is None:
            print(
                f"ask: no model is loaded in {settings.store_url}; "
                "train and load one first (make load, or python -m bot load MODEL_DIR)",
                file=sys.stderr,
            )
            return 1
        if args.batch is None:
            _print_answer(service, args.text, args, sys.stdout)
            return 0
        try:
            source = (
                sys.stdin
                if str(args.batch) == "-"
                else args.batch.open(encoding="utf-8", errors="replace")
            )
        except OSError as exc:
            print(f"ask: cannot read {args.batch}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        with source:
            for line in source:
                _print_answer(service, line.rstrip("\r\n"), args, sys.stdout)
                sys.stdout.flush()
        return 0
    except (StoreError, ValueError) as exc:
        print(f"ask: {exc}", file=sys.stderr)
        return 1
