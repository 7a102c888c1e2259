"""Encodings both store backends share: a movie as a record of stored values, coordinates as
bytes, opaque page cursors, blob chunks, lists of movies as one compressed blob."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Any

from bot.adapters.store.base import StoreError
from bot.core.manifest import Manifest
from bot.core.models import ModelVersion, Movie

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


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _join_codes(codes: tuple[str, ...]) -> str:
    return ",".join(codes)


def _codes_if_known(codes: tuple[str, ...]) -> str | None:
    # None when unknown, as most origins are: DynamoDB then leaves the attribute off, so the
    # items stay small.
    return ",".join(codes) or None


def _split_codes(text: str | None) -> tuple[str, ...]:
    return tuple(code for code in (text or "").split(",") if code)


def _same(value: Any) -> Any:
    return value


# How each Movie field is stored, by name (a SQLite column, a DynamoDB attribute): (to the
# stored value, back from it; a value a store does not hold reads as None). Both backends
# convert through this table, so a new Movie field is one line here (plus its SQLite column).
_MOVIE_FIELDS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "tconst": (_same, str),
    "title": (_same, str),
    "original_title": (_same, str),
    "year": (_same, _optional_int),
    "runtime": (_same, _optional_int),
    "genres": (_join_codes, _split_codes),
    "rating": (float, float),
    "votes": (int, int),
    "cluster": (int, int),
    "coords": (pack_coords, unpack_coords),
    "countries": (_codes_if_known, _split_codes),
    "languages": (_codes_if_known, _split_codes),
}
MOVIE_FIELDS = tuple(_MOVIE_FIELDS)
_fields_of = attrgetter(*MOVIE_FIELDS)
# Only the conversions that change a value are called: the loader converts every movie.
_DUMPS = tuple((i, dump) for i, (dump, _) in enumerate(_MOVIE_FIELDS.values()) if dump is not _same)


def movie_values(movie: Movie) -> list[Any]:
    """`movie` as stored values (str, int, float, bytes; None: not known), in MOVIE_FIELDS
    order."""
    stored = list(_fields_of(movie))
    for i, dump in _DUMPS:
        stored[i] = dump(stored[i])
    return stored


def movie_record(movie: Movie) -> dict[str, Any]:
    """`movie` as stored values by field name."""
    return dict(zip(MOVIE_FIELDS, movie_values(movie), strict=True))


def movie_from_record(record: Mapping[str, Any]) -> Movie:
    """The movie a stored record holds (numbers may come back as Decimal, bytes as a wrapper:
    each field's reader converts)."""
    return Movie(**{name: load(record.get(name)) for name, (_, load) in _MOVIE_FIELDS.items()})


def _from_json(value: Any) -> Any:
    # JSON has no tuples: a Movie's sequences (genres, coords, ...) come back as lists.
    return tuple(value) if isinstance(value, list) else value


def pack_movies(movies: Iterable[Movie]) -> bytes:
    """Movies, in order, as compressed JSON rows of their MOVIE_FIELDS: a few thousand fit a
    few hundred KB. JSON numbers give every float back exactly (Python writes the shortest
    repr that reads back). The field names go with the rows, so a list stored before a Movie
    field was added still reads back (the field takes its default)."""
    rows = [list(_fields_of(m)) for m in movies]
    data = {"format": MOVIES_FORMAT, "fields": MOVIE_FIELDS, "movies": rows}
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 6)


def unpack_movies(blob: bytes) -> list[Movie]:
    try:
        data = json.loads(zlib.decompress(blob))
        if data.get("format") != MOVIES_FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        fields = data["fields"]
        return [
            Movie(**{name: _from_json(value) for name, value in zip(fields, row, strict=True)})
            for row in data["movies"]
        ]
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StoreError(f"a stored movie list is damaged ({exc})") from None


class ActiveMemo:
    """The active version as last parsed. `active()` is read on every question, while its
    manifest changes only when a version is activated, and parsing it (the cluster centres)
    costs more than the read: parse again only when the stored text differs."""

    def __init__(self) -> None:
        self._last: tuple[str, str, ModelVersion] | None = None

    def model(self, version: str, manifest_text: str) -> ModelVersion:
        last = self._last
        if last is None or last[0] != version or last[1] != manifest_text:
            manifest = Manifest.from_stored(json.loads(manifest_text), version=version)
            last = self._last = (version, manifest_text, ModelVersion(version, manifest))
        return last[2]
