"""A movie night as stored values, shared by both backends: the constraints and the shortlist as
JSON text, the whole night as a JSON record (SQLite keeps it in one row), and the expiry."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any, cast

from bot.adapters.store.base import StoreError
from bot.core.clock import parse_utc
from bot.core.night import Night, NightFilm, expires_at
from bot.core.request import Constraint


def _tuples(value: Any) -> Any:
    # JSON has no tuples: a constraint's value (a range, a list of genres) comes back as a list.
    return tuple(value) if isinstance(value, list) else value


def dump_constraints(constraints: tuple[Constraint, ...]) -> str:
    return json.dumps([[c.field, c.op, c.value, c.text] for c in constraints])


def load_constraints(text: str | None) -> tuple[Constraint, ...]:
    rows = json.loads(text or "[]")
    return tuple(Constraint(f, op, _tuples(value), words) for f, op, value, words in rows)


def dump_films(films: tuple[NightFilm, ...]) -> str:
    return json.dumps([[f.tconst, f.title, f.year, f.score, f.reason] for f in films])


def load_films(text: str | None) -> tuple[NightFilm, ...]:
    return tuple(NightFilm(*row) for row in json.loads(text or "[]"))


def night_record(night: Night) -> dict[str, Any]:
    """The night as JSON-able values (votes as sorted lists, so equal nights dump equal)."""
    return {
        "night_id": night.night_id,
        "channel": night.channel,
        "started_by": night.started_by,
        "request_text": night.request_text,
        "constraints": dump_constraints(night.constraints),
        "created_at": night.created_at,
        "closes_at": night.closes_at,
        "state": night.state,
        "members": list(night.members),
        "favourites": {user: list(t) for user, t in night.favourites.items()},
        "suggestions": [list(pair) for pair in night.suggestions],
        "shortlist": dump_films(night.shortlist),
        "votes": {tconst: sorted(users) for tconst, users in night.votes.items() if users},
        "winner": night.winner,
        "message_ts": night.message_ts,
        "tie_rule": night.tie_rule,
    }


def night_from_record(record: Mapping[str, Any]) -> Night:
    try:
        return Night(
            night_id=str(record["night_id"]),
            channel=str(record["channel"]),
            started_by=str(record["started_by"]),
            request_text=str(record.get("request_text") or ""),
            constraints=load_constraints(record.get("constraints")),
            created_at=str(record["created_at"]),
            closes_at=record.get("closes_at") or None,
            state=cast(Any, "closed" if record.get("state") == "closed" else "open"),
            members=tuple(record.get("members") or ()),
            favourites={u: tuple(t) for u, t in (record.get("favourites") or {}).items()},
            suggestions=tuple((u, t) for u, t in record.get("suggestions") or ()),
            shortlist=load_films(record.get("shortlist")),
            votes={t: frozenset(users) for t, users in (record.get("votes") or {}).items()},
            winner=record.get("winner") or None,
            message_ts=record.get("message_ts") or None,
            **({"tie_rule": str(record["tie_rule"])} if record.get("tie_rule") else {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"a stored movie night is damaged ({exc!r})") from None


def dump_night(night: Night) -> str:
    return json.dumps(night_record(night), separators=(",", ":"))


def load_night(text: str) -> Night:
    try:
        record = json.loads(text)
    except ValueError as exc:
        raise StoreError(f"a stored movie night is damaged ({exc})") from None
    return night_from_record(record)


def expiry_epoch(night: Night) -> int:
    """When the store may drop `night` (the TTL), in epoch seconds."""
    created = parse_utc(night.created_at)
    if created is None:
        raise StoreError(f"night {night.night_id} has no valid created_at: {night.created_at!r}")
    closes = parse_utc(night.closes_at) if night.closes_at else None
    return int(expires_at(created, closes).astimezone(UTC).timestamp())
