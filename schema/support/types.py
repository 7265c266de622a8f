"""Support threads, their messages, service-level timers and ratings: types, inputs, payloads,
and the Query part (the Mutation part: schema/support/threads.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import clock
from models.accounts.tables import Organization as OrganizationRow
from models.calendar import Coverage
from models.support import sla, tables
from models.support.sla import SlaKind as SlaKindEnum
from models.support.sla import SlaTimerStatus as SlaTimerStatusEnum
from models.support.tables import ThreadCategory as ThreadCategoryEnum
from models.support.tables import ThreadStatus as ThreadStatusEnum
from models.support.tables import ThreadTopic as ThreadTopicEnum
from resolvers.pagination import encode_cursor
from resolvers.shipments import reads as shipment_reads
from resolvers.support import reads as support_reads
from resolvers.support import sla as support_sla
from schema.accounts.types import Organization, User
from schema.base import Node, PageInfo, UserError, edges, page_info
from schema.context import Context, Info
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher
from schema.shipments.types import Shipment
from schema.support.groups import SupportGroup, group_of, user_of

if TYPE_CHECKING:
    from schema.services.types import ServiceRequest

__all__ = ["SupportGroup"]  # Organization.supportGroup finds it here

ThreadCategory = ThreadCategoryEnum
strawberry.enum(ThreadCategory, name="ThreadCategory")
ThreadTopic = ThreadTopicEnum
strawberry.enum(ThreadTopic, name="ThreadTopic")
ThreadStatus = ThreadStatusEnum
strawberry.enum(ThreadStatus, name="ThreadStatus")
SlaKind = SlaKindEnum
strawberry.enum(SlaKind, name="SlaKind")
SlaTimerStatus = SlaTimerStatusEnum
strawberry.enum(SlaTimerStatus, name="SlaTimerStatus")


def coverage(context: Context) -> Coverage:
    settings = context.settings
    return support_sla.desk_coverage(settings.zone, settings.holidays)


@strawberry.type
class SupportMessage(Node):
    cursor: str
    body: str
    internal: bool = strawberry.field(
        description="Staff-only notes; never shown to a dealer, in queries or subscriptions"
    )
    created_at: dt.datetime
    _row: strawberry.Private[tables.SupportMessage]

    @classmethod
    def from_model(cls, row: tables.SupportMessage) -> SupportMessage:
        assert row.seq is not None  # set in the transaction that wrote the row
        return cls(
            id=strawberry.ID(to_global_id("SupportMessage", row.pk)),
            cursor=encode_cursor(row.seq),
            body=row.body,
            internal=row.internal,
            created_at=row.created_at,
            _row=row,
        )

    @strawberry.field
    async def author(self, info: Info) -> User:
        author = await user_of(info, self._row.author_id)
        assert author is not None  # RESTRICT on delete
        return author


@strawberry.type
class SupportMessageEdge:
    node: SupportMessage
    cursor: str


@strawberry.type
class SupportMessageConnection:
    edges: list[SupportMessageEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class SlaTimer:
    kind: SlaKind
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    status: SlaTimerStatus

    @classmethod
    def from_model(cls, row: sla.SlaTimer) -> SlaTimer:
        return cls(
            kind=row.kind,
            due_at=row.due_at,
            completed_at=row.completed_at,
            status=sla.status(row, clock.now()),
        )


@strawberry.type
class ThreadRating:
    score: int
    comment: str | None
    _row: strawberry.Private[tables.ThreadRating]

    @strawberry.field(description="Who served the thread when it was rated")
    async def agent(self, info: Info) -> User | None:
        return await user_of(info, self._row.agent_id)

    @strawberry.field(description="The group that had the thread when it was rated")
    async def group(self, info: Info) -> SupportGroup | None:
        return await group_of(info, self._row.group_id)


@strawberry.type
class SupportThread(Node):
    subject: str
    category: ThreadCategory
    topic: ThreadTopic
    status: ThreadStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    _row: strawberry.Private[tables.SupportThread]

    @classmethod
    def from_model(cls, row: tables.SupportThread) -> SupportThread:
        return cls(
            id=strawberry.ID(to_global_id("SupportThread", row.pk)),
            subject=row.subject,
            category=row.category,
            topic=row.topic,
            status=row.status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            _row=row,
        )

    @strawberry.field
    async def dealer(self, info: Info) -> Organization:
        row = await info.context.loaders.load(OrganizationRow, self._row.dealer_id)
        assert row is not None  # RESTRICT on delete
        return Organization.from_model(row)

    @strawberry.field
    async def group(self, info: Info) -> SupportGroup | None:
        return await group_of(info, self._row.group_id)

    @strawberry.field
    async def assignee(self, info: Info) -> User | None:
        return await user_of(info, self._row.assignee_id)

    @strawberry.field
    async def shipment(self, info: Info) -> Shipment | None:
        if self._row.shipment_id is None:
            return None
        loader = shipment_reads.visible_shipment(
            info.context.loaders, info.context.require_viewer()
        )
        row = await loader.load(self._row.shipment_id)
        return Shipment.from_model(row) if row else None

    @strawberry.field(description="The service requests started from or linked to the thread")
    async def service_requests(
        self, info: Info
    ) -> list[Annotated[ServiceRequest, strawberry.lazy("schema.services.types")]]:
        from resolvers.services.reads import requests_of
        from schema.services.types import present

        viewer = info.context.require_viewer()
        rows = await requests_of(info.context.loaders, viewer, "thread_id").load(self._row.id)
        return [present(row) for row in rows]

    @strawberry.field
    async def messages(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> SupportMessageConnection:
        viewer = info.context.require_viewer()
        page = await support_reads.messages_page(
            info.context.loaders,
            viewer,
            self._row.id,
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return SupportMessageConnection(
            edges=edges(page, SupportMessageEdge, SupportMessage.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )

    @strawberry.field
    async def sla_timers(self, info: Info) -> list[SlaTimer]:
        rows = await support_reads.timers_of(info.context.loaders).load(self._row.id)
        return [SlaTimer.from_model(row) for row in rows]

    @strawberry.field
    async def rating(self, info: Info) -> ThreadRating | None:
        row = await support_reads.rating_of(info.context.loaders).load(self._row.id)
        return ThreadRating(score=row.score, comment=row.comment, _row=row) if row else None


@strawberry.type
class SupportThreadEdge:
    node: SupportThread
    cursor: str


@strawberry.type
class SupportThreadConnection:
    edges: list[SupportThreadEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class SupportThreadFilter:
    status: list[ThreadStatus] | None = None
    category: list[ThreadCategory] | None = None
    assignee_id: strawberry.ID | None = None


@strawberry.input
class OpenSupportThreadInput:
    subject: str
    category: ThreadCategory
    topic: ThreadTopic
    body: str
    shipment_id: strawberry.ID | None = None


@strawberry.type
class SupportThreadPayload:
    thread: SupportThread | None = None
    errors: list[UserError]


@strawberry.type
class SupportMessagePayload:
    message: SupportMessage | None = None
    errors: list[UserError]


@node_fetcher("SupportThread")
async def _thread_node(info: Info, key: int) -> SupportThread | None:
    row = await support_reads.thread(info.context.require_viewer(), key)
    return SupportThread.from_model(row) if row else None


@node_fetcher("SupportMessage")
async def _message_node(info: Info, key: int) -> SupportMessage | None:
    row = await support_reads.message(info.context.require_viewer(), key)
    return SupportMessage.from_model(row) if row else None


def thread_result(row: tables.SupportThread) -> dict[str, object]:
    return {"thread": SupportThread.from_model(row)}


def thread_key(value: strawberry.ID) -> int:
    return decode_id(value, "SupportThread", ["threadId"])


@strawberry.type
class SupportQuery:
    @strawberry.field
    async def support_thread(self, info: Info, id: strawberry.ID) -> SupportThread | None:
        key = decode_id(id, "SupportThread", ["id"])
        row = await support_reads.thread(info.context.require_viewer(), key)
        return SupportThread.from_model(row) if row else None

    @strawberry.field
    async def support_threads(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: SupportThreadFilter | None = None,
    ) -> SupportThreadConnection:
        viewer = info.context.require_viewer()
        wanted = filter or SupportThreadFilter()
        assignee_id = None
        if wanted.assignee_id is not None:
            assignee_id = decode_id(wanted.assignee_id, "User", ["filter", "assigneeId"])
        page = await support_reads.thread_page(
            viewer,
            first=first,
            after=after,
            last=last,
            before=before,
            statuses=wanted.status,
            categories=wanted.category,
            assignee_id=assignee_id,
        )
        return SupportThreadConnection(
            edges=edges(page, SupportThreadEdge, SupportThread.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )
