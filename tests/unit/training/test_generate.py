"""The IMDb-shaped data generator: the shape and the oddities of the real dumps, at a tiny scale."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from training.generate import FULL_TITLES, TITLE_TYPES, generate


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    out = tmp_path_factory.mktemp("gen")
    lines = generate(out, scale=0.002, seed=11)
    rows = {}
    for name in ("title.basics", "title.ratings", "title.akas"):
        with gzip.open(out / f"{name}.tsv.gz", "rt", encoding="utf-8") as handle:
            text = handle.read().splitlines()
        rows[name] = [line.split("\t") for line in text]
        assert lines[f"{name}.tsv.gz"] == len(text) - 1  # the header is not a row
    return rows


def test_every_title_type_in_imdb_shares(files: dict[str, list[list[str]]]) -> None:
    basics = files["title.basics"]
    assert basics[0][:3] == ["tconst", "titleType", "primaryTitle"]
    assert len(basics) - 1 == int(FULL_TITLES * 0.002)
    types = Counter(row[1] for row in basics[1:] if len(row) == 9)
    assert {name for name, *_ in TITLE_TYPES if name != "tvPilot"} <= set(types)
    assert types.most_common(1)[0][0] == "tvEpisode"
    assert 0.05 < types["movie"] / sum(types.values()) < 0.1


def test_oddities_of_the_real_files(files: dict[str, list[list[str]]]) -> None:
    basics = [row for row in files["title.basics"][1:] if len(row) == 9]
    titles = [row[2] for row in basics]
    assert any('"' in t for t in titles)  # unescaped quotes
    assert any(not t.isascii() for t in titles)  # unicode
    assert any(row[5] == "\\N" for row in basics) and any(row[8] == "\\N" for row in basics)
    # A few rows are a field short, as readers must count and skip.
    assert any(len(row) != 9 for row in files["title.basics"][1:])


def test_votes_are_heavy_tailed_and_ids_sorted(files: dict[str, list[list[str]]]) -> None:
    ratings = [row for row in files["title.ratings"][1:] if len(row) == 3]
    votes = sorted(int(row[2]) for row in ratings)
    median = votes[len(votes) // 2]
    assert votes[-1] > 100 * median  # a few titles with very many votes
    ids = [row[0] for row in ratings]
    assert ids == sorted(ids)
    akas = [row for row in files["title.akas"][1:] if len(row) == 8]
    assert len(akas) > 3 * len(files["title.basics"])  # akas is the biggest file by far
    assert any(row[3] == "\\N" for row in akas) and any(row[3] == "US" for row in akas)


def test_same_seed_same_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", scale=0.0001, seed=1)
    generate(tmp_path / "b", scale=0.0001, seed=1)
    for name in ("title.basics.tsv.gz", "title.akas.tsv.gz"):
        a = gzip.decompress((tmp_path / "a" / name).read_bytes())
        b = gzip.decompress((tmp_path / "b" / name).read_bytes())
        assert a == b
