"""The title search's fast paths give what the plain versions they replace give."""

from __future__ import annotations

import random

import numpy as np
from rapidfuzz import fuzz, process

from bot.core.matching import (
    HEAD_CUTOFF,
    HEAD_LIMIT,
    CatalogueTitles,
    TitleIndex,
    _hash_key,
    _key_hash,
    _pack,
)


def test_one_key_hashes_as_the_array_hash_of_many_does() -> None:
    rng = random.Random(5)
    alphabet = "ab cdé東京ñ0123456789الحب"
    keys = ["", "a", " ", "the matrix", "東京 ii", "x" * 300]
    keys += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(300)]
    blob, offsets = _pack(keys)
    assert [_hash_key(k) for k in keys] == _key_hash(blob, offsets).tolist()


def _index(titles: list[str]) -> TitleIndex:
    return TitleIndex.from_titles(
        CatalogueTitles(
            tconst=[f"tt{i:07d}" for i in range(len(titles))],
            title=titles,
            original_title=titles,
            year=[2000] * len(titles),
            votes=[10_000 - i for i in range(len(titles))],
        ),
        [],
    )


def test_the_popular_titles_near_a_key_are_those_process_extract_picks() -> None:
    rng = random.Random(11)
    words = [
        "star",
        "war",
        "stars",
        "wars",
        "love",
        "night",
        "man",
        "a",
        "the",
        "it",
        "東京",
        "été",
    ]
    # Many titles alike and of many lengths: ties at the limit and lengths at the cutoff's edge.
    titles = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(600)]
    index = _index(titles)
    head = index._head()
    for key in ["star war", "wars", "a", "it", "the night man", "love love", "東京 été", "zzz"]:
        expected = [
            i
            for _k, _s, i in process.extract(
                key, head, scorer=fuzz.ratio, limit=HEAD_LIMIT, score_cutoff=HEAD_CUTOFF
            )
        ]
        assert sorted(index._head_near(key).tolist()) == sorted(expected), key
        assert np.unique(index._head_near(key)).tolist() == sorted(expected)


def test_an_empty_index_has_no_popular_titles_near_anything() -> None:
    assert _index([])._head_near("thor").tolist() == []
