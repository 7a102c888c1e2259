"""Subcommands of `python -m bot`: each module has `register(subparsers)`."""
