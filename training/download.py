"""`make data`: download IMDb's dataset files, resumable, verified as gzip, with progress.

A partial download is kept as `NAME.part` and resumed with an HTTP Range request; a file is
renamed into place only after it decompresses cleanly to the end, so a present file is a good one.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

IMDB_BASE_URL = "https://datasets.imdbws.com/"
IMDB_FILES = ("title.basics.tsv.gz", "title.ratings.tsv.gz", "title.akas.tsv.gz")
CHUNK = 1 << 20
TIMEOUT_SECONDS = 60


class DownloadError(Exception):
    """A file could not be fetched or is not a complete gzip stream."""


@dataclass(frozen=True)
class Fetched:
    name: str
    bytes: int
    resumed_from: int
    skipped: bool


Progress = Callable[[str, int, int | None], None]


def verify_gzip(path: Path) -> None:
    """Decompress to the end (multi-member aware): a truncated or corrupt file raises."""
    try:
        with path.open("rb") as handle:
            decompressor = zlib.decompressobj(wbits=47)  # 32+15: gzip or zlib header
            while chunk := handle.read(CHUNK):
                data = chunk
                while data:
                    decompressor.decompress(data, 0)
                    data = decompressor.unused_data
                    if data:  # a new gzip member starts
                        decompressor = zlib.decompressobj(wbits=47)
            if not decompressor.eof:
                raise DownloadError(f"{path.name}: truncated gzip (ends mid-stream)")
    except zlib.error as exc:
        raise DownloadError(f"{path.name}: not a valid gzip file ({exc})") from None


def _copy(
    response: IO[bytes], out: IO[bytes], name: str, done: int, total: int | None, progress: Progress
) -> int:
    while chunk := response.read(CHUNK):
        out.write(chunk)
        done += len(chunk)
        progress(name, done, total)
    return done


def fetch(
    base_url: str, name: str, out_dir: Path, progress: Progress, force: bool = False
) -> Fetched:
    final = out_dir / name
    part = out_dir / f"{name}.part"
    if final.exists() and not force:
        verify_gzip(final)
        return Fetched(name, final.stat().st_size, 0, skipped=True)
    start = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(base_url.rstrip("/") + "/" + name)
    if start:
        request.add_header("Range", f"bytes={start}-")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            length = response.headers.get("Content-Length")
            if response.status == 206:
                total = start + int(length) if length else None
                mode = "ab"
            else:  # the server ignored the range: start over
                start, mode = 0, "wb"
                total = int(length) if length else None
            with part.open(mode) as out:
                done = _copy(response, out, name, start, total, progress)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # nothing left to send: the part is complete
            done, total = start, start
        else:
            raise DownloadError(f"{name}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(
            f"{name}: download interrupted ({reason}); run again to resume"
        ) from None
    if total is not None and done < total:
        raise DownloadError(f"{name}: got {done:,} of {total:,} bytes; run again to resume")
    try:
        verify_gzip(part)
    except DownloadError:
        part.unlink()  # a corrupt part would poison every resume
        raise
    os.replace(part, final)
    return Fetched(name, done, start, skipped=False)


def terminal_progress(stream: TextIO | None = None) -> Progress:
    """A one-line progress bar on a terminal; nothing at all when not on one."""
    out = sys.stderr if stream is None else stream
    if not out.isatty():
        return lambda name, done, total: None
    last = [-1]

    def show(name: str, done: int, total: int | None) -> None:
        percent = int(done * 100 / total) if total else -1
        if percent == last[0] and total:
            return
        last[0] = percent
        size = f"{done / 1e6:,.1f} MB"
        text = f"{name}: {percent:3d}% of {total / 1e6:,.1f} MB" if total else f"{name}: {size}"
        out.write(f"\r{text}\033[K")
        if total and done >= total:
            out.write("\n")
        out.flush()

    return show


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.download", description="Download IMDb's dataset files."
    )
    parser.add_argument("--out", type=Path, default=Path("data"), help="target directory")
    parser.add_argument(
        "--base-url", default=IMDB_BASE_URL, help="where the files are (default: IMDb's site)"
    )
    parser.add_argument("--force", action="store_true", help="download again even if present")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    progress = terminal_progress()
    try:
        for name in IMDB_FILES:
            got = fetch(args.base_url, name, args.out, progress, force=args.force)
            how = (
                "already present"
                if got.skipped
                else (
                    f"resumed at {got.resumed_from:,} bytes" if got.resumed_from else "downloaded"
                )
            )
            print(f"{name}: {got.bytes / 1e6:,.1f} MB, {how}, verified")
    except DownloadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
