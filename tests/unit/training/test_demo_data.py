import gzip
from pathlib import Path

import pytest

from training.demo_data import (
    BASICS,
    RATINGS,
    DemoMovie,
    akas_lines,
    basics_lines,
    demo_movies,
    imdb_title,
    write_demo_data,
)


@pytest.mark.parametrize(
    ("written", "imdb"),
    [
        ("Matrix, The", "The Matrix"),
        ("Good, the Bad and the Ugly, The", "The Good, the Bad and the Ugly"),
        ("Avventura, L'", "L'Avventura"),
        ("Boot, Das", "Das Boot"),
        ("Heat", "Heat"),
        ("Sex, Lies, and Videotape", "Sex, Lies, and Videotape"),
        ("I, Robot", "I, Robot"),
    ],
)
def test_imdb_title_moves_a_trailing_article_to_the_front(written: str, imdb: str) -> None:
    assert imdb_title(written) == imdb


def _read(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle]


def test_files_follow_imdbs_layout_and_nulls(tmp_path: Path) -> None:
    movies = [
        DemoMovie("dm0000001", "The Matrix", 1999, 136, ("Action",), 8.7, 2100),
        DemoMovie("dm0000002", "A Short", None, 7, ("Animation", "Short"), 6.0, 12),
        DemoMovie("dm0000003", "No Genre", 1950, None, (), 5.5, 30),
    ]
    write_demo_data(tmp_path, movies)
    basics = _read(tmp_path / BASICS)
    assert basics[0][:3] == ["tconst", "titleType", "primaryTitle"]
    assert basics[1] == [
        "dm0000001",
        "movie",
        "The Matrix",
        "The Matrix",
        "0",
        "1999",
        "\\N",
        "136",
        "Action",
    ]
    assert basics[2][1] == "short" and basics[2][5] == "\\N"
    assert basics[3][7] == "\\N" and basics[3][8] == "\\N"
    assert _read(tmp_path / RATINGS)[1] == ["dm0000001", "8.7", "2100"]
    assert not list(tmp_path.glob(".tmp-*")), "staging directory left behind"


def test_titles_never_carry_tabs_or_newlines() -> None:
    movie = DemoMovie("dm0000009", "Two\tlines\nhere", 2000, 90, (), 7.0, 10)
    basics = list(basics_lines([movie]))
    akas = list(akas_lines([movie]))
    assert len(basics) == 2 and basics[1].split("\t")[2] == "Two lines here"
    assert all(line.count("\t") == 8 for line in basics)
    assert all(line.count("\t") == 7 for line in akas)


def test_the_packaged_dataset_converts_with_demo_ids() -> None:
    movies = demo_movies()
    assert len(movies) == 58_788
    assert all(m.tconst.startswith("dm") and len(m.tconst) == 9 for m in movies)
    assert len({m.tconst for m in movies}) == len(movies)
    matrix = [m for m in movies if m.title == "The Matrix" and m.year == 1999]
    assert len(matrix) == 1 and "Action" in matrix[0].genres
    assert not any("\t" in m.title or "\n" in m.title for m in movies)
