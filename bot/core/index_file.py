"""The title index's bytes: a .npz (a zip of .npy members, so numpy and zip tools read it) in
which each member is either stored or deflated, and every stored member starts 64-byte
aligned.

Stored members are read in place: views of the bytes a store returned, or of a memory-mapped
file, so a new process copies and decompresses nothing for them; only the very compressible
members are deflated (they would otherwise be most of what a store sends). Those are inflated
each in one call, side by side on threads (zlib lets go of the GIL while it inflates), as it
is most of a cold start's CPU.
"""

from __future__ import annotations

import io
import mmap
import os
import threading
import zipfile
import zlib
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import numpy as np

from bot.core.paged import PagedBytes

ALIGN = 64  # numpy pads .npy headers to this, so an aligned member has aligned data
_PAD_ID = b"\x35\xd9"  # a zip extra field readers skip: the padding that aligns a member
_LOCAL_HEADER = 30  # fixed bytes of a zip local file header
_END_RECORD = b"PK\x05\x06"  # the zip's end of central directory record
_END_SEARCH = 22 + 0xFFFF  # the record, and the longest comment that may follow it
_HEADER_ROOM = 4096 + ALIGN  # an .npy header and the padding before it
INFLATE_THREADS = 4  # at most; members are inflated side by side, biggest first


def to_bytes(arrays: Mapping[str, np.ndarray], deflated: Collection[str] = ()) -> bytes:
    """The .npz bytes of `arrays`, those named in `deflated` compressed; the same bytes for
    the same arrays (fixed member times)."""
    buffer = io.BytesIO()
    write(arrays, buffer, deflated)
    return buffer.getvalue()


def write(
    arrays: Mapping[str, np.ndarray], into: IO[bytes], deflated: Collection[str] = ()
) -> None:
    """`to_bytes` written to a seekable file, without holding them all in memory."""
    with zipfile.ZipFile(into, "w", allowZip64=True) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            if name in deflated:
                info.compress_type = zipfile.ZIP_DEFLATED
            else:
                info.compress_type = zipfile.ZIP_STORED
                start = into.tell() + _LOCAL_HEADER + len(info.filename.encode()) + 4
                pad = -start % ALIGN
                info.extra = _PAD_ID + pad.to_bytes(2, "little") + bytes(pad)
            archive.writestr(info, member.getbuffer(), compresslevel=6)


def read(blob: bytes | mmap.mmap | np.ndarray) -> dict[str, np.ndarray]:
    """Every member: stored ones as read-only views of `blob`, deflated ones inflated.
    Raises ValueError when `blob` is not such a file."""
    try:
        with zipfile.ZipFile(Reader(blob)) as archive:
            return _members(archive.infolist(), blob)
    except (OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"not an index file ({exc})") from None


def read_paged(paged: PagedBytes) -> dict[str, np.ndarray]:
    """`read` of a blob fetched part by part: the zip's directory, then in one batch every
    deflated member and the headers of the stored ones. Stored members are views of
    `paged.buffer` whose bytes are not fetched yet: a reader `ensure`s what it touches."""
    size = len(paged)
    paged.ensure([(size - _END_SEARCH, size)])
    tail = paged.buffer[max(0, size - _END_SEARCH) :].tobytes()
    at = tail.rfind(_END_RECORD)
    if at < 0 or at + 22 > len(tail):
        raise ValueError("not an index file (no zip directory)")
    directory = int.from_bytes(tail[at + 16 : at + 20], "little")
    if directory == 0xFFFFFFFF:  # zip64: not what `write` makes for an index, but valid
        paged.fill()
    else:
        paged.ensure([(directory, size)])
    try:
        with zipfile.ZipFile(Reader(paged.buffer)) as archive:
            infos = sorted(archive.infolist(), key=lambda info: info.header_offset)
            ends = [info.header_offset for info in infos[1:]] + [directory]
            paged.ensure(_span(info, end) for info, end in zip(infos, ends, strict=True))
            return _members(infos, paged.buffer)
    except (OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"not an index file ({exc})") from None


def _span(info: zipfile.ZipInfo, end: int) -> tuple[int, int]:
    """The bytes of a member a reader needs at once: all of a deflated one (up to the next
    member, `end`), the headers of a stored one."""
    if info.compress_type != zipfile.ZIP_STORED:
        return info.header_offset, end
    headers = _LOCAL_HEADER + len(info.filename) + len(info.extra) + _HEADER_ROOM
    return info.header_offset, min(end, info.header_offset + headers)


def map_file(path: Path) -> dict[str, np.ndarray]:
    """`read` of a file, memory-mapped: pages are read when a search touches them, and shared
    with the other processes that map the same file."""
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return read(mapped)  # the views keep the map open


