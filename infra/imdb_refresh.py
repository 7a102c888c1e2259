"""Copy IMDb's current dumps into the data bucket, only the files that changed.

Done in the retrain Lambda, before the training job is created, because SageMaker downloads an
S3 channel before the training script starts: the data must be in S3 first. A change is told by
the source's ETag / Last-Modified / size, kept as metadata on the S3 copy, so an unchanged
dump costs one HEAD request each. The copy streams (multipart, a few parts in memory), so a
~1 GB refresh needs no disk and little memory.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from boto3.s3.transfer import TransferConfig

log = logging.getLogger(__name__)

DATA_PREFIX = "imdb/"
FINGERPRINT_KEY = "source-fingerprint"
TIMEOUT_SECONDS = 60
# 32 MiB parts, 4 in flight: ~128 MiB of buffers in a 512 MB function.
TRANSFER = TransferConfig(
    multipart_chunksize=32 << 20, multipart_threshold=32 << 20, max_concurrency=4
)

Opener = Callable[..., Any]


class RefreshError(Exception):
    """A dump could not be fetched and there is no earlier copy to train on."""


@dataclass(frozen=True)
class Refreshed:
    name: str
    copied: bool  # False: the S3 copy was already current (or the source was unreachable)
    bytes: int
    note: str = ""


def _fingerprint(headers: Any) -> str:
    parts = (
        headers.get("ETag") or "",
        headers.get("Last-Modified") or "",
        headers.get("Content-Length") or "",
    )
    return "|".join(part.strip() for part in parts)


def _s3_fingerprint(s3: Any, bucket: str, key: str) -> str | None:
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return str(head.get("Metadata", {}).get(FINGERPRINT_KEY, ""))


def refresh_file(
    s3: Any, bucket: str, base_url: str, name: str, *, opener: Opener = urllib.request.urlopen
) -> Refreshed:
    url = base_url.rstrip("/") + "/" + name
    key = DATA_PREFIX + name
    current = _s3_fingerprint(s3, bucket, key)
    try:
        with opener(urllib.request.Request(url, method="HEAD"), timeout=TIMEOUT_SECONDS) as head:
            fingerprint = _fingerprint(head.headers)
    except (urllib.error.URLError, OSError) as exc:
        if current is None:
            raise RefreshError(
                f"{url}: unreachable ({exc}) and no copy in s3://{bucket}/{key}"
            ) from None
        log.warning("%s unreachable (%s): training on the copy already in S3", url, exc)
        return Refreshed(name, copied=False, bytes=0, note=f"source unreachable: {exc}")
    if current == fingerprint:
        return Refreshed(name, copied=False, bytes=0, note="unchanged")
    with opener(url, timeout=TIMEOUT_SECONDS) as response:
        # The fingerprint of what is actually downloaded, in case the file changed since HEAD.
        fingerprint = _fingerprint(response.headers)
        expected = response.headers.get("Content-Length")
        s3.upload_fileobj(
            response,
            bucket,
            key,
            ExtraArgs={"Metadata": {FINGERPRINT_KEY: fingerprint, "source-url": url}},
            Config=TRANSFER,
        )
    size = int(s3.head_object(Bucket=bucket, Key=key)["ContentLength"])
    if expected is not None and size != int(expected):
        # A short copy must not be taken for current next time.
        s3.delete_object(Bucket=bucket, Key=key)
        raise RefreshError(f"{url}: copied {size} of {expected} bytes; removed the partial copy")
    log.info("copied %s to s3://%s/%s (%d bytes)", url, bucket, key, size)
    return Refreshed(name, copied=True, bytes=size)


def refresh_imdb(
    s3: Any,
    bucket: str,
    base_url: str,
    names: Sequence[str],
    *,
    opener: Opener = urllib.request.urlopen,
) -> list[Refreshed]:
    return [refresh_file(s3, bucket, base_url, name, opener=opener) for name in names]
