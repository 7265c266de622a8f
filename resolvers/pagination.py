"""Keyset pagination for Relay connections: cursors stay valid when rows are inserted."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.validators import MAX_KEY, MAX_SEQ
from models.validators import key as row_key
from resolvers.errors import invalid

M = TypeVar("M", bound=Model)
K = TypeVar("K", bound=Hashable)
MAX_PAGE = 100
DEFAULT_PAGE = 20


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode().rstrip("=")


def seq_after(cursor: str | None) -> int | None:
    """The seq a stream replays after (None: live from now on)."""
    return None if cursor is None else decode_cursor(cursor, limit=MAX_SEQ)


def decode_cursor(cursor: str, field: str = "after", *, limit: int = MAX_KEY) -> int:
    """The key in a cursor; `limit=MAX_SEQ` for cursors over the event log's seq."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, key = text.partition(":")
        if prefix != "k":
            raise ValueError(text)
        return row_key(key, limit)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid([field], "is not a cursor this list gave out") from None


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        raise invalid(["first"], f"must be between 0 and {MAX_PAGE}")
    return first


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    has_next: bool
    has_previous: bool
    total: int

    def cursor(self, item: M) -> str:
        return encode_cursor(item.pk)


@dataclass(frozen=True)
class SeqPage(Page[M]):
    """Rows in the event log's order: the cursor is the seq, which also resumes a stream."""

    def cursor(self, item: M) -> str:
        seq = getattr(item, "seq", None)
        assert seq is not None
        return encode_cursor(seq)


def ranked_pages(
    model: type[M],
    rows: list[dict[str, Any]],
    keys: Sequence[K],
    key_column: str,
    size: int,
    after: int,
) -> list[SeqPage[M]]:
    """One page per key from the rows of a windowed query (`page_rank`: 0 for the cursor's own
    row, 1.. after it; `page_total`: the key's rows in all), in `keys`' order; the row ranked 0
    only carries the total when nothing follows it."""
    by_key: dict[K, list[dict[str, Any]]] = {key: [] for key in keys}
    for row in rows:
        by_key[row[key_column]].append(row)
    pages = []
    for key in keys:
        found = by_key[key]
        following = [
            model._init_from_db(**{k: v for k, v in row.items() if not k.startswith("page_")})
            for row in found
            if row["page_rank"] > 0
        ]
        pages.append(
            SeqPage(
                items=following[:size],
                has_next=len(following) > size,
                has_previous=after > 0,
                total=found[0]["page_total"] if found else 0,
            )
        )
    return pages


async def keyset_page(
    queryset: QuerySet[M], *, first: int | None, after: str | None, newest_first: bool = True
) -> Page[M]:
    """One page ordered by primary key (newest first by default), plus the filtered total."""
    size = page_size(first)
    total = await queryset.count()
    pk = queryset.model._meta.pk_attr  # tortoise 1.1 orders by field names, not by "pk"
    ordered = queryset.order_by(f"-{pk}" if newest_first else pk)
    if after is not None:
        key = decode_cursor(after)
        ordered = ordered.filter(**{f"{pk}__lt" if newest_first else f"{pk}__gt": key})
    rows = list(await ordered.limit(size + 1)) if size else []
    return Page(
        items=rows[:size], has_next=len(rows) > size, has_previous=after is not None, total=total
    )


def encode_updated_cursor(updated_at: dt.datetime, key: int) -> str:
    stamp = int(updated_at.timestamp() * 1_000_000)
    return base64.urlsafe_b64encode(f"u:{stamp}:{key}".encode()).decode().rstrip("=")


def decode_updated_cursor(cursor: str, field: str = "after") -> tuple[dt.datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, stamp, key = text.split(":")
        if prefix != "u":
            raise ValueError(text)
        moment = dt.datetime.fromtimestamp(int(stamp) / 1_000_000, dt.UTC)
        return moment, int(key)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError):
        raise invalid([field], "is not a cursor of this list in this order") from None


@dataclass(frozen=True)
class UpdatedPage(Page[M]):
    """Rows by (updated_at, id), oldest change first: a row changed while a client pages moves
    behind its cursor and comes again, so paging to the end misses no change."""

    def cursor(self, item: M) -> str:
        return encode_updated_cursor(item.updated_at, item.pk)  # type: ignore[attr-defined]


async def updated_page(
    queryset: QuerySet[M], *, first: int | None, after: str | None
) -> UpdatedPage[M]:
    size = page_size(first)
    total = await queryset.count()
    ordered = queryset.order_by("updated_at", "id")
    if after is not None:
        moment, key = decode_updated_cursor(after)
        ordered = ordered.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, id__gt=key))
    rows = list(await ordered.limit(size + 1)) if size else []
    return UpdatedPage(
        items=rows[:size], has_next=len(rows) > size, has_previous=after is not None, total=total
    )


def encode_due_cursor(due_at: dt.datetime, key: int) -> str:
    stamp = int(due_at.timestamp() * 1_000_000)
    return base64.urlsafe_b64encode(f"d:{stamp}:{key}".encode()).decode().rstrip("=")


def decode_due_cursor(cursor: str, field: str = "after") -> tuple[dt.datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, stamp, key = text.split(":")
        if prefix != "d":
            raise ValueError(text)
        return dt.datetime.fromtimestamp(int(stamp) / 1_000_000, dt.UTC), row_key(key)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError):
        raise invalid([field], "is not a cursor of this list in this order") from None


@dataclass(frozen=True)
class DuePage(Page[M]):
    """Rows by (due_at, id), the soonest due first: a queue's order."""

    def cursor(self, item: M) -> str:
        return encode_due_cursor(item.due_at, item.pk)  # type: ignore[attr-defined]


async def due_page(queryset: QuerySet[M], *, first: int | None, after: str | None) -> DuePage[M]:
    size = page_size(first)
    total = await queryset.count()
    ordered = queryset.order_by("due_at", "id")
    if after is not None:
        moment, key = decode_due_cursor(after)
        ordered = ordered.filter(Q(due_at__gt=moment) | Q(due_at=moment, id__gt=key))
    rows = list(await ordered.limit(size + 1)) if size else []
    return DuePage(
        items=rows[:size], has_next=len(rows) > size, has_previous=after is not None, total=total
    )
