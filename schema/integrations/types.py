"""organizationEvents: the feed of a DEALER or CARRIER organization, as pages of the log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import strawberry

from models.integrations.tables import EventType
from models.viewer import Viewer
from resolvers.integrations import access
from resolvers.integrations import reads as feed
from resolvers.integrations.reads import FeedEvent, FeedPage
from schema.base import Node, PageInfo
from schema.claims.types import InsuranceClaim
from schema.context import Info
from schema.disputes.types import Dispute
from schema.documents.types import Document
from schema.shipments.containers import Container
from schema.shipments.types import Shipment
from schema.support.types import SupportThread

strawberry.enum(
    EventType,
    name="EventType",
    description="The kinds of change an organization's systems can follow; the `data` of each "
    "is written down in docs/events/<TYPE>.v1.json",
)

SUBJECT_TYPES: dict[str, Callable[[Any], Any]] = {
    "Shipment": Shipment.from_model,
    "Container": Container.from_model,
    "Dispute": Dispute.from_model,
    "SupportThread": SupportThread.from_model,
    "Document": Document.from_model,
    "InsuranceClaim": InsuranceClaim.from_model,
}


def _subject_loader(info: Info, viewer: Viewer) -> Any:
    async def batch(refs: Sequence[tuple[str, int]]) -> list[Any]:
        rows = await access.subjects(viewer, refs)
        return [
            None if row is None else SUBJECT_TYPES[ref[0]](row)
            for ref, row in zip(refs, rows, strict=True)
        ]

    return info.context.loaders.get("feed_subjects", batch)


@strawberry.type(
    description="One change that concerns the viewer's organization, in event-log order. Its "
    "cursor resumes the organizationEvents query and subscription."
)
class OrganizationEvent:
    cursor: str
    type: EventType
    occurred_at: dt.datetime = strawberry.field(
        description="When the change was recorded (a tracking event's own time is in `data`)"
    )
    data: str = strawberry.field(
        description="The JSON object of this type's schema (docs/events/), as a webhook "
        "delivery of this event carries it in its body's `data`"
    )
    subject_ref: strawberry.Private[tuple[str, int]]

    @strawberry.field(
        description="The object the change is about (Shipment, Container, Dispute, "
        "SupportThread); null when the viewer may no longer see it"
    )
    async def subject(self, info: Info) -> Node | None:
        viewer = info.context.require_viewer()
        return await _subject_loader(info, viewer).load(self.subject_ref)

    @classmethod
    def from_feed(cls, event: FeedEvent) -> OrganizationEvent:
        return cls(
            cursor=event.cursor,
            type=event.type,
            occurred_at=event.occurred_at,
            data=event.data_json,
            subject_ref=event.subject,
        )


@strawberry.type
class OrganizationEventEdge:
    node: OrganizationEvent
    cursor: str


@strawberry.type
class OrganizationEventConnection:
    edges: list[OrganizationEventEdge]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: FeedPage, after: str | None) -> OrganizationEventConnection:
        cursors = [event.cursor for event in page.events]
        return cls(
            edges=[
                OrganizationEventEdge(node=OrganizationEvent.from_feed(event), cursor=event.cursor)
                for event in page.events
            ],
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )


@strawberry.type
class FeedQuery:
    @strawberry.field(
        description="Every change that concerns the viewer's organization after the cursor, "
        "oldest first (a DEALER or CARRIER organization's user or key). A cursor older than "
        "the log keeps events is CURSOR_EXPIRED."
    )
    async def organization_events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        types: list[EventType] | None = None,
    ) -> OrganizationEventConnection:
        page = await feed.page(
            info.context.require_viewer(),
            first=first,
            after=after,
            types=types,
            window=info.context.settings.event_retention,
        )
        return OrganizationEventConnection.from_page(page, after)
