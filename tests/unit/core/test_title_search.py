"""The title search's fast paths give what the plain versions they replace give."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from bot.core import matching
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


def _preselect_by_argpartition(index: TitleIndex, key: str) -> np.ndarray:
    """The preselection as it was first written (every picked bucket decoded and merged, two
    argpartitions), as a reference."""
    buckets = matching._query_buckets(key)
    sizes = index._grams.counts[buckets]
    order = np.argsort(sizes, kind="stable")
    order = order[sizes[order] > 0]
    within = np.cumsum(sizes[order], dtype=np.int64) <= matching.MAX_POSTINGS
    picked = buckets[order[: max(1, int(within.sum()))] if len(order) else order].tolist()
    exact = index._exact_kept(key)
    if not picked:
        return exact
    entries, shared = np.unique(
        np.concatenate([index._grams.bucket(b) for b in picked]), return_counts=True
    )
    wide = matching.PRESELECT_WIDE * matching.PRESELECT
    if len(entries) > wide:
        cut = np.argpartition(-(shared.astype(np.int64) * (1 << 32) - entries), wide)[:wide]
        entries, shared = entries[cut], shared[cut]
    jaccard = shared / (len(buckets) + index.entry_grams[entries] - shared)
    rank = jaccard + matching.PRESELECT_PRIOR * index._prior[index.entry_movie[entries]]
    if len(entries) > matching.PRESELECT:
        entries = entries[np.argpartition(-rank, matching.PRESELECT)[: matching.PRESELECT]]
    return np.union1d(entries, exact)


def test_the_preselection_is_the_one_the_plain_argpartitions_pick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small cuts over many alike titles of few distinct vote counts: long buckets, several
    # buckets, and ranks tied at the cut (settled as argpartition settled them).
    monkeypatch.setattr(matching, "PRESELECT", 12)
    monkeypatch.setattr(matching, "PRESELECT_WIDE", 3)
    monkeypatch.setattr(matching, "MAX_POSTINGS", 400)
    rng = random.Random(3)
    words = ["star", "war", "love", "night", "man", "the", "東京", "été", "blue", "moon"]
    titles = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(900)]
    index = TitleIndex.from_titles(
        CatalogueTitles(
            tconst=[f"tt{i:07d}" for i in range(len(titles))],
            title=titles,
            original_title=titles,
            year=[2000] * len(titles),
            votes=[100 * (i % 4) for i in range(len(titles))],
        ),
        [],
    )
    settled_as_before = 0
    most_alike = index._most_alike

    def counted(grams: int, picked: list[int], as_before: bool) -> np.ndarray | None:
        nonlocal settled_as_before
        settled_as_before += as_before
        return most_alike(grams, picked, as_before)

    monkeypatch.setattr(index, "_most_alike", counted)
    keys = ["star war", "war", "the moon", "東京 été", "blue night man", "lov", "zzz", "e"]
    keys += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(60)]
    for key in keys:
        expected = _preselect_by_argpartition(index, key)
        assert index._preselect(key).tolist() == expected.tolist(), key
    assert settled_as_before > 0  # the ties were met


@pytest.mark.parametrize("seed", range(10))
def test_the_most_shared_are_those_a_sort_by_shared_then_id_cuts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    entries = np.unique(rng.integers(0, 5_000, 800))
    shared = rng.integers(1, 5, len(entries))
    for wide in (1, 7, 100, len(entries) - 1):
        kept, counts = matching._most_shared(entries, shared, wide)
        order = np.lexsort((entries, -shared))[:wide]
        assert kept.tolist() == sorted(entries[order].tolist())
        assert counts.tolist() == shared[np.searchsorted(entries, kept)].tolist()


def test_the_top_set_is_none_only_when_a_tie_straddles_the_cut() -> None:
    values = np.array([5.0, 1.0, 3.0, 3.0, 2.0])
    top = matching._top_set(values, 2)
    assert top is None  # 5 and one of the two 3s: which one is the order's choice
    top = matching._top_set(values, 3)
    assert top is not None and values[top].tolist() == [5.0, 3.0, 3.0]
    top = matching._top_set(values, 1)
    assert top is not None and values[top].tolist() == [5.0]


def _best_exact_by_argmax(index: TitleIndex, key: str) -> str | None:
    """An exact span hit as first written: one key at a time, np.argmax over its entries."""
    entries = index._exact(key)[: matching.EXACT_KEPT]
    chosen = np.array([e for e in entries.tolist() if index._keys(np.array([e])) == [key]])
    if not len(chosen):
        return None
    movies = index.entry_movie[chosen]
    value = index._prior[movies] - matching.ALIAS_COST * index.entry_alias[chosen]
    return index.tconst[int(movies[int(np.argmax(value))])].decode()


def test_exact_span_hits_found_all_at_once_are_those_found_one_by_one() -> None:
    # Namesakes of equal votes (argmax takes the first), aliases, absent and repeated keys,
    # and enough keys to be hashed as an array.
    rng = random.Random(8)
    words = ["star", "war", "love", "night", "man", "東京", "été"]
    titles = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(500)]
    index = TitleIndex.from_titles(
        CatalogueTitles(
            tconst=[f"tt{i:07d}" for i in range(len(titles))],
            title=titles,
            original_title=[t if i % 3 else f"{t} man" for i, t in enumerate(titles)],
            year=[2000] * len(titles),
            votes=[100 * (i % 5) for i in range(len(titles))],
        ),
        [(f"tt{i:07d}", rng.choice(words)) for i in range(0, 500, 7)],
    )
    keys = [*sorted(set(titles))[:60], "zzz", "star", "star", "night war man star"]
    assert len(keys) >= matching.HASHED_AS_ARRAY
    hits = index.score_spans(keys)
    for key, hit in zip(keys, hits, strict=True):
        assert (hit.candidate.tconst if hit else None) == _best_exact_by_argmax(index, key), key


def test_the_movies_kept_at_hand_are_dropped_beyond_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matching, "FIELDS_KEPT", 2)
    index = _index(["alpha", "beta", "gamma", "delta"])
    for movie in [0, 1, 2, 3, 0, 2]:
        candidate = index._candidate(movie, 150.0)
        assert (candidate.tconst, candidate.title, candidate.score) == (
            f"tt{movie:07d}",
            index.title_of(movie),
            100.0,
        )
        assert len(index._fields) <= 2


def test_a_number_named_counts_only_as_a_whole_word_of_the_title() -> None:
    # "rocky 2": "Rocky 24" and "12 Rocky" lack the 2 (a digit inside a number is no number);
    # "2 Rocky" and "Rocky 2 Again" have it; a title of the year 2 would too (none here).
    titles = ["Rocky 24", "12 Rocky", "2 Rocky", "Rocky 2 Again", "Rocky"]
    index = _index(titles)
    shown = {index.title_of(m): s for _r, s, _p, m in index._rank_now("rocky 2", None, None, False)}
    likeness = matching._similarity("rocky 2", [t.lower() for t in titles])[0]
    alike = dict(zip(titles, likeness, strict=True))
    for title in titles:
        lacks = title in ("Rocky 24", "12 Rocky", "Rocky")
        expected = alike[title] - (matching.NUMBER_MISSING if lacks else 0.0)
        assert shown[title] == pytest.approx(expected), title
