"""What the movie night's buttons and modal carry, and reading it back. A value comes back as
the user's client sent it, so reading answers None for anything not ours."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["favourite", "suggest"]
KINDS: tuple[Kind, ...] = ("favourite", "suggest")
_TCONST = re.compile(r"tt\d{1,12}")
_SEP = "|"


def encode_film(night_id: str, tconst: str) -> str:
    """A vote button's value (and "We watched it"'s): the night and the film."""
    return f"{night_id}{_SEP}{tconst}"


def decode_film(value: str | None) -> tuple[str, str] | None:
    night_id, sep, tconst = (value or "").rpartition(_SEP)
    if not sep or not night_id or not _TCONST.fullmatch(tconst):
        return None
    return night_id, tconst


@dataclass(frozen=True)
class Pick:
    """A did-you-mean choice: which night, a favourite or a suggestion, and the film meant."""

    night_id: str
    kind: Kind
    tconst: str


def encode_pick(night_id: str, kind: Kind, tconst: str) -> str:
    return json.dumps({"n": night_id, "k": kind, "t": tconst}, separators=(",", ":"))


def decode_pick(value: str | None) -> Pick | None:
    data = _json(value)
    night_id, kind, tconst = data.get("n"), data.get("k"), data.get("t")
    if not isinstance(night_id, str) or not night_id or kind not in KINDS:
        return None
    if not isinstance(tconst, str) or not _TCONST.fullmatch(tconst):
        return None
    return Pick(night_id, kind, tconst)


@dataclass(frozen=True)
class ModalTarget:
    """What the add-favourite / suggest modal is for (its private_metadata)."""

    night_id: str
    kind: Kind
    channel: str


def encode_modal(target: ModalTarget) -> str:
    return json.dumps(
        {"n": target.night_id, "k": target.kind, "c": target.channel}, separators=(",", ":")
    )


def decode_modal(value: str | None) -> ModalTarget | None:
    data = _json(value)
    night_id, kind, channel = data.get("n"), data.get("k"), data.get("c")
    if not isinstance(night_id, str) or not night_id or kind not in KINDS:
        return None
    return ModalTarget(night_id, kind, channel if isinstance(channel, str) else "")


def _json(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
