"""Text deflated in blocks: slices read inflate only the blocks they touch, and give back the
text exactly, across block boundaries and multi-byte characters."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.blocked import BlockedText, pack

BLOCK = 64


def _text() -> tuple[list[str], np.ndarray]:
    words = [f"Straße {i} 物語 Αθήνα night" for i in range(200)]
    raw = "".join(words).encode("utf-8")
    return words, np.frombuffer(raw, dtype=np.uint8)


def test_slices_inflate_only_their_blocks_and_read_back_exactly() -> None:
    words, raw = _text()
    packed, bounds = pack(raw, BLOCK)
    asked: list[tuple[int, int]] = []
    text = BlockedText(len(raw), packed, bounds, lambda ranges: asked.extend(ranges), BLOCK)
    ends = np.cumsum([len(w.encode()) for w in words])
    i = int(np.searchsorted(ends, 3 * BLOCK))  # the word that straddles blocks 2 and 3
    start, stop = int(ends[i - 1]), int(ends[i])
    assert start // BLOCK == 2 and (stop - 1) // BLOCK == 3
    text.ensure([(start, stop)])
    assert text.text(start, stop) == words[i]
    assert asked == [(int(bounds[2]), int(bounds[3])), (int(bounds[3]), int(bounds[4]))]
    assert text.inflated_bytes() == 2 * BLOCK
    assert bytes(text.whole()) == raw.tobytes() and text.inflated_bytes() == len(raw)


def test_the_same_text_packs_to_the_same_bytes_and_a_whole_text_needs_nothing() -> None:
    _words, raw = _text()
    first, second = pack(raw, BLOCK), pack(raw.copy(), BLOCK)
    assert first[0].tobytes() == second[0].tobytes() and np.array_equal(first[1], second[1])
    at_hand = BlockedText.at_hand(raw)
    at_hand.ensure([(0, len(raw))])
    assert at_hand.text(0, 7) == "Straße"


def test_a_damaged_block_or_a_wrong_size_is_a_clear_error() -> None:
    _words, raw = _text()
    packed, bounds = pack(raw, BLOCK)
    with pytest.raises(ValueError, match="blocks"):
        BlockedText(len(raw) + 10 * BLOCK, packed, bounds, None, BLOCK)
    damaged = packed.copy()
    damaged[int(bounds[1]) : int(bounds[2])] = 0xFF
    text = BlockedText(len(raw), damaged, bounds, None, BLOCK)
    with pytest.raises(ValueError, match="block 1"):
        text.ensure([(BLOCK, BLOCK + 1)])


@pytest.mark.parametrize("whole", [False, True])
def test_many_slices_read_at_once_are_the_slices_read_one_by_one(whole: bool) -> None:
    words, raw = _text()
    packed, bounds = pack(raw, BLOCK)
    text = BlockedText.at_hand(raw) if whole else BlockedText(len(raw), packed, bounds, None, BLOCK)
    ends = np.cumsum([len(w.encode()) for w in words])
    starts = np.concatenate([[0], ends[:-1]])
    picked = np.array([0, 3, 3, 57, 199, 120])  # in any order, repeats, an empty slice
    a, b = starts[picked], ends[picked]
    b[-1] = a[-1]
    text.ensure(zip(a.tolist(), b.tolist(), strict=True))
    assert text.texts(a, b) == [text.text(int(x), int(y)) for x, y in zip(a, b, strict=True)]
    assert text.texts(a, b)[:5] == [words[i] for i in picked[:5]]
    assert text.texts(a[:0], b[:0]) == []


def test_slices_holding_a_nul_are_still_read_exactly() -> None:
    raw = np.frombuffer("ab\x00cd€ef".encode(), dtype=np.uint8)
    text = BlockedText.at_hand(raw)
    assert text.texts(np.array([0, 4, 0]), np.array([4, 10, 2])) == ["ab\x00c", "d€ef", "ab"]
