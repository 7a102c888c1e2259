"""The IMDb readers on small files written here: layout oddities, filtering, and bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pytest

from tests.fixtures.imdb_files import (
    AKAS,
    AKAS_HEADER,
    BASICS,
    BASICS_HEADER,
    RATINGS,
    RATINGS_HEADER,
    aka,
    movie,
    write_imdb,
    write_tsv,
)
from training import imdb


@pytest.mark.parametrize("suffix", [".tsv.gz", ".tsv"])
def test_find_file_prefers_gz_and_accepts_plain_tsv(tmp_path: Path, suffix: str) -> None:
    write_imdb(tmp_path, suffix=suffix)
    assert imdb.find_file(tmp_path, imdb.BASICS) == tmp_path / f"title.basics{suffix}"


def test_find_file_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(imdb.DataError) as error:
        imdb.find_file(tmp_path, imdb.AKAS)
    message = str(error.value)
    assert str(tmp_path / "title.akas.tsv.gz") in message
    assert "missing" in message
    assert "\n" not in message


def test_find_file_names_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(imdb.DataError, match="data directory not found"):
        imdb.find_file(tmp_path / "nope", imdb.BASICS)


def test_ratings_keep_min_votes_and_parse_numbers(tmp_path: Path) -> None:
    path = write_tsv(tmp_path / "title.ratings.tsv", RATINGS_HEADER, RATINGS)
    frame, stats = imdb.read_ratings(path, min_votes=1000)
    assert stats.rows == len(RATINGS)
    assert set(frame["tconst"]) == {"tt0000001", "tt0000002", "tt0000003", "tt0000004",
                                    "tt0000010", "tt0000011", "tt0000012"}  # fmt: skip
    godfather = frame.set_index("tconst").loc["tt0000011"]
    assert godfather["votes"] == 2_100_000
    assert godfather["rating"] == pytest.approx(9.2)
    assert str(frame["votes"].dtype) == "int32"
    assert str(frame["rating"].dtype) == "float32"


def test_basics_keep_rated_movies_not_adult_and_keep_lone_quotes(tmp_path: Path) -> None:
    path = write_tsv(tmp_path / "title.basics.tsv.gz", BASICS_HEADER, BASICS)
    rated = imdb.IdSet(pa.array([row[0] for row in RATINGS], pa.string()))
    frame, stats = imdb.read_basics(path, rated)
    assert stats.rows == len(BASICS)
    # tvMovie, tvEpisode, the adult film and the unrated movie are left out.
    kept = ["tt0000001", "tt0000002", "tt0000003", "tt0000004", "tt0000005", "tt0000010",
            "tt0000011", "tt0000012"]  # fmt: skip
    assert list(frame["tconst"]) == kept
    by_id = frame.set_index("tconst")
    assert by_id.loc["tt0000001", "title"] == 'The "Crocodile'  # quoting disabled
    assert by_id.loc["tt0000002", "original_title"] == "Le fabuleux destin d'Amélie Poulain"
    assert by_id.loc["tt0000005", "genres"] == ""
    assert pd_isna(by_id.loc["tt0000005", "year"]) and pd_isna(by_id.loc["tt0000005", "runtime"])
    assert by_id.loc["tt0000003", "runtime"] == 207


def pd_isna(value: object) -> bool:
    return value != value  # NaN is the only value unequal to itself


def test_basics_title_types_are_a_parameter(tmp_path: Path) -> None:
    path = write_tsv(tmp_path / "title.basics.tsv", BASICS_HEADER, BASICS)
    rated = imdb.IdSet(pa.array([row[0] for row in RATINGS], pa.string()))
    frame, _ = imdb.read_basics(path, rated, title_types=("movie", "tvMovie"))
    assert "tt0000007" in set(frame["tconst"])


def test_malformed_rows_are_counted_and_skipped(tmp_path: Path) -> None:
    rows = [
        *BASICS[:3],
        ("tt0000090", "movie", "Too few fields"),  # a line cut short
        (*movie("tt0000091", "Too many", 2000, "Drama"), "extra"),
        movie("tt0000092", "Bad adult flag", 2000, "Drama", adult="2014"),
        ("tt0000093", "movie", "Bad year", "Bad year", "0", "19x9", None, "90", "Drama"),
    ]
    path = write_tsv(tmp_path / "title.basics.tsv.gz", BASICS_HEADER, rows)
    rated = imdb.IdSet(pa.array(["tt0000001", "tt0000002", "tt0000003", "tt0000090",
                                 "tt0000091", "tt0000092", "tt0000093"], pa.string()))  # fmt: skip
    frame, stats = imdb.read_basics(path, rated)
    assert list(frame["tconst"]) == ["tt0000001", "tt0000002", "tt0000003"]
    assert stats.malformed == 4


def test_malformed_ratings_are_counted(tmp_path: Path) -> None:
    rows = [("tt0000001", "7.1", "100"), ("tt0000002", "seven", "100"), ("tt0000003", "7.0")]
    path = write_tsv(tmp_path / "title.ratings.tsv", RATINGS_HEADER, rows)
    frame, stats = imdb.read_ratings(path)
    assert list(frame["tconst"]) == ["tt0000001"]
    assert stats.malformed == 2


def test_akas_keep_only_the_selected_titles(tmp_path: Path) -> None:
    path = write_tsv(tmp_path / "title.akas.tsv.gz", AKAS_HEADER, AKAS)
    table, stats = imdb.read_akas(
        path, imdb.IdSet(pa.array(["tt0000002", "tt0000011"], pa.string()))
    )
    assert stats.rows == len(AKAS)
    assert table.column_names == ["tconst", "title", "region", "language", "typed", "annotated"]
    assert set(table["tconst"].to_pylist()) == {"tt0000002", "tt0000011"}
    assert table.num_rows == 6
    assert None in table["region"].to_pylist()  # \N is null


def test_akas_are_read_block_by_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many blocks (tiny block size) give the same rows as one: the filter is per block."""
    rows = [aka(f"tt{i:07d}", 1, f"Title {i}", "US") for i in range(5000)]
    path = write_tsv(tmp_path / "title.akas.tsv.gz", AKAS_HEADER, rows)
    wanted = imdb.IdSet(pa.array([f"tt{i:07d}" for i in range(0, 5000, 7)], pa.string()))
    whole, _ = imdb.read_akas(path, wanted)
    monkeypatch.setattr(imdb, "BLOCK_SIZE", 4096)
    blocks, stats = imdb.read_akas(path, wanted)
    assert stats.rows == 5000
    assert blocks.num_rows == whole.num_rows == len(wanted)
    assert blocks["tconst"].to_pylist() == whole["tconst"].to_pylist()


