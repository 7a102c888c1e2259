"""Readers for IMDb's dataset files (title.basics, title.ratings, title.akas; .tsv or .tsv.gz).

IMDb's layout: tab-separated, a header line, `\\N` for null, quotes never escaped (a title may
hold a lone `"`), so quoting is disabled. The files are large (title.akas is ~55M rows), so:
only the needed columns are read, with Arrow's streaming CSV reader, one block at a time, and
each block is filtered at once (basics to rated catalogue titles, akas to the selected movies)
before the next is read. Rows with the wrong number of fields are counted and skipped.
Every problem with a file becomes a `DataError` whose message names the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from training.progress import QUIET, Progress

BASICS = "title.basics"
RATINGS = "title.ratings"
AKAS = "title.akas"
NULL = "\\N"
BLOCK_SIZE = 32 << 20  # bytes of text per parsed block: big blocks keep per-block costs small

BASICS_COLUMNS = (
    "tconst",
    "titleType",
    "primaryTitle",
    "originalTitle",
    "isAdult",
    "startYear",
    "runtimeMinutes",
    "genres",
)
RATINGS_COLUMNS = ("tconst", "averageRating", "numVotes")
AKAS_COLUMNS = ("titleId", "title", "region", "language", "types", "attributes")


class DataError(Exception):
    """An input file is missing, unreadable or holds nothing usable (one line, names the file)."""


@dataclass(frozen=True)
class ReadStats:
    path: Path
    rows: int  # data rows parsed
    kept: int  # rows kept after filtering
    malformed: int  # rows skipped: wrong number of fields or unparseable values


def find_file(data_dir: Path, name: str) -> Path:
    """`DIR/name.tsv.gz`, else `DIR/name.tsv`."""
    data_dir = Path(data_dir)
    for candidate in (data_dir / f"{name}.tsv.gz", data_dir / f"{name}.tsv"):
        if candidate.is_file():
            return candidate
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: data directory not found")
    raise DataError(f"{data_dir / name}.tsv.gz: missing (nor is there {name}.tsv)")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "zlib" in text or "compressed" in text.lower() or "gzip" in text.lower():
        return f"truncated or corrupt gzip ({text})"
    return text


def stream_table(
    path: Path,
    columns: Iterable[str],
    keep: Callable[[pa.RecordBatch], pa.RecordBatch] | None = None,
    progress: Progress = QUIET,
) -> tuple[pa.Table, ReadStats]:
    """Read `columns` of a TSV (all as strings; `\\N` -> null), passing each block through
    `keep` (a filter) so that only what survives is held in memory."""
    columns = list(columns)
    malformed = 0

    def skip(_row: object) -> str:
        nonlocal malformed
        malformed += 1
        return "skip"

    parse = pacsv.ParseOptions(
        delimiter="\t", quote_char=False, escape_char=False, invalid_row_handler=skip
    )
    convert = pacsv.ConvertOptions(
        include_columns=columns,
        column_types=dict.fromkeys(columns, pa.string()),
        null_values=[NULL],
        strings_can_be_null=True,
    )
    read = pacsv.ReadOptions(block_size=BLOCK_SIZE, use_threads=True)
    rows = 0
    kept: list[pa.RecordBatch] = []
    try:
        size = path.stat().st_size
        raw = pa.OSFile(str(path), "rb")
    except OSError as exc:
        raise DataError(f"{path}: cannot open ({exc.strerror or exc})") from None
    try:
        stream = pa.CompressedInputStream(raw, "gzip") if path.suffix == ".gz" else raw
        reader = pacsv.open_csv(
            stream, read_options=read, parse_options=parse, convert_options=convert
        )
        for batch in reader:
            rows += batch.num_rows
            batch = keep(batch) if keep is not None else batch
            if batch.num_rows:
                kept.append(batch)
            progress.update(f"{rows:,} rows, {100 * raw.tell() / max(size, 1):.0f}%")
    except KeyError as exc:  # pyarrow.ArrowKeyError: a requested column is not in the header
        raise DataError(f"{path}: missing column ({_describe(exc)})") from None
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        if "Empty CSV file" in str(exc):
            raise DataError(f"{path}: empty file (expected a header line)") from None
        raise DataError(f"{path}: unreadable: {_describe(exc)}") from None
    finally:
        raw.close()
    schema = pa.schema([(name, pa.string()) for name in columns])
    if keep is not None:  # `keep` may also reshape a block: its output has the table's schema
        schema = keep(pa.RecordBatch.from_pylist([], schema=schema)).schema
    table = pa.Table.from_batches(kept, schema=schema) if kept else schema.empty_table()
    return table, ReadStats(path=path, rows=rows, kept=table.num_rows, malformed=malformed)


class IdSet:
    """Fast membership of title ids in a fixed set, for filtering millions of rows a block at a
    time. IMDb ids are two letters and digits (tt0133093; the demo catalogue's dm0000001), so
    the set is a bitmap over the numbers: a block is tested with one vectorised gather, where
    Arrow's is_in would rebuild a hash table of the whole set for every block (15 s of CPU for
    title.akas). Ids of any other shape fall back to is_in."""

    def __init__(self, ids: pa.Array) -> None:
        ids = pc.drop_null(ids)
        self._ids = ids
        self._prefix: str | None = None
        prefixes = pc.unique(pc.utf8_slice_codeunits(ids, 0, 2)).to_pylist()
        digits = pc.utf8_slice_codeunits(ids, 2)
        if len(prefixes) == 1 and len(ids) and pc.all(pc.utf8_is_digit(digits)).as_py():
            numbers = pc.cast(digits, pa.int64()).to_numpy()
            if numbers.max() < 1 << 31:
                self._prefix = prefixes[0]
                self._bitmap = np.zeros(int(numbers.max()) + 1, dtype=bool)
                self._bitmap[numbers] = True

    def __len__(self) -> int:
        return len(self._ids)

    def contains(self, column: pa.Array) -> pa.Array:
        if self._prefix is None:
            return pc.fill_null(pc.is_in(column, value_set=self._ids), False)
        digits = pc.utf8_slice_codeunits(column, 2)
        shaped = pc.fill_null(
            pc.and_(pc.starts_with(column, self._prefix), pc.utf8_is_digit(digits)), False
        )
        numbers = pc.cast(pc.if_else(shaped, digits, "0"), pa.int64()).to_numpy(
            zero_copy_only=False
        )
        inside = numbers < len(self._bitmap)
        hit = np.zeros(len(numbers), dtype=bool)
        hit[inside] = self._bitmap[numbers[inside]]
        return pa.array(hit & shaped.to_numpy(zero_copy_only=False))


def _numbers(values: pa.ChunkedArray, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse strings to numbers; returns (numbers as float, mask of present-but-unparseable)."""
    series = values.to_pandas()
    parsed = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
    bad = np.isnan(parsed) & series.notna().to_numpy()
    return parsed.astype(dtype), bad


