"""The command line: `python -m bot {ask,chat,load,serve,evaluate} ...`.

Each subcommand lives in `bot/tools/cli/<name>.py` with `register(subparsers)`. Only the command
named on the line is imported (all of them for `--help` or a mistake), so that one command's heavy
imports (chat's slack-bolt) never slow another's cold start (`ask`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ("ask", "chat", "load", "serve", "evaluate")


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="moviebot: movies like this")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in commands:
        importlib.import_module(f"bot.tools.cli.{name}").register(sub)
    return parser


def _commands_for(argv: Sequence[str]) -> Sequence[str]:
    """The one command `argv` names, else all (for the usage, `--help` or the error)."""
    return (argv[0],) if argv and argv[0] in COMMANDS else COMMANDS


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(_commands_for(argv)).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `python -m bot ask ... | head` closing the pipe early is not an error.
        return 0


if __name__ == "__main__":
    sys.exit(main())
