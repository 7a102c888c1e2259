"""The model artifact contract, and a reader that needs only the standard library.

A model directory holds:
  movies.csv.gz   tconst,title,original_title,year,runtime,genres,rating,votes,cluster,
                  countries,languages,pc1..pcN
                  (genres comma-joined as IMDb writes them; year/runtime empty when unknown;
                  countries/languages of origin comma-joined codes, empty when unknown, and
                  optional: artifacts of older trainings lack them; pc1..pcN are the reduced
                  coordinates, named in the manifest's coordinates)
  akas.csv.gz     tconst,title: distinct alternate titles worth matching on
  title-index.npz the title index over those titles (`bot.core.matching.TitleIndex.to_bytes`), built
                  by training, which has the time for it; optional: the loader builds it from the
                  two files above when it is missing or of another format
  manifest.json   version, created_at, counts, k, features, coordinates, centres (optional),
                  library versions, metrics
                  (typed and checked by `bot.core.manifest.Manifest`)
  report/         metrics.json, PNG plots, report.md
  pipeline.joblib the fitted pipeline (only training reads it)
The loader Lambda has no pandas, so nothing here may need it.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from bot.core.manifest import MANIFEST_FILE, ArtifactError, Manifest
from bot.core.models import Movie

MOVIES_FILE = "movies.csv.gz"
AKAS_FILE = "akas.csv.gz"
TITLE_INDEX_FILE = "title-index.npz"
REPORT_DIR = "report"
PIPELINE_FILE = "pipeline.joblib"
MOVIE_COLUMNS = (
    "tconst",
    "title",
    "original_title",
    "year",
    "runtime",
    "genres",
    "rating",
    "votes",
    "cluster",
)
# Optional columns: an artifact without them loads, its movies' fields left empty.
OPTIONAL_MOVIE_COLUMNS = ("countries", "languages")
AKA_COLUMNS = ("tconst", "title")
COORD_PREFIX = "pc"
# What of report/ travels with a model version to the admin: the text and the plots. Each file
# must fit one DynamoDB item (400 KB); a larger one stays in the artifact only.
REPORT_SUFFIXES = (".md", ".json", ".png")
REPORT_FILE_MAX_BYTES = 350_000

# CSV fields of long titles can exceed the csv module's default limit.
csv.field_size_limit(1 << 20)


def read_manifest(model_dir: Path) -> Manifest:
    path = Path(model_dir) / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: missing (is this a model directory?)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path}: not valid JSON ({exc})") from None
    return Manifest.from_dict(data, source=str(path))


def coordinate_columns(header: list[str]) -> list[str]:
    return [name for name in header if name.startswith(COORD_PREFIX) and name[2:].isdigit()]


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, list[str], list[str]]]:
    """(line number, fields, header) per data row; rows are lists, read by column position
    (a dict per row costs more than the rest of the parse at full scale)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            missing = [name for name in required if name not in header]
            if missing:
                raise ArtifactError(f"{path}: missing columns {', '.join(missing)}")
            for row in reader:
                yield reader.line_num, row, header
    except FileNotFoundError:
        raise ArtifactError(f"{path}: missing") from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ArtifactError(f"{path}: unreadable gzip ({exc})") from None


def _opt_int(text: str) -> int | None:
    return int(float(text)) if text else None


def iter_movies(model_dir: Path) -> Iterator[Movie]:
    path = Path(model_dir) / MOVIES_FILE
    columns: list[int] | None = None
    optional: list[int | None] = []
    coords: list[int] = []
    # Few distinct combinations ("US", "FR,BE") across 700k movies: one shared tuple each.
    codes: dict[str, tuple[str, ...]] = {}

    def _codes(text: str) -> tuple[str, ...]:
        found = codes.get(text)
        if found is None:
            found = codes[text] = tuple(code for code in text.split(",") if code)
        return found

    for line, row, header in _rows(path, MOVIE_COLUMNS):
        if columns is None:
            columns = [header.index(name) for name in MOVIE_COLUMNS]
            optional = [
                header.index(name) if name in header else None for name in OPTIONAL_MOVIE_COLUMNS
            ]
            coords = [header.index(name) for name in coordinate_columns(header)]
        try:
            if len(row) != len(header):
                raise ValueError(f"{len(row)} fields, the header has {len(header)}")
            tconst, title, original, year, runtime, genres, rating, votes, cluster = (
                row[i] for i in columns
            )
            countries, languages = ("" if i is None else row[i] for i in optional)
            yield Movie(
                tconst=tconst,
                title=title,
                original_title=original or title,
                year=_opt_int(year),
                runtime=_opt_int(runtime),
                genres=tuple(g for g in genres.split(",") if g),
                rating=float(rating),
                votes=int(float(votes)),
                cluster=int(cluster),
                coords=tuple(float(row[i]) for i in coords),
                countries=_codes(countries),
                languages=_codes(languages),
            )
        except (TypeError, ValueError) as exc:
            raise ArtifactError(f"{path}: line {line}: malformed row ({exc})") from None


def iter_akas(model_dir: Path) -> Iterator[tuple[str, str]]:
    path = Path(model_dir) / AKAS_FILE
    columns: tuple[int, int] | None = None
    for _line, row, header in _rows(path, AKA_COLUMNS):
        if columns is None:
            columns = (header.index("tconst"), header.index("title"))
        if len(row) == len(header) and row[columns[0]] and row[columns[1]]:
            yield row[columns[0]], row[columns[1]]


def report_files(model_dir: Path) -> dict[str, bytes]:
    """report/'s text and plots by file name (empty when the artifact has no report)."""
    folder = Path(model_dir) / REPORT_DIR
    if not folder.is_dir():
        return {}
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.is_file()
        and path.suffix in REPORT_SUFFIXES
        and path.stat().st_size <= REPORT_FILE_MAX_BYTES
    }
