"""The title index: typo-tolerant resolution of what a user typed to one catalogue movie.

Every movie has one or more entries (its title, original title and alternate titles, normalised
by `bot.core.normalize`). Candidates come from a character-trigram inverted index held in numpy
arrays (CSR postings), plus an exact-key table; the best few hundred are re-ranked with
rapidfuzz (edits counted, a wrong letter as one slip), a popularity prior (votes), the year when
the query has one, and a penalty for a number the query names that the title lacks. A query is
also read with the slips that normalising would hide undone
(`bot.core.normalize.typed_readings`). All of it is plain arrays, saved to one `.npz`
(`bot.core.index_file`) that a new process reads in place: postings compressed as varint gaps
(`bot.core.postings`) and decoded per bucket a search reads, the title and key text in small
deflated blocks (`bot.core.blocked`) inflated where a search reads, the rest deflated whole.
A process with nothing cached reads it from a store part by part (`from_pages`): the deflated
members at once, the postings, the exact table and the text blocks as its searches touch them.
"""

from __future__ import annotations

import threading
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain
from pathlib import Path
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from bot.core import blocked, index_file
from bot.core.models import Movie
from bot.core.normalize import normalize, numbers, split_article, typed_readings
from bot.core.paged import PagedBytes
from bot.core.postings import Postings, encode
from bot.core.query import parse_query

FORMAT = 5  # 4: varint postings, narrow offsets; 5: title and key text in deflated blocks
N_BUCKETS = 1 << 20  # trigram hash buckets; collisions only add a little noise
MAX_POSTINGS = 40_000  # per search: the rarest trigrams are read first, common ones skipped
PRESELECT = 250  # entries re-ranked with rapidfuzz per search
PRESELECT_WIDE = 4  # x PRESELECT: kept by shared trigrams alone, before the finer cut
PRESELECT_PRIOR = 0.002  # popularity in the preselection: it only breaks near-ties in overlap
EXACT_KEPT = 100  # entries of one exact key re-ranked (the most popular; and the year's)
RANKS_KEPT = 64  # recent rankings kept per index
POPULARITY_WEIGHT = 1.5  # points per tenfold votes
ARTICLE_AGREES = 1.5  # "Room, The" leans to "The Room", "Room" to "Room"
CORROBORATED = 3.0  # per further parenthesised name ("Brothers (Brødre)") the film also has
ALIAS_COST = 4.0  # an alternate title scores this much below the film's own title
PRIOR_IN_CLAIM = 0.5  # share of the popularity prior that counts towards claiming a match
HEAD_ENTRIES = 15_000  # the most-voted titles, scanned in full when the trigrams find nothing good
HEAD_WHEN_BELOW = 95.0  # ...that is, when no preselected title is this alike
HEAD_LIMIT = 40  # popular titles the full scan adds at most (more is only slower)
HEAD_CUTOFF = 60  # fuzz.ratio under which a popular title is not worth adding
CHAR_CLASSES = 64  # character classes counted per popular title, to skip hopeless ones fast
NO_MATCH_BELOW = 72.0  # adjusted similarity under which nothing is claimed (longer queries)
SHORT_KEY_FLOORS = ((5, 8.0), (8, 4.0))  # (up to this many characters, points added to it)
AMBIGUOUS_WITHIN = 1.0  # best two movies this close (ranking points): ask "did you mean"
SUGGEST_FLOOR = 55.0  # alternatives offered after a miss must be at least this similar
GUESSED_READING_COST = 3.0  # a reading that guesses at a slip ("Tme Martian" as "martian")
SLIP_COST = 1.5  # a wrong or swapped letter, in dropped letters (fuzz.ratio: 2)
REORDERED_SHARE = 0.95  # the same words in another order: nearly, not quite, the title typed
PREFIX_SHARE = 0.9  # a typed prefix of a longer title ("terminator 2" of "... Judgment Day")
PREFIX_FROM = 4  # characters a prefix needs to count: shorter ones begin too many titles
YEAR_AGREES = 6.0  # the year asked for is the film's
YEAR_NEAR = 2.0  # one year off (a festival year, a late release)
YEAR_OFF = 5.0  # further off: this, plus a point per year, ...
YEAR_OFF_MAX = 15.0  # ...but no more than this
NUMBER_MISSING = 12.0  # per number the query names that the title lacks ("rocky 4" is not Rocky)
PER_READING = 20  # best movies of each reading of the query that are merged
AGREES_FROM = 90.0  # shown likeness at which a parenthesised name counts as fitting the film
EXACT = 100.0  # the top of the likeness scale: the title exactly as typed (or the tconst)
ALTERNATIVES = 5  # further titles offered besides the best one (or instead of it, after a miss)
EDIT_POINTS = 2.0  # what an edit costs in ranking, whatever the length (shown: 100 / length)...
LENGTH_SHARE = 0.3  # ...but for this share of the ranking likeness, which is the shown one
EXACT_WINDOW = 8192  # exact-table rows read around a key's hash-guessed place (paged index)
HASHED_AS_ARRAY = 32  # keys hashed at once from which `_key_hash` beats one `_hash_key` each
FIELDS_KEPT = 4096  # movies whose id, title and year a process keeps at hand (`_candidate`)

Status = Literal["matched", "ambiguous", "no_match", "empty"]
Rank = tuple[float, float, float, int]  # ranking score, shown score, popularity prior, movie
# A key's preselected entries, their keys, shown likeness and ranking channel (`_alike`).
_Alike = tuple[np.ndarray, list[str], np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Candidate:
    tconst: str
    title: str
    year: int | None
    score: float  # 0..100


@dataclass(frozen=True)
class SpanMatch:
    """The best movie for a span of a sentence, as `TitleIndex.score_spans` scores it."""

    candidate: Candidate
    shown: float  # likeness, 0..100 (100: the title itself)
    prior: float  # the popularity prior of the movie (POPULARITY_WEIGHT per tenfold votes)
    exact: bool  # the span's key is one of the movie's keys


@dataclass(frozen=True)
class Resolution:
    query: str
    status: Status
    match: Candidate | None
    alternatives: list[Candidate]


# --- trigram hashing, shared by build (vectorised over all entries) and search ---------------
_K1, _K2, _K3 = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)


