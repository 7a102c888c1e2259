"""Encodings both store backends share: coordinates as bytes, opaque page cursors, blob chunks,
lists of movies as one compressed blob."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from bot.adapters.store.base import StoreError
from bot.core.models import Movie

MOVIES_FORMAT = 1


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


def _codes(values: tuple[str, ...]) -> str:
    return ",".join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def _row(m: Movie) -> list[Any]:
    genres, countries, languages = _codes(m.genres), _codes(m.countries), _codes(m.languages)
    return [m.tconst, m.title, m.original_title, m.year, m.runtime, genres, m.rating, m.votes,
            m.cluster, list(m.coords), countries, languages]  # fmt: skip


def _movie(row: list[Any]) -> Movie:
    tconst, title, original, year, runtime, genres, rating, votes, cluster = row[:9]
    coords, countries, languages = row[9:]
    return Movie(
        tconst=tconst,
        title=title,
        original_title=original,
        year=year,
        runtime=runtime,
        genres=_split(genres),
        rating=rating,
        votes=votes,
        cluster=cluster,
        coords=tuple(coords),
        countries=_split(countries),
        languages=_split(languages),
    )


def pack_movies(movies: Iterable[Movie]) -> bytes:
    """Movies, in order, as compressed JSON rows: a few thousand fit a few hundred KB. JSON
    numbers give every float back exactly (Python writes the shortest repr that reads back)."""
    rows = [_row(m) for m in movies]
    text = json.dumps({"format": MOVIES_FORMAT, "movies": rows}, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def unpack_movies(blob: bytes) -> list[Movie]:
    try:
        data = json.loads(zlib.decompress(blob))
        if data.get("format") != MOVIES_FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        return [_movie(row) for row in data["movies"]]
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StoreError(f"a stored movie list is damaged ({exc})") from None
