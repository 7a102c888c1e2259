"""A title index read part by part (a cold start's path) answers exactly as the whole one,
while reading only some of the parts."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.core import matching
from bot.core.matching import TitleIndex
from bot.core.paged import PagedBytes
from tests.fixtures.artifacts import SAMPLE_AKAS, SAMPLE_MOVIES, numbered_movies

PART = 8192  # small parts, so a search reads a few of many
SMALL_PART = 1024  # ...and smaller, for a small index to show it


@pytest.fixture(scope="module")
def blob() -> bytes:
    movies = [*SAMPLE_MOVIES, *numbered_movies(6000)]
    akas = [*SAMPLE_AKAS, *((m.tconst, f"{m.title} redux") for m in movies[::7])]
    return TitleIndex.build(movies, akas).to_bytes()


def paged(
    blob: bytes, asked: list[int] | None = None, part: int = PART
) -> tuple[TitleIndex, PagedBytes]:
    def fetch(seqs: Sequence[int]) -> list[bytes]:
        if asked is not None:
            asked.extend(seqs)
        return [blob[s * part : (s + 1) * part] for s in seqs]

    pages = PagedBytes(len(blob), part, fetch)
    return TitleIndex.from_pages(pages), pages


QUERIES = [
    "matrix", "the matirx", "Matrix, The (1999)", "dune 1984", "Dune (2021)", "heat",
    "godfather part two", "terminator 2", "le parrain", "Shichinin no samurai", "tt0133093",
    "tt9999999", "night river stone 1234", "Ghost king iron", "ghots kign", "summer 4321 redux",
    "Fox 77", "rain glass fox 1999", "qwzx", "a", "the", "!!!", "Iron fox night 17 (1967)",
    "stone 5555", "River 2024", "kingg river ghost 3210", "glass", "night", "alien", "Alien 3",
    *(f"{w} {i}" for i, w in enumerate(["night", "river", "stone", "ghost", "king"] * 8, 100)),
]  # fmt: skip


def test_a_paged_index_answers_exactly_as_the_whole_one(blob: bytes) -> None:
    whole = TitleIndex.from_bytes(blob)
    lazy, _pages = paged(blob)
    for text in QUERIES:
        assert lazy.resolve(text) == whole.resolve(text), text
        assert lazy.suggest(text) == whole.suggest(text), text
    spans = [q.lower() for q in QUERIES]
    fuzzy = [i % 2 == 0 for i in range(len(spans))]
    assert lazy.score_spans(spans, fuzzy) == whole.score_spans(spans, fuzzy)
    assert lazy.find_tconst("tt0000042") == whole.find_tconst("tt0000042")


def test_the_first_answer_reads_only_some_parts(
    blob: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matching, "EXACT_WINDOW", 16)  # a small table: a narrow first look
    asked: list[int] = []
    lazy, _pages = paged(blob, asked, part=SMALL_PART)
    assert lazy.resolve("Ghost king iron 1234").status != "empty"
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:  # the parts inside stored members
        stored = {
            seq
            for info in archive.infolist()
            if info.compress_type == zipfile.ZIP_STORED
            for seq in range(
                info.header_offset // SMALL_PART + 1,
                (info.header_offset + info.file_size) // SMALL_PART,
            )
        }
    assert len(stored) > 10
    assert len(stored & set(asked)) < len(stored) // 2
    assert len(asked) == len(set(asked))  # none fetched twice


def test_the_first_answer_inflates_only_some_of_the_text(blob: bytes) -> None:
    from bot.core import blocked

    lazy, _pages = paged(blob)
    assert lazy.resolve("The Matrix").status == "matched"  # few titles share its trigrams
    inflated = {name: text.inflated_bytes() for name, text in lazy._texts.items()}
    total = {name: text.size for name, text in lazy._texts.items()}
    assert total["key_blob"] > 4 * blocked.BLOCK_BYTES  # several blocks to choose from
    assert 0 < inflated["key_blob"] < total["key_blob"]
    assert inflated["title_blob"] < total["title_blob"]
    assert lazy.to_bytes() == blob  # inflating the rest gives back the same bytes


def test_a_completed_paged_index_saves_the_same_file(blob: bytes, tmp_path: Path) -> None:
    lazy, pages = paged(blob)
    lazy.resolve("matrix")
    lazy.save(tmp_path / "lazy.npz")  # fetches the rest first
    assert pages.complete and pages.buffer.tobytes() == blob
    TitleIndex.from_bytes(blob).save(tmp_path / "whole.npz")
    assert (tmp_path / "lazy.npz").read_bytes() == (tmp_path / "whole.npz").read_bytes()


def test_bytes_that_are_not_an_index_are_refused_clearly() -> None:
    junk = b"not an index at all" * 1000
    with pytest.raises(ValueError, match="not a title index"):
        TitleIndex.from_pages(
            PagedBytes(
                len(junk), PART, lambda seqs: [junk[s * PART : (s + 1) * PART] for s in seqs]
            )
        )
