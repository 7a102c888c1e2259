"""`make data`'s downloader against a local HTTP server (nothing here reaches the internet)."""

import gzip
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from training.download import IMDB_FILES, DownloadError, fetch, main, verify_gzip


@dataclass
class FileServer:
    files: dict[str, bytes]
    # name -> bytes to send before dropping the connection (once)
    drop_after: dict[str, int] = field(default_factory=dict)
    ranges_seen: list[str | None] = field(default_factory=list)
    url: str = ""


def _handler(state: FileServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            name = self.path.lstrip("/")
            if name not in state.files:
                self.send_error(404)
                return
            body = state.files[name]
            header = self.headers.get("Range")
            state.ranges_seen.append(header)
            start = int(header.split("=")[1].rstrip("-")) if header else 0
            if start >= len(body) and header:
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206 if header else 200)
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            payload = body[start:]
            cut = state.drop_after.pop(name, None)
            if cut is not None:
                self.wfile.write(payload[:cut])
                self.wfile.flush()
                self.connection.close()  # the client sees a short read
                return
            self.wfile.write(payload)

    return Handler


@pytest.fixture
def server() -> Iterator[FileServer]:
    state = FileServer(
        # Random text compresses poorly, so each file is large enough to cut mid-transfer.
        files={name: gzip.compress(os.urandom(200_000).hex().encode()) for name in IMDB_FILES}
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    yield state
    httpd.shutdown()
    httpd.server_close()


def _quiet(name: str, done: int, total: int | None) -> None:
    pass


def test_downloads_every_file_and_verifies_it(server: FileServer, tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path), "--base-url", server.url]) == 0
    for name in IMDB_FILES:
        assert (tmp_path / name).read_bytes() == server.files[name]
        assert not (tmp_path / f"{name}.part").exists()


def test_an_interrupted_download_resumes_where_it_stopped(
    server: FileServer, tmp_path: Path
) -> None:
    name = IMDB_FILES[0]
    server.drop_after[name] = 10_000
    with pytest.raises(DownloadError, match="run again to resume"):
        fetch(server.url, name, tmp_path, _quiet)
    assert (tmp_path / f"{name}.part").stat().st_size == 10_000
    got = fetch(server.url, name, tmp_path, _quiet)
    assert got.resumed_from == 10_000
    assert server.ranges_seen[-1] == "bytes=10000-"
    assert (tmp_path / name).read_bytes() == server.files[name]


def test_a_present_file_is_verified_not_fetched_again(server: FileServer, tmp_path: Path) -> None:
    name = IMDB_FILES[1]
    fetch(server.url, name, tmp_path, _quiet)
    requests_before = len(server.ranges_seen)
    assert fetch(server.url, name, tmp_path, _quiet).skipped
    assert len(server.ranges_seen) == requests_before


def test_a_corrupt_download_is_refused_and_discarded(server: FileServer, tmp_path: Path) -> None:
    name = IMDB_FILES[2]
    server.files[name] = server.files[name][:-40]  # truncated at the source
    with pytest.raises(DownloadError, match="truncated gzip"):
        fetch(server.url, name, tmp_path, _quiet)
    assert not (tmp_path / name).exists()
    assert not (tmp_path / f"{name}.part").exists()


def test_a_missing_file_is_a_clear_error(server: FileServer, tmp_path: Path, capsys) -> None:
    del server.files[IMDB_FILES[0]]
    assert main(["--out", str(tmp_path), "--base-url", server.url]) == 1
    assert "error: title.basics.tsv.gz: HTTP 404" in capsys.readouterr().err


def test_verify_gzip_accepts_multi_member_files(tmp_path: Path) -> None:
    path = tmp_path / "multi.gz"
    path.write_bytes(gzip.compress(b"a" * 1000) + gzip.compress(b"b" * 1000))
    verify_gzip(path)
    path.write_bytes(b"not gzip at all")
    with pytest.raises(DownloadError, match="not a valid gzip"):
        verify_gzip(path)
