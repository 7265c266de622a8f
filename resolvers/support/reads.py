"""Reads of the support desk, always through its visibility rules, and their DataLoaders.

Every relation of a thread (timers, rating, a page of messages) and of a group (members) is
loaded in one query per request, however many threads or groups the page holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models import sql
from models.events import Event
from models.support.sla import SlaTimer
from models.support.tables import (
    DealerDesk,
    GroupMove,
    SupportGroupMember,
    SupportMessage,
    SupportThread,
    ThreadCategory,
    ThreadRating,
    ThreadStatus,
)
from models.validators import MAX_SEQ
from models.viewer import Viewer
from resolvers.loaders import Loaders, group_rows
from resolvers.pagination import (
    Page,
    SeqPage,
    Window,
    keyset_page,
    seq_pages,
    seq_pages_sql,
    window,
)
from resolvers.support.access import visible_messages, visible_moves, visible_threads


async def thread(viewer: Viewer, key: int) -> SupportThread | None:
    return await visible_threads(viewer).get_or_none(id=key)


async def message(viewer: Viewer, key: int) -> SupportMessage | None:
    return await visible_messages(viewer).get_or_none(id=key)


async def thread_page(
    viewer: Viewer,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    statuses: Sequence[ThreadStatus] | None = None,
    categories: Sequence[ThreadCategory] | None = None,
    assignee_id: int | None = None,
) -> Page[SupportThread]:
    """Newest first, filtered within what the viewer sees."""
    queryset = visible_threads(viewer)
    if statuses:
        queryset = queryset.filter(status__in=list(statuses))
    if categories:
        queryset = queryset.filter(category__in=list(categories))
    if assignee_id is not None:
        queryset = queryset.filter(assignee_id=assignee_id)
    return await keyset_page(queryset, first=first, after=after, last=last, before=before)


def visible_thread(loaders: Loaders, viewer: Viewer) -> DataLoader[int, SupportThread | None]:
    async def batch(ids: Sequence[int]) -> list[SupportThread | None]:
        rows = {row.id: row for row in await visible_threads(viewer).filter(id__in=list(ids))}
        return [rows.get(key) for key in ids]

    return loaders.get(("visible_thread", viewer), batch)


def timers_of(loaders: Loaders) -> DataLoader[int, list[SlaTimer]]:
    async def batch(ids: Sequence[int]) -> list[list[SlaTimer]]:
        rows = await SlaTimer.filter(thread_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "thread_id")

    return loaders.get("timers_of", batch)


def rating_of(loaders: Loaders) -> DataLoader[int, ThreadRating | None]:
    async def batch(ids: Sequence[int]) -> list[ThreadRating | None]:
        rows = {row.thread_id: row for row in await ThreadRating.filter(thread_id__in=list(ids))}
        return [rows.get(key) for key in ids]

    return loaders.get("rating_of", batch)


def members_of(loaders: Loaders) -> DataLoader[int, list[SupportGroupMember]]:
    async def batch(ids: Sequence[int]) -> list[list[SupportGroupMember]]:
        rows = await SupportGroupMember.filter(group_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "group_id")

    return loaders.get("members_of", batch)


def desk_of(loaders: Loaders) -> DataLoader[int, DealerDesk | None]:
    """The desk of an organization, by organization id (None: nothing set for it yet)."""

    async def batch(ids: Sequence[int]) -> list[DealerDesk | None]:
        rows = {d.organization_id: d for d in await DealerDesk.filter(organization_id__in=ids)}
        return [rows.get(key) for key in ids]

    return loaders.get("desk_of", batch)


async def _pages(
    thread_ids: Sequence[int], asked: Window, public_only: bool
) -> list[SeqPage[SupportMessage]]:
    """One statement for every thread's page (as shipments' events_page does for tracking)."""
    connection, p = sql.default()
    text = seq_pages_sql(
        p,
        thread_ids,
        asked,
        columns="m.*",
        rows_of=lambda thread: (
            f"FROM support_message m WHERE m.thread_id = {p(thread)}"
            + (f" AND m.internal = {p(False)}" if public_only else "")
        ),
        seq="m.seq",
    )
    rows = await connection.execute_query_dict(text, p.values)
    return seq_pages(SupportMessage, rows, thread_ids, asked)


async def messages_page(
    loaders: Loaders,
    viewer: Viewer,
    thread_id: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> SeqPage[SupportMessage]:
    """A page of a visible thread's messages; a dealer's pages and totals skip internal notes."""
    asked = window(first, after, last, before)
    asked.key(limit=MAX_SEQ)  # a bad cursor is refused before the batch
    public_only = not viewer.is_staff

    async def batch(keys: Sequence[int]) -> list[SeqPage[SupportMessage]]:
        return await _pages(keys, asked, public_only)

    return await loaders.get(("messages_page", asked, public_only), batch).load(thread_id)


async def message_of(event: Event) -> SupportMessage | None:
    """The root of a SUPPORT_MESSAGE event (its audience already checked by the stream)."""
    return await SupportMessage.get_or_none(id=event.subject_id)


async def move(viewer: Viewer, key: int) -> GroupMove | None:
    return await visible_moves(viewer).get_or_none(id=key)
