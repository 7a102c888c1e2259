"""`open_store(url)`: the one place a store backend is chosen."""

from __future__ import annotations

from urllib.parse import urlparse

from bot.adapters.store.base import ActivationConflict, Store, StoreError

__all__ = ["ActivationConflict", "Store", "StoreError", "open_store"]


def open_store(url: str, *, endpoint_url: str | None = None) -> Store:
    """`sqlite:///path/file.sqlite` or `dynamodb://TABLE` (endpoint for DynamoDB Local)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        from bot.adapters.store.sqlite import SqliteStore

        # sqlite:///var/x.sqlite -> var/x.sqlite ; sqlite:////abs/x.sqlite -> /abs/x.sqlite
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
        if not path:
            raise StoreError(f"no file in store url {url!r}")
        return SqliteStore(path)
    if parsed.scheme == "dynamodb":
        from bot.adapters.store.dynamodb import DynamoStore

        if not parsed.netloc:
            raise StoreError(f"no table name in store url {url!r}")
        return DynamoStore(parsed.netloc, endpoint_url=endpoint_url)
    raise StoreError(f"unknown store {url!r}: use sqlite:///FILE or dynamodb://TABLE")
