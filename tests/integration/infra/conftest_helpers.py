"""Shared pieces of the infra integration tests: a local stand-in for IMDb's dataset site
(HEAD and GET with ETag / Last-Modified / Content-Length, as datasets.imdbws.com answers),
moto for the AWS APIs with no local server, and the tarball SageMaker writes."""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

BUCKET = "moviebot-123456789012-us-east-1"
REGION = "us-east-1"


@dataclass
class ImdbSite:
    """Files by name; `gets` counts full downloads (HEADs are free, as they should be)."""

    files: dict[str, bytes] = field(default_factory=dict)
    gets: list[str] = field(default_factory=list)
    url: str = ""
    server: ThreadingHTTPServer | None = None

    def put(self, name: str, content: bytes) -> None:
        self.files[name] = content


def _serve(site: ImdbSite) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _head(self) -> bytes | None:
            name = self.path.lstrip("/")
            content = site.files.get(name)
            if content is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            self.send_response(200)
            self.send_header("Content-Type", "application/x-gzip")
            self.send_header("Content-Length", str(len(content)))
            self.send_header("ETag", '"' + hashlib.md5(content).hexdigest() + '"')
            self.send_header("Last-Modified", formatdate(1_800_000_000, usegmt=True))
            self.end_headers()
            return content

        def do_HEAD(self) -> None:
            self._head()

        def do_GET(self) -> None:
            content = self._head()
            if content is not None:
                site.gets.append(self.path.lstrip("/"))
                self.wfile.write(content)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def imdb_site() -> Iterator[ImdbSite]:
    site = ImdbSite()
    site.server = _serve(site)
    site.url = f"http://127.0.0.1:{site.server.server_address[1]}/"
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto for S3, SageMaker, Secrets Manager; dummy credentials; the data bucket."""
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    # A global endpoint would send moto's calls elsewhere: DynamoDB Local gets its own variable.
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        import boto3

        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        yield


def model_tarball(model_dir: Path) -> bytes:
    """model.tar.gz as SageMaker writes it: the model dir's contents at the archive root."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(model_dir.rglob("*")):
            tar.add(path, arcname=path.relative_to(model_dir).as_posix(), recursive=False)
    return buffer.getvalue()
