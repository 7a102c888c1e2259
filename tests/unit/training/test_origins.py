"""Countries and languages of origin from the akas (training/origins.py): the proxy's rules on
small hand-made akas, read through the same reader as real files, malformed rows included."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tests.fixtures.imdb_files import AKAS_HEADER, Row, write_tsv
from training import imdb
from training.origins import origins

MOVIES = {  # tconst -> original title
    "tt0000001": "La mélodie",
    "tt0000002": "Coco",
    "tt0000003": "Wonder Woman",
    "tt0000004": "Hindi Medium",
    "tt0000005": "Okja",
    "tt0000006": "Le jeune Karl Marx",
    "tt0000007": "Nelyubov",
    "tt0000008": "Dunkirk",
    "tt0000009": "A Ciambra",
}


def row(
    tconst: str,
    title: str,
    region: str | None,
    language: str | None = None,
    types: str | None = None,
    attributes: str | None = None,
) -> Row:
    return (tconst, "1", title, region, language, types, attributes, "0")


AKAS: list[Row] = [
    # Plain in France, shown abroad under the same title: France.
    ("tt0000001", "1", "La mélodie", None, None, "original", None, "1"),
    row("tt0000001", "La Mélodie", "FR"),
    row("tt0000001", "La mélodie", "DE", types="imdbDisplay"),
    row("tt0000001", "La Melodie", "XWW", "en", "imdbDisplay"),
    row("tt0000001", "La mélodie", "UY", attributes="original subtitled version"),
    # Plain in the US and in Greece: English-speaking regions win.
    row("tt0000002", "Coco", "US"),
    row("tt0000002", "Coco", "GR"),
    row("tt0000002", "Coco", "FR", types="imdbDisplay"),
    # Shown in three English-speaking regions (display titles), plainly in Hong Kong: English.
    row("tt0000003", "Wonder Woman", "US", types="imdbDisplay"),
    row("tt0000003", "Wonder Woman", "GB", types="imdbDisplay"),
    row("tt0000003", "Wonder Woman", "NZ", "en", "imdbDisplay"),
    row("tt0000003", "Wonder Woman", "HK"),
    row("tt0000003", "Mujer Maravilla", "MX", types="imdbDisplay"),
    # India, no language named: Hindi, India's principal language (so "Bollywood").
    row("tt0000004", "Hindi Medium", "IN"),
    row("tt0000004", "Хинди школа", "RU"),
    # Plain in Korea; display titles in Spain and Chile do not count.
    row("tt0000005", "Okja", "KR"),
    row("tt0000005", "Okja", "ES", types="imdbDisplay"),
    row("tt0000005", "Okja", "CL", types="imdbDisplay"),
    # Plain in France; a French-Canadian display row does not add Canada.
    row("tt0000006", "Le jeune Karl Marx", "FR"),
    row("tt0000006", "Le jeune Karl Marx", "CA", "fr", "imdbDisplay"),
    row("tt0000006", "The Young Karl Marx", "US", types="imdbDisplay"),
    # Only transliterations and translations: unknown.
    row("tt0000007", "Нелюбовь", "RU"),
    row("tt0000007", "Loveless", "XWW", "en", "imdbDisplay"),
    # Only display rows: the English-speaking ones, US first.
    row("tt0000008", "Dunkirk", "GB", "en", "imdbDisplay"),
    row("tt0000008", "Dunkirk", "DE", types="imdbDisplay"),
    row("tt0000008", "Dunkirk", "US", "en", "imdbDisplay"),
    row("tt0000008", "Dunkirk", "IL", "he", "imdbDisplay"),
    # Two English-speaking display rows are not enough to make it English: Italy, plainly.
    row("tt0000009", "A Ciambra", "IT"),
    row("tt0000009", "A Ciambra", "GB", types="imdbDisplay"),
    row("tt0000009", "A Ciambra", "IE", types="imdbDisplay"),
    # A movie outside the catalogue, and malformed lines (too few or too many fields).
    row("tt0000099", "Elsewhere", "FR"),
    ("tt0000001", "1", "La mélodie", "IT"),
    ("tt0000005", "1", "Okja", "JP", None, None, None, "0", "extra"),
]


def derive(tmp_path: Path, akas: list[Row], movies: dict[str, str]) -> dict[str, tuple[str, str]]:
    path = write_tsv(tmp_path / "title.akas.tsv.gz", AKAS_HEADER, akas)
    tconsts = pa.array(list(movies), pa.string())
    table, _ = imdb.read_akas(path, imdb.IdSet(tconsts))
    countries, languages = origins(tconsts, pa.array(list(movies.values()), pa.string()), table)
    return dict(zip(movies, zip(countries, languages, strict=True), strict=True))


def test_the_origin_proxy_on_real_shapes_of_akas(tmp_path: Path) -> None:
    found = derive(tmp_path, AKAS, MOVIES)
    assert found == {
        "tt0000001": ("FR", "fr"),
        "tt0000002": ("US", "en"),
        "tt0000003": ("US,GB,NZ", "en"),
        "tt0000004": ("IN", "hi"),
        "tt0000005": ("KR", "ko"),
        "tt0000006": ("FR", "fr"),
        "tt0000007": ("", ""),
        "tt0000008": ("US,GB", "en"),
        "tt0000009": ("IT", "it"),
    }


def test_a_rows_own_language_wins_and_countries_are_capped(tmp_path: Path) -> None:
    akas = [
        row("tt0000001", "Baahubali", "IN", "te"),
        row("tt0000002", "Ensemble", "FR"),
        row("tt0000002", "Ensemble", "BE", "fr"),
        row("tt0000002", "Ensemble", "CH"),  # no principal language: adds none
        row("tt0000002", "Ensemble", "LU", "fr"),
    ]
    found = derive(tmp_path, akas, {"tt0000001": "Baahubali", "tt0000002": "Ensemble"})
    assert found["tt0000001"] == ("IN", "te")
    assert found["tt0000002"] == ("BE,CH,FR", "fr")  # three countries at most


def test_only_one_regions_akas_like_the_us_extract(tmp_path: Path) -> None:
    """The 2000-2022-us extract: US rows only. US films get US/en, the others nothing."""
    akas = [
        row("tt0000001", "Heat", "US", types="imdbDisplay"),
        row("tt0000002", "Amélie", "US", types="imdbDisplay"),
    ]
    found = derive(
        tmp_path, akas, {"tt0000001": "Heat", "tt0000002": "Le fabuleux destin d'Amélie Poulain"}
    )
    assert found == {"tt0000001": ("US", "en"), "tt0000002": ("", "")}


def test_no_akas_at_all(tmp_path: Path) -> None:
    assert derive(tmp_path, [], {"tt0000001": "Heat"}) == {"tt0000001": ("", "")}
    assert derive(tmp_path, [], {}) == {}


def test_akas_are_read_with_their_types_and_attributes_as_flags(tmp_path: Path) -> None:
    path = write_tsv(tmp_path / "title.akas.tsv", AKAS_HEADER, AKAS)
    table, stats = imdb.read_akas(path, imdb.IdSet(pa.array(["tt0000001"], pa.string())))
    assert table.column_names == ["tconst", "title", "region", "language", "typed", "annotated"]
    assert table["typed"].to_pylist() == [True, False, True, True, False]
    assert table["annotated"].to_pylist() == [False, False, False, False, True]
    assert stats.malformed == 2
