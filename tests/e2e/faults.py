"""Faults injected into real parts: a method of a real class that fails its next call(s)."""

from __future__ import annotations

from typing import Any

import pytest


def fail_next(
    monkeypatch: pytest.MonkeyPatch, cls: type, name: str, error: Exception, times: int = 1
) -> list[int]:
    """`cls.name` raises `error` on its next `times` calls, then works as before. Returns a
    one-item list counting the calls made, failed or not."""
    real = getattr(cls, name)
    calls = [0]

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] <= times:
            raise error
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, flaky)
    return calls
