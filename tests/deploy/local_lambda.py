"""A local Lambda: each invocation runs the built package in a fresh process of the clean runtime
virtualenv (lambda_bootstrap.py), with the environment Lambda gives the function; and the Lambda
Invoke API over HTTP (AWS_ENDPOINT_URL_LAMBDA), so the bot's lazy listeners, which invoke the
bot again asynchronously through boto3, reach the same local functions as they would in AWS."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from tests.deploy.stack import FunctionSpec

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
INVOKE_PATH = "/2015-03-31/functions/"
# Not sampled: the X-Ray SDK runs as in Lambda but sends no segment anywhere.
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"
LONGEST_RUN_SECONDS = 120  # a rehearsal invocation; the template's timeouts go up to 15 min


@dataclass(frozen=True)
class Invocation:
    function: str
    outcome: dict[str, Any]
    logs: str

    @property
    def error(self) -> dict[str, Any] | None:
        return self.outcome if "errorType" in self.outcome else None

    def result(self) -> Any:
        """The handler's answer; a failure shows the error and the function's logs."""
        assert self.error is None, f"{self.function} failed: {self.describe()}"
        return self.outcome["result"]

    def describe(self) -> str:
        error = f"{self.outcome.get('errorType')}: {self.outcome.get('errorMessage')}"
        trace = "".join(self.outcome.get("stackTrace", []))
        return f"{error}\n{trace}\n{self.logs[-6000:]}"


def lambda_environment(spec: FunctionSpec, task_root: Path, tmp: Path) -> dict[str, str]:
    """What Lambda itself sets in the function's process (the template's variables aside)."""
    return {
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "LAMBDA_TASK_ROOT": str(task_root),
        "_HANDLER": spec.handler,
        "_X_AMZN_TRACE_ID": TRACE_HEADER,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "TMPDIR": str(tmp),
        "HOME": str(tmp),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
    }


def _failure(error_type: str, message: str) -> dict[str, Any]:
    return {"errorType": error_type, "errorMessage": message}


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


@dataclass(frozen=True)
class LocalFunction:
    """One function of the stack: its package, run by the runtime's interpreter."""

    spec: FunctionSpec
    package: Path
    python: Path
    wiring: dict[str, str]  # where AWS and Slack are: the local stand-ins, dummy credentials
    tmp: Path  # the function's /tmp

    def with_wiring(self, **more: str) -> LocalFunction:
        """The same function with more local settings (e.g. where IMDb's files are)."""
        return dataclasses.replace(self, wiring={**self.wiring, **more})

    def environment(self, task_root: Path) -> dict[str, str]:
        clash = set(self.wiring) & set(self.spec.environment)
        assert not clash, f"the template sets {clash} itself"
        # The template's /tmp paths go to this function's own /tmp, as in Lambda.
        template = {
            name: str(self.tmp / value.removeprefix("/tmp/"))
            if value.startswith("/tmp/")
            else value
            for name, value in self.spec.environment.items()
        }
        return {
            **lambda_environment(self.spec, task_root, self.tmp),
            # Not the machine's ~/.aws: Lambda has none.
            "AWS_CONFIG_FILE": str(self.tmp / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.tmp / "no-aws-credentials"),
            **template,
            **self.wiring,
        }

    def invoke(self, event: Any, *, package: Path | None = None) -> Invocation:
        """One invocation in a fresh process (a cold start); `package` replaces the built one."""
        task_root = package or self.package
        invocation = {
            "task_root": str(task_root),
            "handler": self.spec.handler,
            "event": event,
            "context": {
                "function_name": self.spec.name,
                "invoked_function_arn": self.spec.arn,
                "memory_limit_in_mb": self.spec.memory_mb,
                "aws_request_id": str(uuid.uuid4()),
                "timeout_seconds": self.spec.timeout_seconds,
            },
        }
        self.tmp.mkdir(parents=True, exist_ok=True)
        timeout = min(self.spec.timeout_seconds, LONGEST_RUN_SECONDS)
        with tempfile.TemporaryDirectory(dir=self.tmp) as scratch:
            result_file = Path(scratch) / "result.json"
            try:
                done = subprocess.run(
                    [str(self.python), "-I", str(BOOTSTRAP), str(result_file)],
                    input=json.dumps(invocation),
                    env=self.environment(task_root),
                    cwd=task_root,  # Lambda runs the function in its task root
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                logs = _text(exc.stdout) + _text(exc.stderr)
                timed_out = f"Task timed out after {timeout} seconds"
                return Invocation(self.spec.name, _failure("Sandbox.Timedout", timed_out), logs)
            logs = done.stdout + done.stderr
            if not result_file.exists():
                exited = f"the runtime exited with {done.returncode} before answering"
                return Invocation(self.spec.name, _failure("Runtime.ExitError", exited), logs)
            return Invocation(self.spec.name, json.loads(result_file.read_text()), logs)


@dataclass
class LocalLambdaService:
    """The Invoke API for the stack's functions (by name or ARN, any qualifier)."""

    functions: dict[str, LocalFunction] = field(default_factory=dict)
    invocations: list[tuple[str, str, Invocation]] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, function: LocalFunction) -> None:
        self.functions[function.spec.name] = function

    def function(self, reference: str) -> LocalFunction:
        """By name, ARN or partial ARN, with or without a version or alias."""
        name = reference.split(":")[6] if reference.startswith("arn:") else reference
        return self.functions[name.split(":")[0]]

    def start(self) -> LocalLambdaService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                path = urlparse(self.path).path
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not (path.startswith(INVOKE_PATH) and path.endswith("/invocations")):
                    return self._answer(404, {"Type": "User", "message": f"no route {path}"})
                name = unquote(path[len(INVOKE_PATH) : -len("/invocations")])
                kind = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
                try:
                    function = service.function(name)
                except KeyError:
                    return self._answer(404, {"Type": "User", "message": f"no function {name}"})
                event = json.loads(body or b"{}")
                if kind == "Event":
                    service._run_async(function, event)
                    return self._answer(202, None)
                invocation = service._run(function, kind, event)
                outcome = invocation.outcome
                extra = {"X-Amz-Function-Error": "Unhandled"} if invocation.error else {}
                payload = outcome if invocation.error else outcome["result"]
                return self._answer(200, payload, extra)

            def _answer(
                self, status: int, payload: Any, headers: dict[str, str] | None = None
            ) -> None:
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
                self.send_header("X-Amz-Executed-Version", "$LATEST")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _run(self, function: LocalFunction, kind: str, event: Any) -> Invocation:
        invocation = function.invoke(event)
        with self._lock:
            self.invocations.append((function.spec.name, kind, invocation))
        return invocation

    def _run_async(self, function: LocalFunction, event: Any) -> None:
        thread = threading.Thread(target=self._run, args=(function, "Event", event), daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def settle(self, timeout: float = LONGEST_RUN_SECONDS) -> list[Invocation]:
        """Wait for every asynchronous invocation so far (and those they start); return them."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = [t for t in self._threads if t.is_alive()]
            if not pending:
                break
            pending[0].join(max(0.0, deadline - time.monotonic()))
            if time.monotonic() > deadline:
                raise TimeoutError("asynchronous invocations still running")
        with self._lock:
            return [inv for _, kind, inv in self.invocations if kind == "Event"]
