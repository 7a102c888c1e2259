"""Every test here that takes `store` runs on both backends (SQLite, DynamoDB Local)."""

from tests.fixtures.stores import store, store_opener

__all__ = ["store", "store_opener"]
