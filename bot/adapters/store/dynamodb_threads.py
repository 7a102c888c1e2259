"""The DynamoDB store's conversation state (`ThreadStore`): one item a thread (`THREAD#{key}`
| `THREAD`): state (the text), expires_at (epoch seconds, the table's TTL attribute; an item
past it reads as absent before DynamoDB deletes it). Mixed into `DynamoStore`."""

from __future__ import annotations

import time
from typing import Protocol

from bot.adapters.store import dynamodb_items as items
from bot.adapters.store.dynamodb_schema import EXPIRES_AT
from bot.adapters.store.dynamodb_table import DynamoTable


class _Table(Protocol):
    _db: DynamoTable


class DynamoThreads:
    def load_thread(self: _Table, key: str) -> str | None:
        item = self._db.get(items.thread_key(key))
        if item is None or int(item.get(EXPIRES_AT, 0)) <= time.time():
            return None
        return str(item.get("state", "")) or None

    def save_thread(self: _Table, key: str, state: str, ttl_seconds: int) -> None:
        expires = int(time.time()) + ttl_seconds
        self._db.call(
            "put_item",
            Item={**items.thread_key(key), **items.to_item({"state": state, EXPIRES_AT: expires})},
        )