def _hash_trigrams(codes: np.ndarray) -> np.ndarray:
    """Bucket of each trigram starting at codes[i] (the caller drops those crossing an end)."""
    c = codes.astype(np.uint64)
    with np.errstate(over="ignore"):
        h = (c[:-2] * _K1) ^ (c[1:-1] * _K2) ^ (c[2:] * _K3)
        h ^= h >> np.uint64(31)
    return (h & np.uint64(N_BUCKETS - 1)).astype(np.int64)


def _query_buckets(key: str) -> np.ndarray:
    codes = np.frombuffer(f" {key} ".encode("utf-32-le"), dtype=np.uint32)
    return _sorted_unique(_hash_trigrams(codes))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy's hash-based unique is slower on large integer arrays)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _key_hash(blob: np.ndarray, offsets: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """A 64-bit hash per key of a packed key blob (stable across processes, unlike hash()):
    a polynomial over the UTF-8 bytes, then mixed. A rare collision only adds a candidate,
    which the re-ranking scores like any other. Keys are hashed a chunk at a time, so the
    per-byte temporaries stay small."""
    out = np.zeros(len(offsets) - 1, dtype=np.uint64)
    for lo in range(0, len(out), chunk):
        hi = min(len(out), lo + chunk)
        start = int(offsets[lo])
        out[lo:hi] = _hash_run(blob[start : int(offsets[hi])], offsets[lo : hi + 1] - start)
    return out


def _hash_run(blob: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    lengths = np.diff(offsets)
    out = np.zeros(len(lengths), dtype=np.uint64)
    filled = lengths > 0
    with np.errstate(over="ignore"):
        if filled.any():
            owner = np.repeat(np.arange(len(lengths)), lengths)
            from_end = offsets[1:][owner] - 1 - np.arange(len(blob))
            powers = np.ones(int(lengths.max()), dtype=np.uint64)
            powers[1:] = np.cumprod(np.full(len(powers) - 1, _K1, dtype=np.uint64))
            terms = (blob.astype(np.uint64) + np.uint64(1)) * powers[from_end]
            out[filled] = np.add.reduceat(terms, offsets[:-1][filled])
        out += lengths.astype(np.uint64) * _K2
        out ^= out >> np.uint64(29)
        out *= _K3
        out ^= out >> np.uint64(32)
    return out


_WORD = (1 << 64) - 1
_K1_INT, _K2_INT, _K3_INT = int(_K1), int(_K2), int(_K3)


@lru_cache(maxsize=1 << 14)  # a sentence's spans are hashed per message; words recur
def _hash_key(key: str) -> np.uint64:
    """`_key_hash` of one key, in plain integers: a search hashes a few short keys, for which
    the array version's temporaries cost more than the arithmetic (`_hash_keys`)."""
    data = key.encode("utf-8")
    h = 0
    for byte in data:  # Horner's rule: the same polynomial as the powers in `_hash_run`
        h = (h * _K1_INT + byte + 1) & _WORD
    h = (h + len(data) * _K2_INT) & _WORD
    h ^= h >> 29
    h = (h * _K3_INT) & _WORD
    h ^= h >> 32
    return np.uint64(h)


def _hash_keys(keys: Sequence[str]) -> np.ndarray:
    if len(keys) >= HASHED_AS_ARRAY:  # a sentence's spans: the array version is faster
        return _key_hash(*_pack(list(keys)))
    return np.array([_hash_key(k) for k in keys], dtype=np.uint64)


def _narrow(offsets: np.ndarray) -> np.ndarray:
    """Offsets as uint32 when they fit (half the bytes), else as they are."""
    return offsets.astype(np.uint32) if offsets[-1] < 1 << 32 else offsets


