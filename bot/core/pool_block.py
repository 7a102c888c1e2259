"""A cluster's pool as one compact block: the loader writes it, a cold start reads it in one
store read instead of paging through thousands of movie records.

The format is zlib-compressed JSON of column arrays (one list per Movie field), the coordinates
as one float64 array (base64), and the derived text a Pool otherwise computes per movie (the
normalised title and series key), so reading a block parses a few lists instead of thousands of
records and normalises nothing. No pickle: a block is data, whoever wrote it.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.models import Movie

BLOCK_FORMAT = 1


class BlockError(ValueError):
    """A stored block is damaged or in a format this release does not read."""


@dataclass(frozen=True)
class PoolBlock:
    """A cluster's pool, most voted first: the movies, their normalised titles (`keys`) and
    series keys (`franchises`) as the loader computed them, and whether the cluster has more
    movies after these (`more`)."""

    movies: list[Movie]
    keys: list[str]
    franchises: list[str]
    more: bool


def _codes(codes: tuple[str, ...]) -> str:
    return ",".join(codes)


def _split(text: str) -> tuple[str, ...]:
    return tuple(code for code in text.split(",") if code)


def pack_block(block: PoolBlock) -> bytes:
    movies = block.movies
    if not len(movies) == len(block.keys) == len(block.franchises):
        raise ValueError("a block needs one key and one franchise per movie")
    width = max((len(m.coords) for m in movies), default=0)
    coords = np.zeros((len(movies), width), dtype="<f8")
    for i, m in enumerate(movies):
        coords[i, : len(m.coords)] = m.coords
    data = {
        "format": BLOCK_FORMAT,
        "more": block.more,
        "tconst": [m.tconst for m in movies],
        "title": [m.title for m in movies],
        "original_title": [m.original_title for m in movies],
        "year": [m.year for m in movies],
        "runtime": [m.runtime for m in movies],
        "genres": [_codes(m.genres) for m in movies],
        "rating": [m.rating for m in movies],
        "votes": [m.votes for m in movies],
        "cluster": [m.cluster for m in movies],
        # Each movie's own coordinate count: a shorter one is not padded when read back.
        "dims": [len(m.coords) for m in movies],
        "width": width,
        "coords": base64.b64encode(coords.tobytes()).decode("ascii"),
        "countries": [_codes(m.countries) for m in movies],
        "languages": [_codes(m.languages) for m in movies],
        "keys": list(block.keys),
        "franchises": list(block.franchises),
    }
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 6)


def unpack_block(blob: bytes) -> PoolBlock:
    try:
        data = json.loads(zlib.decompress(blob))
        if data.get("format") != BLOCK_FORMAT:
            raise BlockError(f"format {data.get('format')!r}")
        n = len(data["tconst"])
        width = int(data["width"])
        coords = np.frombuffer(base64.b64decode(data["coords"]), dtype="<f8")
        rows = coords.reshape(n, width).tolist() if width else [[] for _ in range(n)]
        movies = [
            Movie(
                tconst=tconst,
                title=title,
                original_title=original,
                year=year,
                runtime=runtime,
                genres=_split(genres),
                rating=float(rating),
                votes=int(votes),
                cluster=int(cluster),
                coords=tuple(row[:dims]),
                countries=_split(countries),
                languages=_split(languages),
            )
            for (
                tconst, title, original, year, runtime, genres, rating, votes, cluster, row,
                dims, countries, languages,
            ) in zip(
                data["tconst"], data["title"], data["original_title"], data["year"],
                data["runtime"], data["genres"], data["rating"], data["votes"], data["cluster"],
                rows, data["dims"], data["countries"], data["languages"],
                strict=True,
            )
        ]  # fmt: skip
        keys, franchises = list(data["keys"]), list(data["franchises"])
        if not len(keys) == len(franchises) == n:
            raise BlockError("keys or franchises do not match the movies")
        return PoolBlock(movies, keys, franchises, bool(data["more"]))
    except BlockError:
        raise
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError, binascii.Error) as exc:
        raise BlockError(f"a stored pool block is damaged ({exc})") from None


def block_order(movies: Sequence[Movie]) -> list[Movie]:
    """Most voted first, ties by id: the order of the store's cluster pages."""
    return sorted(movies, key=lambda m: (-m.votes, m.tconst))
