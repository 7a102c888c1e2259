"""One Lambda invocation, run the way the Python runtime runs it, inside the clean virtualenv.

    python -I lambda_bootstrap.py RESULT_FILE < invocation.json

The invocation is {"task_root", "handler", "event", "context"}. The task root goes first on
sys.path (as /var/task does in Lambda); -I keeps this checkout, PYTHONPATH and the user's site
out. The answer (or the error, shaped as Lambda reports it) is written to RESULT_FILE as JSON,
because the handler's logs own stdout.

Standard library only: nothing but the package and the runtime's boto3 may be importable.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

SDK_MODULES = ("boto3", "botocore")


class Context:
    """The attributes of the runtime's context object that handlers and Powertools read."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.function_name: str = spec["function_name"]
        self.function_version: str = spec.get("function_version", "$LATEST")
        self.invoked_function_arn: str = spec["invoked_function_arn"]
        self.memory_limit_in_mb: int = int(spec["memory_limit_in_mb"])
        self.aws_request_id: str = spec["aws_request_id"]
        self.log_group_name: str = f"/aws/lambda/{self.function_name}"
        self.log_stream_name: str = spec["aws_request_id"]
        self._deadline = time.monotonic() + float(spec["timeout_seconds"])

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error(error_type: str, message: str, exc: BaseException) -> dict[str, Any]:
    return {
        "errorType": error_type,
        "errorMessage": message,
        "stackTrace": traceback.format_exception(exc),
    }


def _sdk() -> dict[str, list[str]]:
    """Which boto3 and botocore the function ran with, and from where."""
    found = {}
    for name in SDK_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            found[name] = [str(getattr(module, "__version__", "")), str(module.__file__)]
    return found


def invoke(invocation: dict[str, Any]) -> dict[str, Any]:
    # Lambda's task root is read-only: no bytecode caches written into the package.
    sys.dont_write_bytecode = True
    sys.path.insert(0, invocation["task_root"])
    module_name, _, attr = invocation["handler"].rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), attr)
    except Exception as exc:  # what the runtime reports before the handler ever runs
        message = f"Unable to import module '{module_name}': {exc}"
        return _error("Runtime.ImportModuleError", message, exc)
    try:
        result = handler(invocation["event"], Context(invocation["context"]))
    except Exception as exc:
        return {**_error(type(exc).__name__, str(exc), exc), "sdk": _sdk()}
    return {"result": result, "sdk": _sdk()}


def main() -> int:
    outcome = invoke(json.load(sys.stdin))
    Path(sys.argv[1]).write_text(json.dumps(outcome, default=str))
    return 1 if "errorType" in outcome else 0


if __name__ == "__main__":
    sys.exit(main())