def _pack(strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets


def _similarity(key: str, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Two likenesses per key, (shown, ranking). Shown (0..100): whole-title likeness, word
    order aside; a typed prefix of a longer title ("terminator 2" of "Terminator 2: Judgment
    Day") or its main words score a little lower. It is relative to length, as it must be to
    tell a slip from another title (one letter is a lot of a four-letter word), and the
    no-match floor is held against it.

    Between candidates, though, a slip is about as likely in a short title as in a long one,
    so popularity must be able to outweigh it: "epin" is Epic (107k votes) sooner than The
    Pin (75 votes). So the ranking likeness costs an edit at most EDIT_POINTS, except for
    LENGTH_SHARE of it, which stays the shown likeness (a title as typed keeps an edge)."""
    indel = process.cdist([key], keys, scorer=Indel.distance, dtype=np.int32)[0]
    slips = process.cdist([key], keys, scorer=OSA.distance, dtype=np.int32)[0]
    # fuzz.ratio counts a wrong or swapped letter as two edits (out and in), so "epin" was
    # nearer "pin" (a letter dropped) than "epic" (one wrong); here it costs SLIP_COST.
    cost = indel - (2.0 - SLIP_COST) * (indel - slips)
    sizes = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    lengths = len(key) + sizes
    shown = np.maximum(
        100.0 * (1.0 - cost / np.maximum(lengths, 1)),
        REORDERED_SHARE * process.cdist([key], keys, scorer=fuzz.token_sort_ratio)[0],
    )
    longer = np.flatnonzero(sizes > len(key)).tolist()
    if len(key) >= PREFIX_FROM and longer:
        # Only a longer title has a prefix to compare (shown is never below 0).
        heads = [keys[i][: len(key)] for i in longer]
        shown[longer] = np.maximum(
            shown[longer], PREFIX_SHARE * process.cdist([key], heads, scorer=fuzz.ratio)[0]
        )
    capped = np.maximum(shown, 100.0 - EDIT_POINTS * cost)
    return shown, LENGTH_SHARE * shown + (1.0 - LENGTH_SHARE) * capped


def _most_shared(
    entries: np.ndarray, shared: np.ndarray, wide: int
) -> tuple[np.ndarray, np.ndarray]:
    """The `wide` entries (ascending ids) sharing the most trigrams, the lower ids (the more
    popular) first among those sharing as many: the set a sort by (shared, -id) would cut,
    counted instead of sorted (shared is a small count); and their counts."""
    at_least = np.cumsum(np.bincount(shared)[::-1])[::-1]  # entries sharing at least s
    edge = int(np.flatnonzero(at_least >= wide)[-1])  # the fewest shared that make the cut
    above = int(at_least[edge + 1]) if edge + 1 < len(at_least) else 0
    keep = shared > edge
    keep[np.flatnonzero(shared == edge)[: wide - above]] = True
    return entries[keep], shared[keep]


def _top_set(values: np.ndarray, k: int) -> np.ndarray | None:
    """A mask of the `k` largest values, or None when a tie at the k-th makes the set depend on
    the order (1 <= k < len(values))."""
    edge = np.partition(values, len(values) - k)[len(values) - k]
    top = values >= edge
    return top if int(np.count_nonzero(top)) == k else None


def no_match_below(key: str) -> float:
    """Short texts resemble some title by chance, so they must come closer to claim one."""
    extra = next((points for chars, points in SHORT_KEY_FLOORS if len(key) <= chars), 0.0)
    return NO_MATCH_BELOW + extra


def _claim(scores: tuple[float, float, float]) -> float:
    """What the no-match floor is held against: the likeness, plus a share of the popularity
    prior (one slip in "Tohr" is surely Thor; the same slip towards an obscure film is not)."""
    _ranking, shown, lift = scores
    return shown + PRIOR_IN_CLAIM * lift


@dataclass(frozen=True)
class CatalogueTitles:
    """What the index needs of each movie, column by column (training holds them as columns)."""

    tconst: Sequence[str]
    title: Sequence[str]
    original_title: Sequence[str]
    year: Sequence[int | None]
    votes: Sequence[int]

    @classmethod
    def of(cls, movies: Iterable[Movie]) -> CatalogueTitles:
        rows = list(movies)
        return cls(
            tconst=[m.tconst for m in rows],
            title=[m.title for m in rows],
            original_title=[m.original_title for m in rows],
            year=[m.year for m in rows],
            votes=[m.votes for m in rows],
        )


class TitleIndex:
    """Arrays (movies sorted by tconst; entries; postings); see the module docstring."""

    _ARRAYS = (
        "tconst", "title_off", "year", "votes",
        "entry_movie", "entry_alias", "entry_article", "key_off", "entry_grams",
        "gram_bytes", "gram_at", "gram_count", "exact_hash", "exact_entry", "format",
    )  # fmt: skip
    # The text: whole in a cache copy or a built index (`name`); in the bytes a store holds,
    # deflated in blocks (`name_z`, stored, and `name_z_at`, where each block begins).
    _TEXTS = (("title_blob", "title_off"), ("key_blob", "key_off"))
    # Read in place by a new process (looked up per search, little to gain from zlib); the
    # rest is deflated in the bytes a store holds, and inflated once per process.
    _STORED = ("gram_bytes", "exact_hash", "exact_entry", "title_blob_z", "key_blob_z")

    def __init__(self, arrays: dict[str, np.ndarray], pages: PagedBytes | None = None) -> None:
        missing = [name for name in self._ARRAYS if name not in arrays]
        missing += [
            name
            for name, _off in self._TEXTS
            if name not in arrays and (f"{name}_z" not in arrays or f"{name}_z_at" not in arrays)
        ]
        if missing:
            raise ValueError(f"title index is missing {', '.join(missing)}")
        if int(arrays["format"][0]) != FORMAT:
            raise ValueError(f"title index format {int(arrays['format'][0])}, expected {FORMAT}")
        self._a = arrays
        # A paged index (`from_pages`): its stored members are views of `pages.buffer`, whose
        # bytes a search fetches (`_need`) before it reads them.
        self._pages = pages
        self._at: dict[str, int] = {}
        self._itemsize: dict[str, int] = {}
        if pages is not None:
            base = pages.buffer.__array_interface__["data"][0]
            self._at = {
                n: arrays[n].__array_interface__["data"][0] - base
                for n in self._STORED
                if n in arrays
            }
            self._itemsize = {n: arrays[n].itemsize for n in self._at}
        self.tconst: np.ndarray = arrays["tconst"]
        self.year: np.ndarray = arrays["year"]
        self.votes: np.ndarray = arrays["votes"]
        self.entry_movie: np.ndarray = arrays["entry_movie"]
        self.entry_grams: np.ndarray = arrays["entry_grams"]
        self.entry_alias: np.ndarray = arrays["entry_alias"]
        self.entry_article: np.ndarray = arrays["entry_article"]
        self._grams = Postings(
            arrays["gram_bytes"],
            arrays["gram_at"],
            arrays["gram_count"],
            None if pages is None else lambda ranges: self._need("gram_bytes", ranges),
        )
        self.exact_hash: np.ndarray = arrays["exact_hash"]
        self.exact_entry: np.ndarray = arrays["exact_entry"]
        self._texts = {name: self._text(name, int(arrays[off][-1])) for name, off in self._TEXTS}
        self._titles = self._texts["title_blob"]
        self._key_text = self._texts["key_blob"]
        self._title_off = arrays["title_off"]
        self._head_keys: list[str] | None = None
        self._ranked: dict[tuple[str, int | None, bool | None, bool], list[Rank]] = {}
        self._ranked_lock = threading.Lock()
        self._alikes: dict[tuple[str, int | None], _Alike] = {}
        self._fields: dict[int, tuple[str, str, int | None]] = {}
        self._key_off = arrays["key_off"]
        self._prior = POPULARITY_WEIGHT * np.log10(1.0 + self.votes.astype(np.float64))

    def _text(self, name: str, size: int) -> blocked.BlockedText:
        if name in self._a:
            return blocked.BlockedText.at_hand(self._a[name])
        packed = f"{name}_z"
        need = None if self._pages is None else lambda ranges: self._need(packed, ranges)
        return blocked.BlockedText(size, self._a[packed], self._a[f"{name}_z_at"], need)

    # --- building and storing --------------------------------------------------------------
    @classmethod
    def build(cls, movies: Iterable[Movie], akas: Iterable[tuple[str, str]]) -> TitleIndex:
        return cls.from_titles(CatalogueTitles.of(movies), akas)

    @classmethod
    def from_titles(cls, titles: CatalogueTitles, akas: Iterable[tuple[str, str]]) -> TitleIndex:
        # One movie per tconst (the last given wins), in tconst order.
        last = {tconst: i for i, tconst in enumerate(titles.tconst)}
        rows = sorted(last.values(), key=titles.tconst.__getitem__)
        position = {titles.tconst[i]: p for p, i in enumerate(rows)}
        owners = [p for p in range(len(rows)) for _ in (0, 1)]
        texts = [text for i in rows for text in (titles.title[i], titles.original_title[i])]
        alias_from = len(texts)
        for tconst, text in akas:
            held = position.get(tconst)
            if held is not None:
                owners.append(held)
                texts.append(text)

        # Akas repeat titles: normalise each distinct text once, then work on ids.
        distinct = list(dict.fromkeys(texts))
        key_ids: dict[str, int] = {}
        split = [split_article(text) for text in distinct]
        distinct_key = np.array([key_ids.setdefault(k, len(key_ids)) for k, _a in split], np.int64)
        distinct_article = np.array([a for _k, a in split], dtype=bool)
        text_id = {text: i for i, text in enumerate(distinct)}
        which = np.array([text_id[text] for text in texts], dtype=np.int64)
        del split, text_id, texts
        key_of, article_of = distinct_key[which], distinct_article[which]
        owner = np.array(owners, dtype=np.int64)
        # Each (movie, key) once, where it first occurs; empty keys are no entries.
        _, first = np.unique(owner * max(1, len(key_ids)) + key_of, return_index=True)
        first = np.sort(first)
        if "" in key_ids:
            first = first[key_of[first] != key_ids[""]]
        all_keys = list(key_ids)

        # Entries are numbered most-voted movie first: a lower id is a more popular film,
        # which lets search break ties without touching another array.
        votes = np.array([max(0, int(titles.votes[i])) for i in rows], dtype=np.int64)
        by_votes = first[np.lexsort((first, -votes[owner[first]]))]
        entry_movie = owner[by_votes]
        keys = [all_keys[k] for k in key_of[by_votes].tolist()]
        gram_post, gram_off, entry_grams = cls._postings(keys)
        gram_bytes, gram_at = encode(gram_post, gram_off)
        del gram_post
        title_blob, title_off = _pack([titles.title[i] for i in rows])
        key_blob, key_off = _pack(keys)
        key_hash = _key_hash(key_blob, key_off)
        order = np.argsort(key_hash, kind="stable")
        arrays = {
            "tconst": np.array([titles.tconst[i].encode("ascii") for i in rows], dtype="S12")
            if rows
            else np.zeros(0, dtype="S12"),
            "title_blob": title_blob,
            "title_off": _narrow(title_off),
            "year": np.array([titles.year[i] or 0 for i in rows], dtype=np.int16),
            "votes": votes.astype(np.int32),
            "entry_movie": np.array(entry_movie, dtype=np.int32),
            "key_blob": key_blob,
            "key_off": _narrow(key_off),
            "entry_grams": entry_grams,
            "entry_alias": by_votes >= alias_from,
            "entry_article": article_of[by_votes],
            "gram_bytes": gram_bytes,
            "gram_at": _narrow(gram_at),
            "gram_count": np.diff(gram_off).astype(np.uint32),
            "exact_hash": key_hash[order],
            "exact_entry": order.astype(np.int32),
            "format": np.array([FORMAT], dtype=np.int32),
        }
        return cls(arrays)

    @staticmethod
    def _postings(keys: list[str], chunk: int = 200_000) -> tuple[np.ndarray, ...]:
        """CSR postings: entries holding each trigram bucket, each list sorted and unique."""
        runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (buckets, entries, counts)
        entry_grams = np.zeros(len(keys), dtype=np.int16)
        for start in range(0, len(keys), chunk):
            part = [f" {k} " for k in keys[start : start + chunk]]
            lengths = np.array([len(p) for p in part], dtype=np.int64)
            codes = np.frombuffer("".join(part).encode("utf-32-le"), dtype=np.uint32)
            buckets = _hash_trigrams(codes)
            starts = np.zeros(len(part), dtype=np.int64)
            np.cumsum(lengths[:-1], out=starts[1:])
            owner = np.repeat(np.arange(len(part), dtype=np.int64), lengths)[:-2]
            local = np.arange(len(buckets), dtype=np.int64) - starts[owner]
            valid = local <= lengths[owner] - 3
            combined = _sorted_unique((buckets[valid] << 32) | (owner[valid] + start))
            entries = (combined & 0xFFFFFFFF).astype(np.int32)
            entry_grams[start : start + len(part)] = np.minimum(
                np.bincount(entries - start, minlength=len(part)), 32767
            )
            run_buckets = (combined >> 32).astype(np.int32)
            counts = np.bincount(run_buckets, minlength=N_BUCKETS).astype(np.int32)
            runs.append((run_buckets, entries, counts))
        # Each run is sorted by bucket, then entry, and holds later entries than the run before:
        # placing run after run at each bucket's cursor (a counting sort) keeps every list in
        # order, without a sort or a copy of all the pairs at once.
        gram_off = np.zeros(N_BUCKETS + 1, dtype=np.int64)
        np.cumsum(sum((c for _b, _e, c in runs), np.zeros(N_BUCKETS, np.int64)),
                  out=gram_off[1:])  # fmt: skip
        gram_post = np.empty(int(gram_off[-1]), dtype=np.int32)
        cursor = gram_off[:-1].copy()
        while runs:
            run_buckets, entries, counts = runs.pop(0)
            first_in_run = np.cumsum(counts, dtype=np.int64) - counts
            rank = np.arange(len(entries), dtype=np.int64) - first_in_run[run_buckets]
            gram_post[cursor[run_buckets] + rank] = entries
            cursor += counts
        return gram_post, gram_off, entry_grams

    def to_bytes(self) -> bytes:
        """The bytes a store holds: the same bytes for the same index."""
        self.complete()
        arrays: dict[str, np.ndarray] = {}
        for name, array in self._a.items():
            if name in self._texts:
                arrays[f"{name}_z"], arrays[f"{name}_z_at"] = blocked.pack(array)
            else:
                arrays[name] = array
        return index_file.to_bytes(arrays, [n for n in arrays if n not in self._STORED])

    @staticmethod
    def fits(blob: bytes, tconsts: Iterable[str]) -> bool:
        """Whether `blob` is an intact index (every member's checksum holds) of this format
        over exactly these movies."""
        wanted = np.array(sorted({t.encode("ascii", "replace") for t in tconsts}), dtype="S12")
        try:
            with zipfile.ZipFile(index_file.Reader(blob)) as archive:
                if archive.testzip() is not None:
                    return False
            arrays = index_file.read(blob)
            return int(arrays["format"][0]) == FORMAT and np.array_equal(arrays["tconst"], wanted)
        except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, zlib.error):
            return False

    @classmethod
    def from_bytes(cls, blob: bytes) -> TitleIndex:
        """The index over `blob` itself: its stored members are views of it, not copies."""
        try:
            return cls(index_file.read(blob))
        except (OSError, ValueError, KeyError, zlib.error) as exc:
            raise ValueError(f"not a title index ({exc})") from None

    def save(self, path: Path) -> None:
        """Every member stored, so that `load` maps each array in place."""
        self.complete()
        with open(path, "wb") as handle:
            index_file.write(self._a, handle)

    @classmethod
    def from_pages(cls, pages: PagedBytes) -> TitleIndex:
        """The index over a blob fetched part by part: the deflated members now, in one batch;
        the stored ones (postings, the exact table) as searches touch them."""
        try:
            return cls(index_file.read_paged(pages), pages)
        except (OSError, ValueError, KeyError, zlib.error) as exc:
            raise ValueError(f"not a title index ({exc})") from None

    def complete(self) -> None:
        """Fetch whatever a paged index has not read yet, and inflate all of its text (nothing
        to do for any other)."""
        if self._pages is not None:
            self._pages.fill()
        for name, text in self._texts.items():
            if name not in self._a:  # the whole text, where the packed blocks were
                self._a = {
                    (name if n == f"{name}_z" else n): (text.whole() if n == f"{name}_z" else a)
                    for n, a in self._a.items()
                    if n != f"{name}_z_at"
                }

    def _need(self, name: str, ranges: Iterable[tuple[int, int]]) -> None:
        """Fetch rows [start, stop) of a stored member, for each range, in one go."""
        if self._pages is not None:
            # Not self._a: `complete` swaps the text's blocks there for the whole text.
            at, size = self._at[name], self._itemsize[name]
            self._pages.ensure((at + a * size, at + b * size) for a, b in ranges)

    @classmethod
    def load(cls, path: Path) -> TitleIndex:
        """Memory-mapped: the process reads only the pages a search touches, and shares them
        with its siblings."""
        try:
            return cls(index_file.map_file(Path(path)))
        except (KeyError, zlib.error) as exc:
            raise ValueError(f"not a title index ({exc})") from None

    def __len__(self) -> int:
        return len(self.tconst)

    @property
    def entries(self) -> int:
        return len(self.entry_movie)

    @property
    def postings(self) -> int:
        return len(self._grams)

    # --- reading ---------------------------------------------------------------------------
    def title_of(self, movie: int) -> str:
        """The title of the movie at a position (0 .. len - 1)."""
        return self._title(movie)

    def _title(self, movie: int) -> str:
        a, b = int(self._title_off[movie]), int(self._title_off[movie + 1])
        self._titles.ensure([(a, b)])
        return self._titles.text(a, b)

    def _head(self) -> list[str]:
        """The keys of the most popular entries (entry ids are in popularity order)."""
        if self._head_keys is None:
            self._head_keys = self._keys(np.arange(min(HEAD_ENTRIES, len(self.entry_movie))))
        return self._head_keys

    def _keys(self, entries: np.ndarray) -> list[str]:
        starts, ends = self._key_off[entries], self._key_off[entries + 1]
        text = self._key_text
        text.ensure(zip(starts.tolist(), ends.tolist(), strict=True))
        return text.texts(starts, ends)

    def _candidate(self, movie: int, score: float) -> Candidate:
        fields = self._fields.get(movie)
        if fields is None:  # a sentence names the same films in many of its spans
            year = int(self.year[movie])
            fields = (self.tconst[movie].decode("ascii"), self._title(movie), year or None)
            if len(self._fields) >= FIELDS_KEPT:
                self._fields.clear()
            self._fields[movie] = fields
        tconst, title, year_ = fields
        return Candidate(tconst, title, year_, round(max(0.0, min(100.0, score)), 1))

    def find_tconst(self, tconst: str) -> int | None:
        needle = np.array([tconst.encode("ascii", "ignore")], dtype="S12")[0]
        i = int(np.searchsorted(self.tconst, needle))
        return i if i < len(self.tconst) and self.tconst[i] == needle else None

    def _exact(self, key: str) -> np.ndarray:
        lo, hi = self._exact_bounds(np.array([_hash_key(key)], dtype=np.uint64))
        return self.exact_entry[int(lo[0]) : int(hi[0])]

    def _exact_bounds(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows [lo, hi) of the exact table holding each hash, the entries of those rows
        fetched. Paged, the search reads only a window around where the hash should be (the
        hashes are uniform, so its place is about hash / 2**64 of the way down), widened
        until the window provably brackets it."""
        table = self.exact_hash
        if self._pages is None or not len(table):
            return (
                np.searchsorted(table, hashes, side="left"),
                np.searchsorted(table, hashes, side="right"),
            )
        n = len(table)
        guess = np.minimum(n - 1, (hashes.astype(np.float64) / 2.0**64 * n).astype(np.int64))
        lo = np.zeros(len(hashes), dtype=np.int64)
        hi = np.zeros(len(hashes), dtype=np.int64)
        width, todo = EXACT_WINDOW, np.arange(len(hashes))
        while len(todo):
            a = np.maximum(0, guess[todo] - width)
            b = np.minimum(n, guess[todo] + width)
            self._need("exact_hash", zip(a.tolist(), b.tolist(), strict=True))
            h = hashes[todo]
            # Below the window's first row and above its last: every row with h is inside.
            ok = ((a == 0) | (table[a] < h)) & ((b == n) | (table[b - 1] > h))
            for i, start, stop in zip(
                todo[ok].tolist(), a[ok].tolist(), b[ok].tolist(), strict=True
            ):
                window = table[start:stop]
                lo[i] = start + int(np.searchsorted(window, hashes[i], side="left"))
                hi[i] = start + int(np.searchsorted(window, hashes[i], side="right"))
            todo, width = todo[~ok], width * 4
        self._need("exact_entry", zip(lo.tolist(), hi.tolist(), strict=True))
        return lo, hi

    def _exact_kept(self, key: str, year: int | None = None) -> np.ndarray:
        """The entries whose key is `key`: the EXACT_KEPT most popular (a common title word is
        the whole title of hundreds of films at full scale), and those of the year asked for."""
        exact = self._exact(key)
        if len(exact) <= EXACT_KEPT:
            return exact
        kept = exact[:EXACT_KEPT]  # entry ids are in popularity order
        if year is not None:
            years = self.year[self.entry_movie[exact]].astype(np.int64)
            kept = np.union1d(kept, exact[np.abs(years - year) <= 1])
        return kept

    def _preselect(self, key: str, year: int | None = None) -> np.ndarray:
        """Entry ids sharing the most trigrams with `key` (Jaccard-like), popular first on ties."""
        buckets = _query_buckets(key)
        sizes = self._grams.counts[buckets]
        order = np.argsort(sizes, kind="stable")
        order = order[sizes[order] > 0]
        # Rarest first while the budget holds, and the rarest one whatever its size.
        within = np.cumsum(sizes[order], dtype=np.int64) <= MAX_POSTINGS
        picked = buckets[order[: max(1, int(within.sum()))] if len(order) else order].tolist()
        exact = self._exact_kept(key, year)
        if not picked:
            return exact
        entries = self._most_alike(len(buckets), picked, as_before=False)
        if entries is None:  # equal ranks at the cut: settled as they always were
            entries = self._most_alike(len(buckets), picked, as_before=True)
            assert entries is not None  # as before, there is always an answer
        return _sorted_unique(np.concatenate([entries, exact]))  # np.union1d, without hashing

    def _most_alike(self, grams: int, picked: list[int], as_before: bool) -> np.ndarray | None:
        """The PRESELECT entries of the `picked` buckets most like a key of `grams` trigrams.

        Which entries make the cut is a set; only where ranks tie at its edge did the order
        numpy's argpartition left them in decide. So the quick way (one bucket: its first
        entries, the most popular, decoded alone; several: the cut by counting) answers unless
        such a tie falls after a wide cut, where it returns None, and `as_before` then ranks
        as argpartition always has."""
        wide = PRESELECT_WIDE * PRESELECT
        cut = int(self._grams.counts[picked[0]]) > wide if len(picked) == 1 else False
        if len(picked) == 1 and not as_before:
            # One bucket: every entry shares one trigram, the lowest ids are the wide cut.
            entries = self._grams.head(picked[0], wide)
            shared = np.ones(len(entries), dtype=np.int64)
        else:
            self._grams.prefetch(picked)  # one fetch for all of them, when the index is paged
            chosen = [self._grams.bucket(b) for b in picked]
            hits = np.sort(np.concatenate(chosen))
            edge = np.empty(len(hits), dtype=bool)
            edge[0] = True
            np.not_equal(hits[1:], hits[:-1], out=edge[1:])
            starts = np.flatnonzero(edge)
            entries = hits[starts]
            shared = np.empty(len(starts), dtype=np.int64)  # run lengths (np.diff's is slow)
            np.subtract(starts[1:], starts[:-1], out=shared[:-1])
            shared[-1] = len(hits) - starts[-1]
            cut = len(entries) > wide
            if cut and as_before:
                # Most shared trigrams first, then the more popular (lower id).
                order = shared.astype(np.int64) * (1 << 32) - entries
                kept = np.argpartition(-order, wide)[:wide]
                entries, shared = entries[kept], shared[kept]
            elif cut:
                entries, shared = _most_shared(entries, shared, wide)
        jaccard = shared / (grams + self.entry_grams[entries] - shared)
        rank = jaccard + PRESELECT_PRIOR * self._prior[self.entry_movie[entries]]
        if len(entries) <= PRESELECT:
            return entries
        if not as_before:
            top = _top_set(rank, PRESELECT)
            if top is not None:
                return entries[top]
            if cut:
                return None
        return entries[np.argpartition(-rank, PRESELECT)[:PRESELECT]]

    def _rank(
        self, key: str, year: int | None, article: bool | None = None, head: bool = True
    ) -> list[Rank]:
        """(ranking score, shown score, popularity prior, movie) per movie, best first, the
        first PER_READING of them. The last RANKS_KEPT are kept: reading a sentence ranks a
        span, then resolves it."""
        if not key:
            return []
        held = self._ranked.get((key, year, article, head))
        if held is not None:
            return held
        ranked = self._rank_now(key, year, article, head)
        with self._ranked_lock:  # threads of one server share the index
            while len(self._ranked) >= RANKS_KEPT:
                self._ranked.pop(next(iter(self._ranked)))
            self._ranked[(key, year, article, head)] = ranked
        return ranked

    def _alike(self, key: str, year: int | None) -> _Alike:
        """The preselected entries of `key` and their likeness, before any adjustment: the same
        for every article and for both kinds of search, so a span scored (no popular-title
        scan) and then resolved (with it) preselects and compares once. The last RANKS_KEPT
        are kept; callers build new arrays from these, never change them."""
        held = self._alikes.get((key, year))
        if held is not None:
            return held
        entries = self._preselect(key, year)
        keys = self._keys(entries)
        shown, channel = _similarity(key, keys) if keys else (np.zeros(0), np.zeros(0))
        alike = (entries, keys, shown, channel)
        with self._ranked_lock:
            while len(self._alikes) >= RANKS_KEPT:
                self._alikes.pop(next(iter(self._alikes)))
            self._alikes[(key, year)] = alike
        return alike

    @cached_property
    def _head_by_length(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """`_head`'s entry ids, lengths and keys, shortest first (ties by popularity), and
        how many characters of each class (code point % CHAR_CLASSES) each key has, a row per
        class. The keys are an object array, picked from by an index array at once."""
        head = self._head()
        lengths = np.fromiter(map(len, head), np.int64, len(head))
        order = np.argsort(lengths, kind="stable")
        keys = [head[i] for i in order]
        codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32)
        owner = np.repeat(np.arange(len(keys)), lengths[order])
        counts = np.zeros((CHAR_CLASSES, len(keys)), dtype=np.int32)
        np.add.at(counts, (codes % CHAR_CLASSES, owner), 1)
        return order, lengths[order], np.array(keys, dtype=object), counts

    def _head_near(self, key: str) -> np.ndarray:
        """The HEAD_LIMIT popular entries most like `key` (fuzz.ratio at least HEAD_CUTOFF,
        the more popular first on ties), as `process.extract` over `_head` picks them, for a
        fraction of the comparisons. fuzz.ratio is 200 * LCS / (a + b) for lengths a and b,
        and the longest common subsequence has at most the characters both keys have: so
        only titles of a length, and then of characters, that can reach the cutoff are
        compared."""
        order, lengths, keys, counts = self._head_by_length
        share = HEAD_CUTOFF / 100.0
        # A character of slack each side: the bound is exact, the float compare need not be.
        lo = int(np.searchsorted(lengths, len(key) * share / (2.0 - share) - 1.0, "left"))
        hi = int(np.searchsorted(lengths, len(key) * (2.0 - share) / share + 1.0, "right"))
        mine = np.bincount(
            np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32) % CHAR_CLASSES,
            minlength=CHAR_CLASSES,
        )
        used = np.flatnonzero(mine)
        common = np.minimum(counts[used, lo:hi], mine[used, None]).sum(axis=0)
        # Half a point of slack, for the same reason.
        near = lo + np.flatnonzero(
            200 * common >= (HEAD_CUTOFF - 0.5) * (len(key) + lengths[lo:hi])
        )
        scores = process.cdist(
            [key],
            keys[near].tolist(),
            scorer=fuzz.ratio,
            score_cutoff=HEAD_CUTOFF,
            dtype=np.float64,
            workers=1,
        )[0]
        hit = np.flatnonzero(scores >= HEAD_CUTOFF)
        ids, scores = order[near[hit]], scores[hit]
        return ids[np.lexsort((ids, -scores))[:HEAD_LIMIT]].astype(np.int64)

    def _rank_now(self, key: str, year: int | None, article: bool | None, head: bool) -> list[Rank]:
        entries, keys, shown, channel = self._alike(key, year)
        if head and (not len(shown) or shown.max() < HEAD_WHEN_BELOW):
            # Typos in short words leave few trigrams in common; people mostly ask for films
            # others have seen, so compare with every popular title outright.
            extra = np.setdiff1d(self._head_near(key), entries)
            if len(extra):
                entries = np.concatenate([entries, extra])
                extra_keys = self._keys(extra)
                keys = keys + extra_keys
                more = _similarity(key, extra_keys)
                shown = np.concatenate([shown, more[0]])
                channel = np.concatenate([channel, more[1]])
        if len(entries) == 0:
            return []
        movies = self.entry_movie[entries]
        years = self.year[movies].astype(np.int64)
        adjust = np.zeros(len(entries))
        if year is not None:
            gap = np.abs(years - year)
            off = -np.minimum(YEAR_OFF_MAX, YEAR_OFF + gap)
            bonus = np.where(gap == 0, YEAR_AGREES, np.where(gap == 1, YEAR_NEAR, off))
            adjust += np.where(years > 0, bonus, 0.0)
        wanted = numbers(key)
        if wanted:  # "rocky 4" must not land on a Rocky without a 4
            # A wanted number is a digit string: in a key's numbers exactly when a word of it,
            # that is (a key's words are single-spaced) when " n " is in " key ".
            said = list(map(str, years.tolist()))
            missing = np.zeros(len(keys))
            for n in sorted(wanted):
                needle = f" {n} "
                missing += np.fromiter(
                    (n != y and needle not in f" {k} " for k, y in zip(keys, said, strict=True)),
                    dtype=bool,
                    count=len(keys),
                )
            adjust -= NUMBER_MISSING * missing
        # A film's own title outranks the same words as another film's alternate (working
        # titles, festival titles): "Enchanted" is the 2007 film, not an aka of "Elf".
        adjust -= ALIAS_COST * self.entry_alias[entries]
        if article is not None:
            adjust += ARTICLE_AGREES * (self.entry_article[entries] == article)
        shown = shown + adjust
        prior = self._prior[movies]
        ranking = channel + adjust + prior
        order = np.lexsort((movies, -ranking))
        _, first = np.unique(movies[order], return_index=True)  # each movie's best entry
        # Only the best PER_READING: no caller reads further, and every row kept is a tuple
        # the garbage collector must look at (its collections took 1-4 ms, in 1 answer of 30).
        keep = order[np.sort(first)[:PER_READING]]
        return list(
            zip(
                ranking[keep].tolist(),
                shown[keep].tolist(),
                prior[keep].tolist(),
                movies[keep].tolist(),
                strict=True,
            )
        )

    def score_spans(
        self, keys: Sequence[str], fuzzy: Sequence[bool] | None = None
    ) -> list[SpanMatch | None]:
        """The best movie for each normalised key (spans of a sentence), cheaply: exact-key hits
        for all keys at once (one vectorised hash and search); then, for the keys flagged in
        `fuzzy` that hit nothing, the plain reading ranked as `resolve` ranks it (no year, no
        guessed slips). None where no movie passes the no-match floor."""
        out: list[SpanMatch | None] = [None] * len(keys)
        if not keys or not len(self.exact_hash):
            return out
        hashes = _hash_keys(keys)
        lo, hi = self._exact_bounds(hashes)
        lengths = np.fromiter((len(k.encode("utf-8")) for k in keys), np.int64, len(keys))
        found = np.flatnonzero(hi > lo)
        # The first EXACT_KEPT rows of each key found, all keys at once (`group`: whose).
        counts = np.minimum(hi[found] - lo[found], EXACT_KEPT)
        group = np.repeat(np.arange(len(found)), counts)
        rows = np.arange(int(counts.sum())) + np.repeat(
            lo[found] - (np.cumsum(counts) - counts), counts
        )
        entries = self.exact_entry[rows]
        # A 64-bit hash and the same length: the same key, without decoding each entry.
        same = self._key_off[entries + 1] - self._key_off[entries] == lengths[found][group]
        entries, group = entries[same], group[same]  # a hash collision leaves a key none
        movies = self.entry_movie[entries]
        value = self._prior[movies] - ALIAS_COST * self.entry_alias[entries]
        # Each key's best: the first of its highest values (as np.argmax picks it).
        order = np.lexsort((np.arange(len(value)), -value, group))
        whose = group[order]
        firsts = order[np.flatnonzero(np.r_[True, whose[1:] != whose[:-1]])[: len(order)]]
        for i, entry, movie in zip(
            found[group[firsts]].tolist(),
            entries[firsts].tolist(),
            movies[firsts].tolist(),
            strict=True,
        ):
            shown = 100.0 - ALIAS_COST * float(self.entry_alias[entry])
            prior = float(self._prior[movie])
            out[i] = SpanMatch(self._candidate(movie, shown), shown, prior, exact=True)
        for i, key in enumerate(keys):
            if out[i] is not None or not fuzzy or not fuzzy[i] or not key:
                continue
            # No year, no article: as `resolve` ranks a plain reading, so it reuses this one.
            # A key of several words has trigrams enough: the scan of popular titles, for
            # typos in short words, is left out.
            ranked = self._rank(key, None, False, head=" " not in key)[:1]
            if ranked and _claim(ranked[0][:3]) >= no_match_below(key):
                _ranking, shown, prior, movie = ranked[0]
                out[i] = SpanMatch(self._candidate(movie, shown), shown, prior, exact=False)
        return out

    def resolve(self, text: str) -> Resolution:
        query = parse_query(text)
        if query.tconst:
            movie = self.find_tconst(query.tconst)
            if movie is not None:
                return Resolution(query.tconst, "matched", self._candidate(movie, EXACT), [])
            if not query.text:
                return Resolution(query.tconst, "no_match", None, [])
        if not normalize(query.text):
            return Resolution(query.text, "empty", None, [])
        merged: dict[int, tuple[float, float, float]] = {}  # ranking, shown, claim's lift
        agree: dict[int, int] = {}
        alternates = "(" in query.text
        variants = query.variants()
        # Readings that guess at a slip ("Tme Martian" as "martian") come last and pay for it;
        # they are worked out only if no plain reading found the exact title.
        readings = chain(
            ((v, *split_article(v), year, 0.0) for v, year in variants),
            (
                (v, key, article, year, GUESSED_READING_COST)
                for v, year in variants
                for key, article in typed_readings(v)
            ),
        )
        for variant, key, article, year, cost in readings:
            ranked_variant = [
                (ranking - cost, shown - cost, prior, movie)
                for ranking, shown, prior, movie in self._rank(key, year, article)[:PER_READING]
            ]
            for ranking, shown, prior, movie in ranked_variant:
                if movie not in merged or ranking > merged[movie][0]:
                    merged[movie] = (ranking, shown, prior)
                if alternates and variant != query.text and shown >= AGREES_FROM:
                    agree[movie] = agree.get(movie, 0) + 1
            if not alternates and ranked_variant and ranked_variant[0][1] >= EXACT:
                break  # an exact title (and year, when given): other readings cannot beat it
        for movie, count in agree.items():
            # "Circle, The (Dayereh)": the film both names fit is the one meant.
            ranking, shown, lift = merged[movie]
            bonus = CORROBORATED * (count - 1)
            merged[movie] = (ranking + bonus, shown, lift + bonus)
        ranked = sorted(merged.items(), key=lambda item: (-item[1][0], item[0]))
        floor = no_match_below(normalize(query.text))
        if not ranked or _claim(ranked[0][1]) < floor:
            alternatives = [
                self._candidate(m, s)
                for m, (_r, s, _l) in ranked[:ALTERNATIVES]
                if s >= SUGGEST_FLOOR
            ]
            return Resolution(query.text, "no_match", None, alternatives)
        (best, (best_rank, best_shown, _lift)), rest = ranked[0], ranked[1 : 1 + ALTERNATIVES]
        top = self._candidate(best, best_shown)
        others = [self._candidate(m, s) for m, (_r, s, _l) in rest if s >= SUGGEST_FLOOR]
        if rest and _claim(rest[0][1]) >= floor and best_rank - rest[0][1][0] < AMBIGUOUS_WITHIN:
            return Resolution(query.text, "ambiguous", None, [top, *others])
        return Resolution(query.text, "matched", top, others)

    def suggest(self, text: str, limit: int = 10) -> list[Candidate]:
        """Typeahead: the best few titles for a partial text (prefixes count in full)."""
        query = parse_query(text)
        if query.tconst and (movie := self.find_tconst(query.tconst)) is not None:
            return [self._candidate(movie, EXACT)]
        key = normalize(query.text)
        if not key:
            return []
        entries = self._preselect(key)
        keys = self._keys(entries)
        if not keys:
            return []
        sims = process.cdist([key], keys, scorer=fuzz.WRatio)[0]
        best: dict[int, tuple[float, float]] = {}
        for e, entry_key, sim in zip(entries, keys, sims, strict=True):
            movie = int(self.entry_movie[e])
            score = EXACT if entry_key.startswith(key) else float(sim)
            ranking = score + float(self._prior[movie])
            if movie not in best or ranking > best[movie][0]:
                best[movie] = (ranking, score)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        return [self._candidate(m, s) for m, (_r, s) in ranked[:limit] if s >= SUGGEST_FLOOR]
