"""Generate IMDb-shaped data (title.basics, title.ratings, title.akas as .tsv.gz) for benchmarks
and tests.

At --scale 1 the shape follows IMDb's real dumps: ~12M title.basics rows of every title type
(~900k movies, ~720k of them rated), ~1.5M ratings and ~55M akas rows, sorted by id as IMDb
sorts them. It carries the oddities of the real files: `\\N` for null, unescaped quotes in
titles, unicode, heavy-tailed vote counts, titles without genres, runtime or year, and a few
malformed rows (a field too few) that readers must count and skip.

Titles are produced in chunks and each chunk's basics, ratings and akas rows are written at
once, so memory stays small whatever the scale. Arrow's string kernels do the joining, so the
full scale is written in minutes, not hours.

    python -m training.generate --out DIR [--scale 0.001] [--seed 7]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FULL_TITLES = 12_000_000
CHUNK_TITLES = 500_000
NULL = "\\N"

# Title types with their share of title.basics, the share of them that has a rating and the
# mean number of akas rows per title (tvEpisode dominates akas in the real dumps).
TITLE_TYPES: tuple[tuple[str, float, float, float], ...] = (
    ("tvEpisode", 0.715, 0.045, 4.6),
    ("short", 0.085, 0.100, 1.6),
    ("movie", 0.075, 0.800, 6.2),
    ("video", 0.025, 0.150, 1.5),
    ("tvSeries", 0.024, 0.400, 3.0),
    ("tvMovie", 0.0125, 0.350, 2.0),
    ("tvMiniSeries", 0.005, 0.350, 2.5),
    ("tvSpecial", 0.004, 0.300, 1.5),
    ("videoGame", 0.003, 0.300, 1.5),
    ("tvShort", 0.0015, 0.200, 1.2),
    ("tvPilot", 0.00005, 0.200, 1.0),
)

# IMDb's 28 genres, most frequent first, with rough weights and a rating offset so that
# clusters have something real to find (documentaries rate high, horror low).
GENRES: tuple[tuple[str, float, float], ...] = (
    ("Drama", 30, 0.2),
    ("Comedy", 20, -0.1),
    ("Documentary", 12, 0.9),
    ("Romance", 8, 0.0),
    ("Action", 8, -0.3),
    ("Thriller", 7, -0.4),
    ("Crime", 7, 0.1),
    ("Horror", 6, -1.2),
    ("Adventure", 4, 0.0),
    ("Family", 3, 0.2),
    ("Mystery", 3, 0.0),
    ("Music", 3, 0.5),
    ("Animation", 3, 0.4),
    ("Fantasy", 3, -0.1),
    ("Biography", 2.5, 0.6),
    ("History", 2.5, 0.6),
    ("Sci-Fi", 2.5, -0.5),
    ("War", 1.5, 0.4),
    ("Musical", 1.2, 0.1),
    ("Western", 1.2, 0.0),
    ("Sport", 1.0, 0.3),
    ("Adult", 0.8, -0.5),
    ("Reality-TV", 0.8, -0.6),
    ("News", 0.6, 0.2),
    ("Talk-Show", 0.5, 0.0),
    ("Game-Show", 0.3, 0.0),
    ("Short", 0.3, 0.1),
    ("Film-Noir", 0.2, 0.5),
)

# Static word lists, kept compact as split strings.
REGIONS = (  # noqa: SIM905
    "US GB DE FR IT ES JP IN BR CA MX AU RU SE NL PL TR AR KR CN HK TW GR PT FI DK NO HU CZ "
    "RO BG RS HR SI SK UA BE AT CH IE IL EG IR PK BD PH ID TH VN MY SG NZ ZA NG KE CO CL PE "
    "VE UY EC BO CU DO PR LT LV EE IS LU XWW XEU XYU SUHH CSHH DDDE"
).split()
LANGUAGES = (  # noqa: SIM905
    "en fr de es it ja hi ru pt sv nl pl tr ko zh cmn yue el fi da no hu cs ro bg sr hr uk "
    "he ar fa ta te ml bn th vi id tl"
).split()

# Words for titles: plain English, words with unescaped quotes, and unicode in several scripts.
_WORDS = (  # noqa: SIM905
    "the of a and night love man day last dead life world time house city girl boy war "
    "story secret king queen dark blood return road home black white red blue river sea "
    "star moon sun fire ice heart lost little big great new old first summer winter "
    "murder island mountain ghost shadow dream devil angel journey game street money "
    "family brother sister father mother son daughter wild golden silent broken hidden "
    "Crocodile L'été Amélie Fräulein Señor Ñandú Øresund Straße Été São Paulo Café "
    "Москва Война Любовь Ночь 東京 物語 夜 愛 서울 사랑 الحب مدينة Αθήνα Ιστορία "
    '"Crocodile" "Mad" O\'Brien Don\'t It\'s Ain\'t "The Ghost 12 2 III II 1984 2049 '
    "part chapter vol episode return revenge rise fall origins legend"
).split()


@dataclass(frozen=True)
class Shape:
    titles: int
    chunk: int


def _pick(rng: np.random.Generator, n: int, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _titles(rng: np.random.Generator, n: int, words: pa.Array) -> pa.Array:
    """1-5 words joined by spaces; Arrow joins 500k titles in milliseconds."""
    count = rng.integers(1, 6, size=n)
    parts = []
    for k in range(5):
        idx = rng.integers(0, len(words), size=n)
        parts.append(
            pc.if_else(pa.array(count > k), words.take(pa.array(idx)), pa.nulls(n, pa.string()))
        )
    first = pc.utf8_capitalize(parts[0])
    return _join_present([first, *parts[1:]], " ")


def _join_present(parts: list[pa.Array], sep: str) -> pa.Array:
    """Join the non-null parts of each row (Arrow's null_handling="skip" drops whole rows in
    some versions, so nulls become empty strings and the doubled separators are removed)."""
    joined = pc.binary_join_element_wise(*parts, sep, null_handling="replace", null_replacement="")
    return pc.utf8_trim(pc.replace_substring_regex(joined, f"{sep}+", sep), sep)


def _lines(columns: list[pa.Array]) -> bytes:
    """TSV lines for the columns; nulls become `\\N`. The values buffer of the joined string
    array is exactly the file's bytes."""
    joined = pc.binary_join_element_wise(
        *columns, "\t", null_handling="replace", null_replacement=NULL
    )
    lines = pc.binary_join_element_wise(joined, "", "\n")
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(
        lines.buffers()[1],
        dtype=width,
        count=len(lines) + 1,
        offset=lines.offset * np.dtype(width).itemsize,
    )
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def _ids(first: int, n: int) -> pa.Array:
    nums = pa.array(np.arange(first, first + n, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise("tt", pc.utf8_lpad(nums, 7, "0"), "")


def _str(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(values).cast(pa.string())
    if valid is not None:
        arr = pc.if_else(pa.array(valid), arr, pa.nulls(len(arr), pa.string()))
    return arr


def _malformed(lines: bytes, rng: np.random.Generator, count: int) -> bytes:
    """Drop the last field of `count` random lines: a row too short, as readers must skip."""
    if count <= 0:
        return lines
    rows = lines.split(b"\n")
    for i in rng.integers(0, max(1, len(rows) - 1), size=count):
        rows[i] = rows[i].rsplit(b"\t", 1)[0]
    return b"\n".join(rows)


def generate_chunk(
    rng: np.random.Generator, first: int, n: int, words: pa.Array, malformed: int
) -> tuple[bytes, bytes, bytes]:
    type_idx = _pick(rng, n, [t[1] for t in TITLE_TYPES])
    types = pa.array(np.array([t[0] for t in TITLE_TYPES], dtype=object)[type_idx], pa.string())
    is_movie = type_idx == 2
    tconst = _ids(first, n)

    primary = _titles(rng, n, words)
    foreign = rng.random(n) < 0.25
    original = pc.if_else(pa.array(foreign), _titles(rng, n, words), primary)
    adult = (rng.random(n) < 0.012).astype(np.int8)
    # Years skew recent; a few titles have none.
    year = (2026 - np.minimum(rng.exponential(22, n), 132)).astype(np.int32)
    year_ok = rng.random(n) > 0.08
    series = np.isin(type_idx, (4, 6))
    end_year = np.minimum(year + rng.integers(0, 12, n), 2026)
    runtime = np.clip(rng.normal(np.where(is_movie, 95, 30), np.where(is_movie, 22, 15)), 1, 900)
    runtime_ok = rng.random(n) > np.where(is_movie, 0.2, 0.5)

    genre_w = [g[1] for g in GENRES]
    n_genres = rng.choice(4, size=n, p=[0.07, 0.45, 0.28, 0.20])
    g = np.stack([_pick(rng, n, genre_w) for _ in range(3)], axis=1)
    genre_names = pa.array([x[0] for x in GENRES])
    # A title lists a genre once: later picks equal to an earlier one are dropped.
    keep = np.stack(
        [
            n_genres > 0,
            (n_genres > 1) & (g[:, 1] != g[:, 0]),
            (n_genres > 2) & (g[:, 2] != g[:, 0]) & (g[:, 2] != g[:, 1]),
        ],
        axis=1,
    )
    genre_parts = [
        pc.if_else(
            pa.array(keep[:, k]), genre_names.take(pa.array(g[:, k])), pa.nulls(n, pa.string())
        )
        for k in range(3)
    ]
    genres = _join_present(genre_parts, ",")
    genres = pc.if_else(pa.array(n_genres == 0), pa.nulls(n, pa.string()), genres)

    basics = _lines(
        [
            tconst,
            types,
            primary,
            original,
            _str(adult),
            _str(year, year_ok),
            _str(end_year, series & year_ok),
            _str(runtime.astype(np.int32), runtime_ok),
            genres,
        ]
    )

    # Ratings: heavy-tailed votes (a few titles with millions), rating nudged by genre.
    rated = rng.random(n) < np.array([t[2] for t in TITLE_TYPES])[type_idx]
    r_idx = np.flatnonzero(rated)
    votes = np.minimum(5 + (rng.pareto(0.85, r_idx.size) * 12).astype(np.int64), 3_000_000)
    offset = np.array([x[2] for x in GENRES])[g[r_idx, 0]] * (n_genres[r_idx] > 0)
    rating = np.clip(np.round(rng.normal(6.2 + offset + 0.15 * np.log10(votes), 1.1), 1), 1.0, 10.0)
    ratings = _lines(
        [tconst.take(pa.array(r_idx)), pa.array([f"{r:.1f}" for r in rating]), _str(votes)]
    )

    # Akas: more for popular titles; the first is the original title (no region), the rest
    # regional titles, many equal to the primary title, as in the real dump.
    mean_akas = np.array([t[3] for t in TITLE_TYPES])[type_idx]
    popularity = np.zeros(n)
    popularity[r_idx] = np.log10(votes)
    lam = np.maximum(mean_akas * (0.75 + 0.45 * popularity), 0.2)
    counts = 1 + rng.poisson(lam)
    owner = np.repeat(np.arange(n), counts)
    m = owner.size
    start = np.cumsum(counts) - counts
    ordering = np.arange(m) - np.repeat(start, counts) + 1
    is_first = ordering == 1
    home = rng.integers(0, len(REGIONS), n)
    region_idx = np.where(
        rng.random(m) < 0.3, home[owner], _pick(rng, m, np.geomspace(40, 1, len(REGIONS)))
    )
    regions = pa.array(np.array(REGIONS, dtype=object)[region_idx], pa.string())
    regions = pc.if_else(pa.array(is_first), pa.nulls(m, pa.string()), regions)
    lang_ok = (~is_first) & (rng.random(m) < 0.15)
    languages = pc.if_else(
        pa.array(lang_ok),
        pa.array(
            np.array(LANGUAGES, dtype=object)[rng.integers(0, len(LANGUAGES), m)], pa.string()
        ),
        pa.nulls(m, pa.string()),
    )
    kind = rng.random(m)
    own = pa.array(owner)
    aka_title = pc.if_else(
        pa.array(is_first),
        original.take(own),
        pc.if_else(pa.array(kind < 0.55), primary.take(own), _titles(rng, m, words)),
    )
    types_col = pc.if_else(
        pa.array(is_first),
        pa.array(["original"] * m, pa.string()),
        pc.if_else(
            pa.array(kind < 0.1),
            pa.array(["imdbDisplay"] * m, pa.string()),
            pa.nulls(m, pa.string()),
        ),
    )
    akas = _lines(
        [
            tconst.take(own),
            _str(ordering),
            aka_title,
            regions,
            languages,
            types_col,
            pc.if_else(
                pa.array(kind > 0.97),
                pa.array(["literal title"] * m, pa.string()),
                pa.nulls(m, pa.string()),
            ),
            _str(is_first.astype(np.int8)),
        ]
    )
    return (
        _malformed(basics, rng, malformed),
        _malformed(ratings, rng, malformed),
        _malformed(akas, rng, malformed),
    )


BASICS_HEADER = (
    "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\t"
    "runtimeMinutes\tgenres\n"
)
RATINGS_HEADER = "tconst\taverageRating\tnumVotes\n"
AKAS_HEADER = "titleId\tordering\ttitle\tregion\tlanguage\ttypes\tattributes\tisOriginalTitle\n"


def generate(
    out: Path,
    scale: float = 1.0,
    seed: int = 7,
    malformed_per_chunk: int = 1,
    compresslevel: int = 1,
    log: IO[str] | None = None,
) -> dict[str, int]:
    """Write the three files into `out`; return the number of data lines written to each."""
    out.mkdir(parents=True, exist_ok=True)
    total = max(1, int(FULL_TITLES * scale))
    chunk = min(CHUNK_TITLES, total)
    rng = np.random.default_rng(seed)
    words = pa.array(_WORDS, pa.string())
    names = ("title.basics.tsv.gz", "title.ratings.tsv.gz", "title.akas.tsv.gz")
    headers = (BASICS_HEADER, RATINGS_HEADER, AKAS_HEADER)
    lines = dict.fromkeys(names, 0)
    partial = [out / (name + ".part") for name in names]
    handles = [gzip.open(p, "wb", compresslevel=compresslevel) for p in partial]  # noqa: SIM115
    started = time.perf_counter()
    try:
        for handle, header in zip(handles, headers, strict=True):
            handle.write(header.encode())
        for first in range(0, total, chunk):
            n = min(chunk, total - first)
            parts = generate_chunk(rng, first + 1, n, words, malformed_per_chunk)
            for name, handle, data in zip(names, handles, parts, strict=True):
                handle.write(data)
                lines[name] += data.count(b"\n")
            if log is not None:
                log.write(
                    f"\r{first + n:,}/{total:,} titles, {lines[names[2]]:,} akas "
                    f"({time.perf_counter() - started:.0f} s)"
                )
                log.flush()
    finally:
        for handle in handles:
            handle.close()
    for p, name in zip(partial, names, strict=True):
        p.replace(out / name)
    if log is not None:
        log.write("\n")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the three files")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = full IMDb size (default)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--compresslevel", type=int, default=1, choices=range(1, 10))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    lines = generate(
        args.out,
        args.scale,
        args.seed,
        compresslevel=args.compresslevel,
        log=sys.stderr if sys.stderr.isatty() else None,
    )
    for name, count in lines.items():
        print(f"{args.out / name}: {count:,} rows")
    print(f"generated in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
