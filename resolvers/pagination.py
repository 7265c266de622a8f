"""Keyset pagination for Relay connections: cursors stay valid when rows are inserted."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from resolvers.errors import invalid

M = TypeVar("M", bound=Model)
MAX_PAGE = 100
DEFAULT_PAGE = 20


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "after") -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, key = text.partition(":")
        if prefix != "k":
            raise ValueError(text)
        return int(key)
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