def read_ratings(
    path: Path, min_votes: int = 0, progress: Progress = QUIET
) -> tuple[pd.DataFrame, ReadStats]:
    """tconst, rating (float32), votes (int32) of titles with at least `min_votes` votes."""
    progress.start(f"reading {path.name}")
    table, stats = stream_table(path, RATINGS_COLUMNS, progress=progress)
    rating, bad_rating = _numbers(table["averageRating"], "float32")
    votes, bad_votes = _numbers(table["numVotes"], "float64")
    ok = ~(np.isnan(rating) | np.isnan(votes)) & (
        table["tconst"].is_valid().to_numpy(zero_copy_only=False)
    )
    malformed = int((bad_rating | bad_votes).sum())
    ok &= votes >= min_votes
    frame = pd.DataFrame(
        {
            "tconst": table["tconst"].filter(pa.array(ok)).to_pandas(),
            "rating": rating[ok],
            "votes": votes[ok].astype("int32"),
        }
    )
    progress.done(f"{len(frame):,} of {stats.rows:,} rated titles kept")
    return frame, ReadStats(path, stats.rows, len(frame), stats.malformed + malformed)


def read_basics(
    path: Path,
    rated: IdSet,
    title_types: Iterable[str] = ("movie",),
    progress: Progress = QUIET,
) -> tuple[pd.DataFrame, ReadStats]:
    """The catalogue titles of `title_types` that are not adult and are among `rated` (tconsts).

    Filtering happens block by block, so of ~12M basics rows only the ~0.7M movies are held."""
    types = pa.array(list(title_types), pa.string())
    progress.start(f"reading {path.name}")

    def keep(batch: pa.RecordBatch) -> pa.RecordBatch:
        mask = pc.and_(
            pc.fill_null(pc.is_in(batch.column("titleType"), value_set=types), False),
            rated.contains(batch.column("tconst")),
        )
        return batch.filter(mask)

    table, stats = stream_table(path, BASICS_COLUMNS, keep, progress)
    adult = table["isAdult"].to_pandas()
    bad_adult = ~adult.isin(["0", "1"]).to_numpy()
    year, bad_year = _numbers(table["startYear"], "float32")
    runtime, bad_runtime = _numbers(table["runtimeMinutes"], "float32")
    # A title that is adult, or whose flags or numbers do not parse, is not kept.
    bad = bad_adult | bad_year | bad_runtime
    ok = ~bad & (adult == "0").to_numpy()
    mask = pa.array(ok)
    frame = pd.DataFrame(
        {
            "tconst": table["tconst"].filter(mask).to_pandas(),
            "title": table["primaryTitle"].filter(mask).to_pandas(),
            "original_title": table["originalTitle"].filter(mask).to_pandas(),
            "year": year[ok],
            "runtime": runtime[ok],
            "genres": table["genres"].filter(mask).fill_null("").to_pandas(),
        }
    )
    frame = frame[frame["title"].notna() & frame["tconst"].notna()]
    frame["original_title"] = frame["original_title"].fillna(frame["title"])
    progress.done(f"{len(frame):,} catalogue titles of {stats.rows:,}")
    return frame.reset_index(drop=True), ReadStats(
        path, stats.rows, len(frame), stats.malformed + int(bad.sum())
    )


def read_akas(path: Path, tconsts: IdSet, progress: Progress = QUIET) -> tuple[pa.Table, ReadStats]:
    """tconst, title, region, language of the akas rows of the selected titles only, and, as
    booleans, whether each row's `types` (typed) and `attributes` (annotated) are set: what
    `training.origins` needs of those two columns, at a bit per row instead of a string."""
    progress.start(f"reading {path.name}")

    def keep(batch: pa.RecordBatch) -> pa.RecordBatch:
        batch = batch.filter(tconsts.contains(batch.column("titleId")))
        return pa.RecordBatch.from_arrays(
            [
                *(batch.column(name) for name in ("titleId", "title", "region", "language")),
                pc.is_valid(batch.column("types")),
                pc.is_valid(batch.column("attributes")),
            ],
            names=["tconst", "title", "region", "language", "typed", "annotated"],
        )

    table, stats = stream_table(path, AKAS_COLUMNS, keep, progress)
    progress.done(f"{table.num_rows:,} rows of the catalogue's titles among {stats.rows:,}")
    return table, stats
