"""A local Slack Web API: a real HTTP server on 127.0.0.1 that answers like Slack and records
every call (as slack-bolt's own tests do). The terminal chat talks to it instead of Slack, and
the tests use it to see what the bot posted.

Point a WebClient (or SLACK_API_URL) at `slack_api.url`. Besides the Web API methods under
/api/<method>, it accepts the file upload POST that files.getUploadURLExternal hands out
(recorded as "files.upload") and response_url posts (recorded as "response_url"; get a URL
from `slack_api.response_url()`).

`rate_limit(method)` has it refuse the next call(s) of a method with 429 and Retry-After, as
Slack does under a burst; refused calls are not recorded as calls (see `refused(method)`).
`leave(channel)` has it answer `not_in_channel` to posts and updates there, as Slack does in a
channel the bot was never invited to (those calls are recorded). chat.update answers with the
message's own ts, as Slack does.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

BOT_USER_ID = "UBOTMOVIE"
# The calls Slack refuses with not_in_channel where the bot is not a member.
_CHANNEL_WRITES = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
BOT_ID = "BBOTMOVIE"
TEAM_ID = "T0TESTTEAM"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _decode_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "application/json" in content_type:
        try:
            value = json.loads(raw.decode("utf-8"))
        except ValueError:
            return {"_raw": raw}
        return value if isinstance(value, dict) else {"_json": value}
    if "application/x-www-form-urlencoded" in content_type:
        body: dict[str, Any] = {}
        for key, value in parse_qsl(raw.decode("utf-8"), keep_blank_values=True):
            # The SDK sends blocks / view / files as JSON strings inside forms: decode them.
            if value[:1] in "[{":
                try:
                    body[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            body[key] = value
        return body
    return {"_raw": raw}


@dataclass
class LocalSlackApi:
    host: str = "127.0.0.1"
    port: int = 0
    _calls: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _changed: threading.Condition = field(init=False)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    # method -> (calls still to refuse, Retry-After seconds); and the refusals made.
    _limits: dict[str, tuple[int, int]] = field(default_factory=dict)
    _refused: list[str] = field(default_factory=list)
    _left: set[str] = field(default_factory=set)
    # method -> seconds each call waits before it lands, in turn (network lag that reorders)
    _lags: dict[str, Iterator[float]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._changed = threading.Condition(self._lock)

    # --- what tests use ---
    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self) -> str:
        return f"{self.base}/response/{next(self._ids)}"

    def calls(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [body for name, body, _ in self._calls if name == method]

    def headers(self, method: str) -> list[dict[str, str]]:
        with self._lock:
            return [headers for name, _, headers in self._calls if name == method]

    def methods(self) -> list[str]:
        with self._lock:
            return [name for name, _, _ in self._calls]

    def recorded(self) -> list[tuple[str, dict[str, Any]]]:
        """Every call so far, in order: (method, body)."""
        with self._lock:
            return [(name, body) for name, body, _ in self._calls]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 0) -> None:
        """Refuse the next `times` calls of `method` with 429 and `Retry-After: retry_after`."""
        with self._lock:
            self._limits[method] = (times, retry_after)

    def lag(self, method: str, *seconds: float) -> None:
        """Calls of `method` land late, by each of `seconds` in turn: two calls sent in one
        order can then land in the other, as they may in Slack."""
        with self._lock:
            self._lags[method] = itertools.cycle(seconds) if seconds else iter(())

    def _lag_of(self, method: str) -> float:
        with self._lock:
            return next(self._lags.get(method, iter(())), 0.0)

    def leave(self, channel: str) -> None:
        """From now on the bot is not a member of `channel`: posts there fail."""
        with self._lock:
            self._left.add(channel)

    def refused(self, method: str) -> int:
        """How many calls of `method` were refused with 429."""
        with self._lock:
            return self._refused.count(method)

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until `method` was called at least `count` times (for work done lazily)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [body for name, body, _ in self._calls if name == method]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    return found
                self._changed.wait(remaining)

    # --- the server ---
    def start(self) -> LocalSlackApi:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep the terminal and test output quiet

            def _reply(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _read(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self) -> None:  # the SDK may send GET with a query string
                parsed = urlparse(self.path)
                body = dict(parse_qsl(parsed.query))
                self._handle(parsed.path, body)

            def do_POST(self) -> None:
                parsed = urlparse(self.path)
                raw = self._read()
                content_type = self.headers.get("Content-Type", "")
                if parsed.path.startswith("/api/"):
                    body = _decode_body(raw, content_type)
                    body.update(dict(parse_qsl(parsed.query)))
                else:
                    body = _decode_body(raw, content_type) if "json" in content_type else {}
                    body.setdefault("_raw", raw)
                self._handle(parsed.path, body)

            def _handle(self, path: str, body: dict[str, Any]) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                if path.startswith("/api/"):
                    method = path[len("/api/") :].strip("/")
                    retry_after = stand_in._take_limit(method)
                    if retry_after is not None:
                        self._reply(
                            429,
                            {"ok": False, "error": "ratelimited"},
                            {"Retry-After": str(retry_after)},
                        )
                        return
                    time.sleep(stand_in._lag_of(method))
                    stand_in._record(method, body, headers)
                    self._reply(200, stand_in._answer(method, body))
                elif path.startswith("/upload/"):
                    body["file_id"] = path.rsplit("/", 1)[-1]
                    stand_in._record("files.upload", body, headers)
                    self._reply(200, {"ok": True})
                elif path.startswith("/response/"):
                    time.sleep(stand_in._lag_of("response_url"))
                    body["_path"] = path
                    stand_in._record("response_url", body, headers)
                    self._reply(200, {"ok": True})
                else:
                    self._reply(404, {"ok": False, "error": "unknown_path"})

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # A short poll interval keeps shutdown (once per test) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _record(self, method: str, body: dict[str, Any], headers: dict[str, str]) -> None:
        with self._changed:
            self._calls.append((method, body, headers))
            self._changed.notify_all()

    def _in_left(self) -> set[str]:
        with self._lock:
            return set(self._left)

    def _take_limit(self, method: str) -> int | None:
        """Retry-After seconds when this call of `method` is to be refused, else None."""
        with self._lock:
            times, retry_after = self._limits.get(method, (0, 0))
            if times <= 0:
                return None
            self._limits[method] = (times - 1, retry_after)
            self._refused.append(method)
            return retry_after

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        n = next(self._ids)
        ts = f"{1700000000 + n}.{n:06d}"
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://moviebot-test.slack.com/",
                "team": "moviebot-test",
                "user": "moviebot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method in _CHANNEL_WRITES and body.get("channel") in self._in_left():
            return {"ok": False, "error": "not_in_channel"}
        if method in ("chat.postMessage", "chat.update"):
            if method == "chat.update":
                ts = str(body.get("ts") or ts)  # an update keeps the message's ts
            return {
                "ok": True,
                "channel": body.get("channel"),
                "ts": ts,
                "message": {"text": body.get("text"), "ts": ts, "bot_id": BOT_ID},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in ("views.publish", "views.open", "views.update", "views.push"):
            view = _dict(body.get("view"))
            return {"ok": True, "view": {**view, "id": f"V{n:08d}", "hash": f"h{n}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{n:08d}"
            return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            listed = body.get("files")
            files = [f for f in listed if isinstance(f, dict)] if isinstance(listed, list) else []
            return {
                "ok": True,
                "files": [{"id": f.get("id"), "title": f.get("title")} for f in files],
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{n:08d}"}}
        return {"ok": True}
