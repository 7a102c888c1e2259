"""The DynamoDB store's movie nights (`NightStore`). Mixed into `DynamoStore`.

One item a night (`NIGHT#{night_id}` | `NIGHT`): night_id, channel, started_by, request_text,
constraints and shortlist (JSON text), created_at, closes_at, state, members (a list, in
joining order), favourites and suggestions (lists of "user<TAB>tconst"), votes (a string set
of "tconst<TAB>user"), clicks (a string set of the vote clicks counted), winner, message_ts,
tie_rule, expires_at (the table's TTL attribute; an item past it reads as absent). While it is
open and has a closing time it is also in the GSI (gpk `NIGHTS_DUE`, gsk `{closes_at}#{id}`),
so `due_nights` is one Query, never a Scan; closing removes it.

Every write is one conditional UpdateItem. Appends use `list_append` under `NOT contains`, and a
vote is `ADD` / `DELETE` of one string-set element together with `ADD` of its click id, under a
condition that the night is open, the vote is (not) there and the click is new: DynamoDB applies
such updates to one item one at a time, so parallel voters are neither lost nor counted twice,
and a retried click fails its condition and changes nothing. A failed condition is explained by
reading the item again (missing, closed, done already, or someone else's write came first:
then try again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from bot.adapters.store import dynamodb_items as items
from bot.adapters.store.base import NightClosed, NightExists, NightMissing, StoreError
from bot.adapters.store.dynamodb_schema import (
    CLUSTER_INDEX,
    CLUSTER_INDEX_PARTITION_KEY,
    CLUSTER_INDEX_SORT_KEY,
    EXPIRES_AT,
    PARTITION_KEY,
)
from bot.adapters.store.dynamodb_table import DynamoTable
from bot.adapters.store.night_codec import (
    dump_films,
    expiry_epoch,
    night_from_record,
    night_record,
)
from bot.core.clock import utc_now
from bot.core.night import Night, NightFilm

DUE_PARTITION = "NIGHTS_DUE"
SEP = "\t"
# A write that keeps losing to others' writes on the same night gives up after this many tries.
MAX_ATTEMPTS = 100
_OPEN = "attribute_exists(#pk) AND #state = :open"
_NAMES = items.names(PARTITION_KEY, "state")


class _Table(Protocol):
    _db: DynamoTable


def _pairs(values: Any) -> list[tuple[str, str]]:
    return [(a, b) for a, _, b in (str(v).partition(SEP) for v in values or ()) if b]


def _night(item: Mapping[str, Any]) -> Night:
    favourites: dict[str, tuple[str, ...]] = {}
    for user, tconst in _pairs(item.get("favourites")):
        favourites[user] = (*favourites.get(user, ()), tconst)
    votes: dict[str, list[str]] = {}
    for tconst, user in _pairs(item.get("votes")):
        votes.setdefault(tconst, []).append(user)
    return night_from_record(
        {
            **item,
            "members": list(item.get("members") or ()),
            "favourites": favourites,
            "suggestions": _pairs(item.get("suggestions")),
            "votes": votes,
        }
    )


def _now() -> int:
    return int(utc_now().timestamp())


def _live(item: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if item is None or int(item.get(EXPIRES_AT, 0)) <= _now():
        return None
    return item


class DynamoNights:
    # --- helpers ---
    def _night_item(self: _Table, night_id: str) -> Mapping[str, Any]:
        item = _live(self._db.get(items.night_key(night_id)))
        if item is None:
            raise NightMissing(f"no movie night {night_id}")
        return item

    def _append(
        self: _Table, night_id: str, attribute: str, element: str, *, user: str | None
    ) -> Night:
        """Append `element` to the list `attribute` of an open night, once (and `user` to the
        members first, when given)."""
        if user is not None and attribute != "members":
            DynamoNights._append(self, night_id, "members", user, user=None)
        item = self._db.update(
            Key=items.night_key(night_id),
            UpdateExpression="SET #a = list_append(if_not_exists(#a, :empty), :new)",
            ConditionExpression=f"{_OPEN} AND NOT contains(#a, :element)",
            ExpressionAttributeNames={**_NAMES, "#a": attribute},
            ExpressionAttributeValues=items.values(
                open="open", element=element, new=[element], empty=[]
            ),
        )
        if item is not None:
            return _night(item)
        return _settled(DynamoNights._night_item(self, night_id))  # there already

    # --- the role ---
    def create_night(self: _Table, night: Night) -> None:
        # The shared record, but the pairs later writes change one element at a time (see the
        # module docstring) as "a<SEP>b" strings: lists for favourites and suggestions, a set
        # for votes.
        record: dict[str, Any] = {
            **night_record(night),
            "favourites": [f"{u}{SEP}{t}" for u, ts in night.favourites.items() for t in ts],
            "suggestions": [f"{u}{SEP}{t}" for u, t in night.suggestions],
            "votes": {f"{t}{SEP}{u}" for t, us in night.votes.items() for u in us} or None,
            EXPIRES_AT: expiry_epoch(night),
        }
        if night.closes_at and night.is_open:
            record[CLUSTER_INDEX_PARTITION_KEY] = DUE_PARTITION
            record[CLUSTER_INDEX_SORT_KEY] = f"{night.closes_at}#{night.night_id}"
        # An expired item DynamoDB has not deleted yet may be replaced.
        made = self._db.conditional(
            "put_item",
            Item={**items.night_key(night.night_id), **items.to_item(record)},
            ConditionExpression="attribute_not_exists(#pk) OR #exp <= :now",
            ExpressionAttributeNames={**items.names(PARTITION_KEY), "#exp": EXPIRES_AT},
            ExpressionAttributeValues=items.values(now=_now()),
        )
        if not made:
            raise NightExists(f"movie night {night.night_id} exists already")

    def night(self: _Table, night_id: str) -> Night | None:
        item = _live(self._db.get(items.night_key(night_id)))
        return None if item is None else _night(item)

    def join_night(self: _Table, night_id: str, user: str) -> Night:
        return DynamoNights._append(self, night_id, "members", user, user=None)

    def add_favourite(self: _Table, night_id: str, user: str, tconst: str) -> Night:
        return DynamoNights._append(self, night_id, "favourites", f"{user}{SEP}{tconst}", user=user)

    def add_suggestion(self: _Table, night_id: str, user: str, film: NightFilm) -> Night:
        night = DynamoNights._append(
            self, night_id, "suggestions", f"{user}{SEP}{film.tconst}", user=user
        )
        for _ in range(MAX_ATTEMPTS):  # the shortlist is one JSON text: compare and swap
            if night.film(film.tconst) is not None:
                return night
            item = self._db.update(
                Key=items.night_key(night_id),
                UpdateExpression="SET shortlist = :new",
                ConditionExpression=f"{_OPEN} AND shortlist = :old",
                ExpressionAttributeNames=_NAMES,
                ExpressionAttributeValues=items.values(
                    open="open",
                    old=dump_films(night.shortlist),
                    new=dump_films((*night.shortlist, film)),
                ),
            )
            if item is not None:
                return _night(item)
            night = _settled(DynamoNights._night_item(self, night_id))
        raise StoreError(f"movie night {night_id}: too many writes at once, try again")

    def set_shortlist(self: _Table, night_id: str, films: Sequence[NightFilm]) -> Night:
        item = self._db.update(
            Key=items.night_key(night_id),
            UpdateExpression="SET shortlist = :films",
            ConditionExpression=_OPEN,
            ExpressionAttributeNames=_NAMES,
            ExpressionAttributeValues=items.values(open="open", films=dump_films(tuple(films))),
        )
        if item is not None:
            return _night(item)
        _settled(DynamoNights._night_item(self, night_id))
        raise StoreError(f"movie night {night_id}: the shortlist was not saved")

    def toggle_vote(self: _Table, night_id: str, user: str, tconst: str, click_id: str) -> Night:
        vote = f"{tconst}{SEP}{user}"
        for _ in range(MAX_ATTEMPTS):
            item = DynamoNights._night_item(self, night_id)
            night = _settled(item)
            if click_id in (item.get("clicks") or ()):
                return night  # a retried click: counted already
            voted = vote in (item.get("votes") or ())
            updated = self._db.update(
                Key=items.night_key(night_id),
                UpdateExpression=(
                    "DELETE votes :vote ADD clicks :click"
                    if voted
                    else "ADD votes :vote, clicks :click"
                ),
                ConditionExpression=(
                    f"{_OPEN} AND NOT contains(clicks, :click_id) AND "
                    + ("contains(votes, :vote_id)" if voted else "NOT contains(votes, :vote_id)")
                ),
                ExpressionAttributeNames=_NAMES,
                ExpressionAttributeValues=items.values(
                    open="open", vote={vote}, click={click_id}, vote_id=vote, click_id=click_id
                ),
            )
            if updated is not None:
                return _night(updated)
            # Someone else's write came first (or this user's other click): read and retry.
        raise StoreError(f"movie night {night_id}: too many votes at once, try again")

    def close_night(self: _Table, night_id: str) -> Night:
        item = self._db.update(
            Key=items.night_key(night_id),
            UpdateExpression="SET #state = :closed REMOVE #gpk, #gsk",
            ConditionExpression=_OPEN,
            ExpressionAttributeNames={
                **_NAMES,
                "#gpk": CLUSTER_INDEX_PARTITION_KEY,
                "#gsk": CLUSTER_INDEX_SORT_KEY,
            },
            ExpressionAttributeValues=items.values(open="open", closed="closed"),
        )
        if item is not None:
            return _night(item)
        _settled(DynamoNights._night_item(self, night_id))
        raise StoreError(f"movie night {night_id} was not closed")

    def set_winner(self: _Table, night_id: str, tconst: str | None) -> Night:
        item = self._db.update(
            Key=items.night_key(night_id),
            UpdateExpression="SET winner = :winner" if tconst else "REMOVE winner",
            ConditionExpression="attribute_exists(#pk) AND #state = :closed",
            ExpressionAttributeNames=_NAMES,
            ExpressionAttributeValues=items.values(closed="closed", winner=tconst),
        )
        if item is not None:
            return _night(item)
        DynamoNights._night_item(self, night_id)  # NightMissing when it is gone
        raise StoreError(f"movie night {night_id} is still open")

    def set_message_ts(self: _Table, night_id: str, message_ts: str) -> None:
        item = self._db.update(
            Key=items.night_key(night_id),
            UpdateExpression="SET message_ts = :ts",
            ConditionExpression="attribute_exists(#pk)",
            ExpressionAttributeNames=items.names(PARTITION_KEY),
            ExpressionAttributeValues=items.values(ts=message_ts),
        )
        if item is None:
            raise NightMissing(f"no movie night {night_id}")

    def discard_night(self: _Table, night_id: str) -> bool:
        return self._db.conditional(
            "delete_item",
            Key=items.night_key(night_id),
            ConditionExpression="attribute_exists(#pk) AND attribute_not_exists(message_ts)",
            ExpressionAttributeNames=items.names(PARTITION_KEY),
        )

    def due_nights(self: _Table, now: str) -> list[str]:
        found = self._db.query(
            IndexName=CLUSTER_INDEX,
            KeyConditionExpression="#gpk = :due AND #gsk < :bound",
            ExpressionAttributeNames={
                "#gpk": CLUSTER_INDEX_PARTITION_KEY,
                "#gsk": CLUSTER_INDEX_SORT_KEY,
            },
            # gsk is "{closes_at}#{id}" and "$" sorts right after "#": every closes_at <= now.
            ExpressionAttributeValues=items.values(due=DUE_PARTITION, bound=f"{now}$"),
        )
        return [
            str(item["night_id"])
            for item in found
            if item.get("state") == "open" and _live(item) is not None
        ]


def _settled(item: Mapping[str, Any]) -> Night:
    """The night as it is, for a write on an open night: NightClosed when it is closed."""
    night = _night(item)
    if not night.is_open:
        raise NightClosed(night)
    return night
