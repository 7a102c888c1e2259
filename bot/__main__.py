"""The command line: `python -m bot {ask,chat,load,serve,evaluate} ...`.

Each subcommand lives in `bot/tools/cli/<name>.py` with `register(subparsers)`; they are imported
when the parser is built so that one command's heavy imports never slow another.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ("ask", "chat", "load", "serve", "evaluate")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="moviebot: movies like this")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bot.tools.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `python -m bot ask ... | head` closing the pipe early is not an error.
        return 0


if __name__ == "__main__":
    sys.exit(main())
