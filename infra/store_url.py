"""Whether these Lambdas have a store to record training runs in (no training imports here:
the notify and loader packages ship without training/)."""

from __future__ import annotations

import os
from collections.abc import Mapping


def configured_store_url(environ: Mapping[str, str] | None = None) -> str | None:
    """MOVIEBOT_STORE only when it is set: runs are written only to a configured store, never
    to the bot's embedded default."""
    env = os.environ if environ is None else environ
    return env.get("MOVIEBOT_STORE", "").strip() or None
