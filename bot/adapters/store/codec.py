"""Encodings both store backends share: coordinates as bytes, opaque page cursors, blob chunks."""

from __future__ import annotations

import base64
import binascii
import json
from array import array
from collections.abc import Iterator
from typing import Any

from bot.adapters.store.base import StoreError


def pack_coords(coords: tuple[float, ...]) -> bytes:
    # float64 so coordinates round-trip exactly; 8 bytes each beats any text form.
    return array("d", coords).tobytes()


def unpack_coords(blob: bytes | None) -> tuple[float, ...]:
    if not blob:
        return ()
    values = array("d")
    values.frombytes(bytes(blob))
    return tuple(values)


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, required: tuple[str, ...]) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise StoreError("invalid page cursor") from None
    if not isinstance(position, dict) or any(key not in position for key in required):
        raise StoreError("invalid page cursor")
    return position


def chunks(blob: bytes, size: int) -> Iterator[bytes]:
    view = memoryview(blob)
    for start in range(0, len(blob), size):
        yield bytes(view[start : start + size])
