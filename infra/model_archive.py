"""model.tar.gz, as SageMaker writes it, read safely: the loader extracts only the files it reads
(no paths outside the target, no links or devices, bounded sizes); notify streams manifest.json
out of it in S3 (nothing written to disk)."""

from __future__ import annotations

import json
import logging
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from bot.core.artifact import (
    AKAS_FILE,
    MANIFEST_FILE,
    MOVIES_FILE,
    REPORT_DIR,
    REPORT_SUFFIXES,
    TITLE_INDEX_FILE,
    ArtifactError,
)
from bot.core.manifest import Manifest

log = logging.getLogger(__name__)

ARCHIVE_NAME = "model.tar.gz"
WANTED = (MANIFEST_FILE, MOVIES_FILE, AKAS_FILE)
OPTIONAL = (TITLE_INDEX_FILE,)  # the loader builds the index itself when the artifact lacks it


@dataclass(frozen=True)
class Limits:
    # A full-scale model.tar.gz is ~250 MB (the pipeline and report included); the files the
    # loader reads are ~220 MB. Generous, but far below the function's 4 GB of /tmp.
    archive_bytes: int = 1 << 30
    file_bytes: int = 1 << 30
    total_bytes: int = 2 << 30
    members: int = 10_000


DEFAULT_LIMITS = Limits()


class UnsafeArchive(ArtifactError):
    """The archive holds something the loader will not extract."""


def _member_name(member: tarfile.TarInfo) -> str | None:
    """The artifact file this member is (`report/NAME` for a report file), or None for a member
    the loader does not need."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise UnsafeArchive(f"{member.name!r}: a path outside the model directory")
    parts = [p for p in path.parts if p != "."]
    wanted = (len(parts) == 1 and parts[0] in (*WANTED, *OPTIONAL)) or (
        len(parts) == 2 and parts[0] == REPORT_DIR and parts[1].endswith(REPORT_SUFFIXES)
    )
    if not wanted:
        return None
    if not member.isfile():
        raise UnsafeArchive(f"{member.name!r}: not a regular file (links are refused)")
    return "/".join(parts)


def extract_model(archive: Path, target: Path, limits: Limits = Limits()) -> Path:
    """Extract manifest.json, movies.csv.gz, akas.csv.gz, the title index when there is one and
    the report's text and plots from `archive` into `target`."""
    if archive.stat().st_size > limits.archive_bytes:
        raise UnsafeArchive(f"{archive.name} is larger than {limits.archive_bytes} bytes")
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    found: set[str] = set()
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for count, member in enumerate(tar, start=1):
                if count > limits.members:
                    raise UnsafeArchive(f"{archive.name} holds more than {limits.members} files")
                name = _member_name(member)
                if name is None:
                    continue
                if name in found:
                    raise UnsafeArchive(f"{archive.name} holds {name} twice")
                if member.size > limits.file_bytes:
                    raise UnsafeArchive(f"{name} is larger than {limits.file_bytes} bytes")
                total += member.size
                if total > limits.total_bytes:
                    raise UnsafeArchive(f"{archive.name} unpacks to more than {limits.total_bytes}")
                source = tar.extractfile(member)
                if source is None:
                    raise UnsafeArchive(f"{name}: unreadable")
                # Written by name under `target`: the member's own path and mode never matter.
                (target / name).parent.mkdir(exist_ok=True)
                with source, open(target / name, "wb") as out:
                    copied = 0
                    while chunk := source.read(1 << 20):
                        copied += len(chunk)
                        if copied > member.size:
                            raise UnsafeArchive(f"{name} is longer than its header says")
                        out.write(chunk)
                found.add(name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArtifactError(f"{archive.name}: not a readable tar.gz ({exc})") from None
    missing = [name for name in WANTED if name not in found]
    if missing:
        raise ArtifactError(f"{archive.name} lacks {', '.join(missing)}")
    return target


def read_manifest(s3: Any, uri: str) -> Manifest | None:
    """manifest.json out of model.tar.gz, streamed; None (logged) when it cannot be read."""
    parsed = urlparse(uri)
    try:
        body = s3.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"]
        with tarfile.open(fileobj=body, mode="r|gz") as tar:
            for member in tar:
                if member.isfile() and member.name.removeprefix("./") == MANIFEST_FILE:
                    handle = tar.extractfile(member)
                    data = json.loads(handle.read()) if handle else None
                    return Manifest.from_dict(data)  # checked as the loader will check it
    except Exception as exc:  # the message goes out without the summary rather than not at all
        log.warning("could not read %s from %s: %s", MANIFEST_FILE, uri, exc)
        return None
    log.warning("%s has no %s", uri, MANIFEST_FILE)
    return None
