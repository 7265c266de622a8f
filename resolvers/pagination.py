"""Keyset pagination for Relay connections: cursors stay valid when rows are inserted."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable, Hashable, Sequence
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


def page_size(first: int | None, field: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        raise invalid([field], f"must be between 0 and {MAX_PAGE}")
    return first


@dataclass(frozen=True)
class Window:
    """The page a connection's arguments ask for (Relay): `size` rows after `cursor` in the
    list's order (`first`/`after`), or the `size` rows before it, in the same order
    (`last`/`before`: `backward`). No cursor: from the list's start, or back from its end."""

    size: int
    cursor: str | None = None
    backward: bool = False

    @property
    def field(self) -> str:
        return "before" if self.backward else "after"

    def key(self, *, limit: int = MAX_KEY) -> int | None:
        return None if self.cursor is None else decode_cursor(self.cursor, self.field, limit=limit)

    def page(self, rows: list[M], total: int) -> Page[M]:
        """A page from up to size + 1 rows read from the cursor on (backwards: read in the
        list's reverse order, put back in the list's order)."""
        more = len(rows) > self.size
        rows = rows[: self.size]
        if not self.backward:
            return Page(rows, has_next=more, has_previous=self.cursor is not None, total=total)
        rows.reverse()
        return Page(rows, has_next=self.cursor is not None, has_previous=more, total=total)


def window(
    first: int | None, after: str | None, last: int | None = None, before: str | None = None
) -> Window:
    """Forwards with `first`/`after`, backwards with `last`/`before`; never both ways at once."""
    if first is not None and last is not None:
        raise invalid(["last"], "give first or last, not both: first pages forwards, last back")
    if after is not None and before is not None:
        raise invalid(["before"], "give after or before, not both: one cursor a page")
    if last is not None or before is not None:
        if first is not None:
            raise invalid(["first"], "before pages backwards: give it with last, not first")
        if after is not None:
            raise invalid(["after"], "last pages backwards from before: give before, not after")
        return Window(page_size(last, "last"), before, backward=True)
    return Window(page_size(first), after)


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


def seq_pages_sql(
    p: Any,
    keys: Sequence[K],
    asked: Window,
    *,
    columns: str,
    rows_of: Callable[[K], str],
    seq: str,
) -> str:
    """One statement for a page of every key's rows in `seq` order: per key, its total joined
    to at most size + 1 rows past the cursor in the direction asked, read through the index on
    (key, seq), so that a page costs its size whatever the key's history (ranking every row
    of a key, as this did before, made a shipment's page cost its whole history); a key with
    nothing past the cursor gives one row of NULLs that carries its total. `rows_of(key)` is
    "FROM ... WHERE <that key's rows>", called twice per key (the total, then the page) so
    that placeholders come in the order they appear (SQLite's `?` are positional)."""
    cursor = asked.key(limit=MAX_SEQ)
    order = f"{seq} DESC" if asked.backward else seq
    branches = []
    for index, key in enumerate(keys):
        head = f"SELECT {index} AS page_key, (SELECT COUNT(*) {rows_of(key)}) AS page_total"
        page = f"SELECT {columns} {rows_of(key)}"
        if cursor is not None:
            page += f" AND {seq} {'<' if asked.backward else '>'} {p(cursor)}"
        page += f" ORDER BY {order} LIMIT {p(asked.size + 1)}"
        branches.append(
            f"SELECT * FROM ({head}) AS head_{index} LEFT JOIN ({page}) AS page_{index} ON 1 = 1"
        )
    return "\nUNION ALL\n".join(branches)


def seq_pages(
    model: type[M], rows: list[dict[str, Any]], keys: Sequence[K], asked: Window
) -> list[SeqPage[M]]:
    """One page per key, in `keys`' order, from the rows of `seq_pages_sql`."""
    found: list[list[dict[str, Any]]] = [[] for _ in keys]
    totals = [0] * len(keys)
    for row in rows:
        index = row.pop("page_key")
        totals[index] = row.pop("page_total")
        if row["seq"] is not None:
            found[index].append(row)
    pages = []
    for following, total in zip(found, totals, strict=True):
        following.sort(key=lambda row: row["seq"], reverse=asked.backward)
        page = asked.page([model._init_from_db(**row) for row in following], total)
        pages.append(SeqPage(page.items, page.has_next, page.has_previous, page.total))
    return pages


async def keyset_page(
    queryset: QuerySet[M],
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    newest_first: bool = True,
) -> Page[M]:
    """One page ordered by primary key (newest first by default), plus the filtered total."""
    asked = window(first, after, last, before)
    total = await queryset.count()
    pk = queryset.model._meta.pk_attr  # tortoise 1.1 orders by field names, not by "pk"
    descending = newest_first != asked.backward  # the order the rows are read in
    ordered = queryset.order_by(f"-{pk}" if descending else pk)
    key = asked.key()
    if key is not None:
        ordered = ordered.filter(**{f"{pk}__lt" if descending else f"{pk}__gt": key})
    rows = list(await ordered.limit(asked.size + 1)) if asked.size else []
    return asked.page(rows, total)


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
    queryset: QuerySet[M],
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> UpdatedPage[M]:
    asked = window(first, after, last, before)
    total = await queryset.count()
    if asked.backward:
        ordered = queryset.order_by("-updated_at", "-id")
    else:
        ordered = queryset.order_by("updated_at", "id")
    if asked.cursor is not None:
        moment, key = decode_updated_cursor(asked.cursor, asked.field)
        if asked.backward:
            ordered = ordered.filter(Q(updated_at__lt=moment) | Q(updated_at=moment, id__lt=key))
        else:
            ordered = ordered.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, id__gt=key))
    rows = list(await ordered.limit(asked.size + 1)) if asked.size else []
    page = asked.page(rows, total)
    return UpdatedPage(page.items, page.has_next, page.has_previous, page.total)


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