def _members(
    infos: list[zipfile.ZipInfo], blob: bytes | mmap.mmap | np.ndarray
) -> dict[str, np.ndarray]:
    """Every member by name: the stored ones as views of `blob`, the deflated ones inflated on
    threads, biggest first."""
    for info in infos:
        if not info.filename.endswith(".npy"):
            raise ValueError(f"unexpected member {info.filename}")
    deflated = sorted(
        (i for i in infos if i.compress_type != zipfile.ZIP_STORED), key=lambda i: -i.file_size
    )
    inflated: dict[str, np.ndarray] = {}
    if deflated:
        workers = max(1, min(INFLATE_THREADS, os.cpu_count() or 1, len(deflated)))
        with ThreadPoolExecutor(workers, thread_name_prefix="inflate") as pool:
            arrays = pool.map(lambda info: _inflated(info, blob), deflated)
            inflated = {i.filename: a for i, a in zip(deflated, arrays, strict=True)}
    return {
        info.filename.removesuffix(".npy"): inflated[info.filename]
        if info.filename in inflated
        else _stored(info, blob)
        for info in infos
    }


def _data_start(info: zipfile.ZipInfo, blob: bytes | mmap.mmap | np.ndarray) -> int:
    """Where a member's data begins: after its local header, whose name and extra field may
    differ in length from the directory's."""
    local = bytes(blob[info.header_offset : info.header_offset + _LOCAL_HEADER])
    if len(local) < _LOCAL_HEADER or local[:4] != b"PK\x03\x04":
        raise ValueError(f"member {info.filename} has no local header")
    name_len = int.from_bytes(local[26:28], "little")
    extra_len = int.from_bytes(local[28:30], "little")
    return info.header_offset + _LOCAL_HEADER + name_len + extra_len


def _inflated(info: zipfile.ZipInfo, blob: bytes | mmap.mmap | np.ndarray) -> np.ndarray:
    """A deflated member, inflated in one call and checked against its CRC."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError(f"member {info.filename} is compressed in an unknown way")
    start = _data_start(info, blob)
    packed = memoryview(blob)[start : start + info.compress_size]  # type: ignore[arg-type]
    try:
        raw = zlib.decompress(packed, -zlib.MAX_WBITS, max(1, info.file_size))
    except zlib.error as exc:
        raise ValueError(f"member {info.filename} does not inflate ({exc})") from None
    if len(raw) != info.file_size or zlib.crc32(raw) != info.CRC:
        raise ValueError(f"member {info.filename} is damaged (size or CRC)")
    return _array_in(info, raw, 0, len(raw))


def _stored(info: zipfile.ZipInfo, blob: bytes | mmap.mmap | np.ndarray) -> np.ndarray:
    """A stored member: a view of `blob`, not a copy."""
    start = _data_start(info, blob)
    return _array_in(info, blob, start, start + info.file_size)


def _array_in(
    info: zipfile.ZipInfo, blob: bytes | mmap.mmap | np.ndarray, start: int, stop: int
) -> np.ndarray:
    """The .npy array held in blob[start:stop], as a read-only view."""
    header = io.BytesIO(bytes(blob[start : start + min(stop - start, 4096)]))
    shape, fortran, dtype = _array_header(header)
    if dtype.hasobject:
        raise ValueError("object arrays are not allowed")
    count = int(np.prod(shape))
    offset = start + header.tell()
    if offset + count * dtype.itemsize > stop:
        raise ValueError(f"member {info.filename} is cut short")
    if offset + count * dtype.itemsize < stop and info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"member {info.filename} is longer than its array")
    flat = np.frombuffer(blob, dtype=dtype, count=count, offset=offset)
    flat.flags.writeable = False  # a view of a paged buffer would be writable
    return flat.reshape(shape, order="F" if fortran else "C")


# numpy reads an array header with ast.literal_eval, and CPython 3.11's AST constructor is not
# safe across threads (python/cpython#106905): headers read by the background index fetch and
# by an answer at once failed now and then with "AST constructor recursion depth mismatch".
_HEADER_LOCK = threading.Lock()


def _array_header(handle: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(handle)
    with _HEADER_LOCK:
        if version == (1, 0):
            return np.lib.format.read_array_header_1_0(handle)
        return np.lib.format.read_array_header_2_0(handle)


class Reader(io.RawIOBase):
    """A seekable file over bytes or a map without copying them (zipfile wants a file)."""

    def __init__(self, data: bytes | mmap.mmap | np.ndarray) -> None:
        self._view = memoryview(data)  # type: ignore[arg-type]  # an ndarray is a buffer
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: len(self._view)}[whence]
        self._at = max(0, base + offset)
        return self._at

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._view[self._at : self._at + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._at += len(chunk)
        return len(chunk)
