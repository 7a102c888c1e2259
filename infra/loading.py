"""The loader's logic: each model.tar.gz an S3 event names is downloaded to /tmp, extracted
safely (infra/model_archive.py) and loaded into the configured store by
`bot.usecases.loader.load_artifact`, which switches the bot over to it. A bad artifact is
reported, not retried: the previous version keeps serving."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.adapters.store import StoreError, open_store
from bot.config import Settings
from bot.core.artifact import ArtifactError
from bot.usecases.loader import LoadError, LoadReport, load_artifact
from infra.model_archive import ARCHIVE_NAME, DEFAULT_LIMITS, Limits, UnsafeArchive, extract_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadOutcome:
    """One archive's load: its report, or why it was refused."""

    source: str
    seconds: float
    report: LoadReport | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The loader's answer for this archive (the notify function reads it)."""
        if self.report is None:
            return {"source": self.source, "loaded": False, "error": self.error}
        return {
            "source": self.source,
            "loaded": True,
            "version": self.report.version,
            "movies": self.report.movies,
            "activated": self.report.activated,
            "summary": self.report.summary(),
        }


def load_from_s3(
    bucket: str, key: str, settings: Settings, *, s3: Any, limits: Limits = DEFAULT_LIMITS
) -> LoadReport:
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


def load_models(
    objects: Iterable[tuple[str, str]], settings: Settings, *, s3: Any
) -> list[LoadOutcome]:
    """Load each (bucket, key) in turn; one refused archive does not stop the others."""
    outcomes: list[LoadOutcome] = []
    for bucket, key in objects:
        source = f"s3://{bucket}/{key}"
        started = time.monotonic()
        try:
            report = load_from_s3(bucket, key, settings, s3=s3)
        except (ArtifactError, LoadError, StoreError) as exc:
            log.error("not loaded %s: %s", source, exc)
            outcomes.append(LoadOutcome(source, time.monotonic() - started, error=str(exc)))
            continue
        log.info("%s: %s", source, report.summary())
        outcomes.append(LoadOutcome(source, time.monotonic() - started, report=report))
    return outcomes
