"""Lists of integrations (webhook endpoints, their deliveries, report subscriptions), and the
organization feed: every change that concerns a DEALER or CARRIER organization, read
from the event log in its order (seq, then the row's part), resumable from a cursor.

A reader of the log like the live streams: the GraphQL query and subscription use it, and so
can a durable reader that keeps its position in the database (webhook delivery). The log keeps
events for the retention window; a position older than that is CURSOR_EXPIRED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from models import clock
from models.events import Event
from models.integrations.tables import (
    ApiKey,
    EndpointKind,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
)
from models.viewer import Viewer
from resolvers.access import signed_in
from resolvers.integrations import access, retention
from resolvers.integrations.access import key_manager, organization_of, visible_subscriptions
from resolvers.integrations.cursor import Position
from resolvers.integrations.expand import EXPANDERS, Item
from resolvers.pagination import Page, keyset_page, page_size
from subscriptions.log import organization_topic
from subscriptions.reader import latest_seq, read_topic

READ_BATCH = 200


@dataclass(frozen=True, slots=True)
class FeedEvent:
    position: Position
    type: EventType
    occurred_at: dt.datetime  # when the change was written to the log
    subject: tuple[str, int]
    data: Any

    @property
    def cursor(self) -> str:
        return self.position.cursor

    @property
    def data_json(self) -> str:
        return orjson.dumps(self.data).decode()


@dataclass(frozen=True, slots=True)
class FeedPage:
    events: list[FeedEvent]
    has_next: bool


async def expand(events: Sequence[Event], organization: int) -> list[FeedEvent]:
    """The feed events of `events` (log rows in seq order) for `organization`, in order."""
    by_kind: dict[Any, list[Event]] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    items: dict[int, list[Item]] = {}
    for kind, rows in by_kind.items():
        expander = EXPANDERS.get(kind)
        if expander is not None:
            items |= await expander(rows, organization)
    return [
        FeedEvent(Position(event.seq, part), item.type, event.recorded_at, item.subject, item.data)
        for event in events
        for part, item in enumerate(items.get(event.seq, []))
    ]


async def read(
    organization: int,
    *,
    after: Position | None,
    types: Collection[EventType] | None = None,
    limit: int,
    window: dt.timedelta,
) -> FeedPage:
    """Up to `limit` feed events after `after` (from the oldest kept without one), oldest
    first; CURSOR_EXPIRED when events after `after` may have been pruned."""
    if after is not None:
        await retention.check(after.seq, window)
    kept_since = clock.now() - window  # rows older than that are the pruner's, read or not
    wanted = frozenset(types) if types else None
    topic = organization_topic(organization).name
    start = after or Position(0)
    found: list[FeedEvent] = []
    mark = start.seq - 1  # the cursor's own row may hold events after its part
    while len(found) <= limit:
        rows = await read_topic(topic, after=mark, limit=READ_BATCH)
        kept = [row for row in rows if row.recorded_at >= kept_since]
        for event in await expand(kept, organization):
            if event.position > start and (wanted is None or event.type in wanted):
                found.append(event)
        if len(rows) < READ_BATCH:
            break
        mark = rows[-1].seq
    return FeedPage(events=found[:limit], has_next=len(found) > limit)


async def read_on(
    organization: int, *, after: Position, limit: int, window: dt.timedelta
) -> tuple[list[FeedEvent], Position]:
    """`read` for a reader that keeps its own position (webhook and mail delivery): the events,
    and the position read up to. Every row up to the log's head when the read began was seen
    (seq follows commit order), so the reader may move there even when none of those rows was
    the organization's."""
    top = await latest_seq()
    # seq 0 is the start of the log (a reader made while it was empty), not an event's cursor
    start = after if after.seq > 0 else None
    found = await read(organization, after=start, limit=limit, window=window)
    if found.has_next:
        return found.events, found.events[-1].position
    return found.events, max(
        after, Position(top, Position.LAST), *(e.position for e in found.events[-1:])
    )


async def page(
    viewer: Viewer,
    *,
    first: int | None,
    after: str | None,
    types: Collection[EventType] | None,
    window: dt.timedelta,
) -> FeedPage:
    organization = access.feed_organization(viewer)
    size = page_size(first)
    position = Position.parse(after) if after is not None else None
    return await read(organization, after=position, types=types, limit=size, window=window)


async def list_endpoints(*, viewer: Viewer | None) -> list[WebhookEndpoint]:
    viewer = signed_in(viewer)
    return list(
        await WebhookEndpoint.filter(
            organization_id=viewer.organization_id, kind=EndpointKind.WEBHOOK
        ).order_by("id")
    )


async def list_subscriptions(*, viewer: Viewer | None) -> list[WebhookEndpoint]:
    viewer = signed_in(viewer)
    return list(await visible_subscriptions(viewer).order_by("id"))


async def deliveries(
    *, viewer: Viewer | None, endpoint: WebhookEndpoint, first: int | None, after: str | None
) -> Page[WebhookDelivery]:
    signed_in(viewer)
    return await keyset_page(
        WebhookDelivery.filter(endpoint_id=endpoint.id), first=first, after=after
    )


async def api_keys(*, viewer: Viewer | None, organization_id: int | None) -> list[ApiKey]:
    """The organization's keys, newest first, revoked and expired ones included."""
    viewer = key_manager(viewer)
    organization = await organization_of(viewer, organization_id, ["organizationId"])
    return await ApiKey.filter(organization_id=organization).order_by("-created_at", "-id")
