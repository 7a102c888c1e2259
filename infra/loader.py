"""The loader Lambda: S3 invokes it when SageMaker writes `models/.../model.tar.gz`.

It downloads the archive to /tmp, extracts only the files the loader reads (no paths outside
the target, no links or devices, bounded sizes), then runs `bot.usecases.loader.load_artifact`
against the configured store (MOVIEBOT_STORE, dynamodb://TABLE in AWS). Standard library and
boto3 only (plus numpy/rapidfuzz for the title index); no pandas.
"""

from __future__ import annotations

import logging
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

import boto3

from bot.adapters.store import StoreError, open_store
from bot.config import Settings
from bot.core.artifact import (
    AKAS_FILE,
    MANIFEST_FILE,
    MOVIES_FILE,
    REPORT_DIR,
    REPORT_SUFFIXES,
    TITLE_INDEX_FILE,
    ArtifactError,
)
from bot.usecases.loader import LoadError, LoadReport, load_artifact

logger = logging.getLogger(__name__)

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


def s3_objects(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of each model.tar.gz in an S3 notification (or EventBridge) event."""
    found = []
    for record in event.get("Records", []):
        s3 = record.get("s3", {})
        bucket, key = s3.get("bucket", {}).get("name"), s3.get("object", {}).get("key")
        if bucket and key:
            found.append((bucket, unquote_plus(key)))
    detail = event.get("detail", {})
    if detail.get("bucket", {}).get("name") and detail.get("object", {}).get("key"):
        found.append((detail["bucket"]["name"], detail["object"]["key"]))
    return [(b, k) for b, k in found if k.endswith(ARCHIVE_NAME)]


def load_from_s3(
    bucket: str, key: str, settings: Settings, *, s3: Any = None, limits: Limits = Limits()
) -> LoadReport:
    s3 = s3 or boto3.client("s3")
    head = s3.head_object(Bucket=bucket, Key=key)
    if int(head.get("ContentLength", 0)) > limits.archive_bytes:
        raise UnsafeArchive(f"s3://{bucket}/{key} is larger than {limits.archive_bytes} bytes")
    with tempfile.TemporaryDirectory(prefix="moviebot-load-") as tmp:
        archive = Path(tmp) / ARCHIVE_NAME
        s3.download_file(bucket, key, str(archive))
        model_dir = extract_model(archive, Path(tmp) / "model", limits)
        archive.unlink()  # /tmp is finite: keep only what the loader reads
        store = open_store(settings.store_url, endpoint_url=settings.aws_endpoint_url)
        try:
            return load_artifact(model_dir, store)
        finally:
            store.close()


def handler(event: dict[str, Any], context: Any = None, *, s3: Any = None) -> dict[str, Any]:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level)
    results: list[dict[str, Any]] = []
    for bucket, key in s3_objects(event):
        source = f"s3://{bucket}/{key}"
        try:
            report = load_from_s3(bucket, key, settings, s3=s3)
        except (ArtifactError, LoadError, StoreError) as exc:
            # A bad artifact is reported, not retried: the previous version keeps serving.
            logger.error("not loaded %s: %s", source, exc)
            results.append({"source": source, "loaded": False, "error": str(exc)})
            continue
        logger.info("%s: %s", source, report.summary())
        results.append(
            {
                "source": source,
                "loaded": True,
                "version": report.version,
                "movies": report.movies,
                "activated": report.activated,
                "summary": report.summary(),
            }
        )
    return {"results": results}