def test_truncated_gzip_is_one_clear_line(tmp_path: Path) -> None:
    rows = [aka(f"tt{i:07d}", 1, f"Title {i}", "US") for i in range(20000)]
    path = write_tsv(tmp_path / "title.akas.tsv.gz", AKAS_HEADER, rows)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(imdb.DataError) as error:
        imdb.read_akas(path, imdb.IdSet(pa.array(["tt0000001"], pa.string())))
    message = str(error.value)
    assert message.startswith(str(path))
    assert "truncated or corrupt gzip" in message
    assert "\n" not in message


def test_a_plain_file_named_gz_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "title.ratings.tsv.gz"
    path.write_text("tconst\taverageRating\tnumVotes\ntt0000001\t7.0\t10\n")
    with pytest.raises(imdb.DataError, match="corrupt gzip"):
        imdb.read_ratings(path)


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    path = write_tsv(tmp_path / "title.ratings.tsv", ("tconst", "averageRating"), [("tt1", "7")])
    with pytest.raises(imdb.DataError) as error:
        imdb.read_ratings(path)
    assert str(path) in str(error.value)
    assert "numVotes" in str(error.value)


def test_empty_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "title.ratings.tsv.gz"
    with gzip.open(path, "wb"):
        pass
    with pytest.raises(imdb.DataError, match="empty file"):
        imdb.read_ratings(path)


@pytest.mark.parametrize(
    "members",
    [
        ["tt0000002", "tt0133093", "tt10838180"],  # IMDb ids: a bitmap over the numbers
        ["dm0000001", "dm0000042"],  # the demo catalogue's ids
        ["x-1", "tt0000002"],  # anything else: a hash set
    ],
)
def test_id_set_membership(members: list[str]) -> None:
    ids = imdb.IdSet(pa.array(members, pa.string()))
    probe = [*members, "tt0000003", "tt99999999999", "dm0000002", "tt12ab", "", None, "t", "x-2"]
    got = ids.contains(pa.array(probe, pa.string())).to_pylist()
    assert got == [value in members for value in probe]
