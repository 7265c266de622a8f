"""The Document type, its history and its connection."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import clock
from models.accounts.tables import User as UserRow
from models.documents import rules, tables
from models.shipments.tables import Shipment as ShipmentRow
from resolvers.claims.reads import visible_claim
from resolvers.documents import reads
from resolvers.documents.uploads import download_url
from resolvers.pagination import Page
from schema.accounts.types import Role, User
from schema.base import Node, PageInfo, edges, page_info
from schema.context import Info
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher

if TYPE_CHECKING:
    from schema.claims.types import InsuranceClaim
    from schema.shipments.types import Shipment

DocumentKind = rules.DocumentKind
strawberry.enum(DocumentKind, name="DocumentKind")
DocumentStatus = rules.DocumentStatus
strawberry.enum(DocumentStatus, name="DocumentStatus")


async def user_of(info: Info, key: int | None) -> User | None:
    row = await info.context.loaders.load(UserRow, key)
    return User.from_model(row) if row else None


@strawberry.type(description="One step of a document's life: who, when, to which status, why")
class DocumentChange:
    previous_status: DocumentStatus | None
    status: DocumentStatus
    note: str | None
    occurred_at: dt.datetime
    _row: strawberry.Private[tables.DocumentChange]

    @classmethod
    def from_model(cls, row: tables.DocumentChange) -> DocumentChange:
        return cls(
            previous_status=row.previous_status,
            status=row.status,
            note=row.note,
            occurred_at=row.occurred_at,
            _row=row,
        )

    @strawberry.field(description="Who made the change; null for the system")
    async def by(self, info: Info) -> User | None:
        return await user_of(info, self._row.by_id)


@strawberry.type
class Document(Node):
    kind: DocumentKind
    status: DocumentStatus
    file_name: str | None
    content_type: str | None
    size_bytes: int | None
    sha256: str | None = strawberry.field(
        description="Hex SHA-256 of the stored bytes, computed by the server"
    )
    uploaded_at: dt.datetime | None
    due_at: dt.datetime | None = strawberry.field(description="When a requested paper is due")
    holder: Role | None = strawberry.field(
        description="Who must act next: the provider (DEALER: the customer) while REQUESTED or "
        "REJECTED, BACK_OFFICE while UPLOADED or LOST; null once VERIFIED or RECOVERED"
    )
    held_since: dt.datetime | None
    provider: Role = strawberry.field(description="Who supplies the paper's file")
    note: str | None = strawberry.field(description="The request's note, or the last change's")
    created_at: dt.datetime
    updated_at: dt.datetime
    _row: strawberry.Private[tables.Document]

    @classmethod
    def from_model(cls, row: tables.Document) -> Document:
        return cls(
            id=strawberry.ID(to_global_id("Document", row.pk)),
            kind=row.kind,
            status=row.status,
            file_name=row.file_name,
            content_type=row.content_type,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
            uploaded_at=row.uploaded_at,
            due_at=row.due_at,
            holder=row.holder,
            held_since=row.held_since,
            provider=row.provider,
            note=row.note,
            created_at=row.created_at,
            updated_at=row.updated_at,
            _row=row,
        )

    @strawberry.field(
        description="A short-lived URL to fetch the bytes (a path on this API's origin: "
        "GET /files/…); null until uploaded, and for viewers who may not see it"
    )
    def download_url(self, info: Info) -> str | None:
        return download_url(self._row, info.context.settings.download_url_seconds)

    @strawberry.field(description="Still REQUESTED or REJECTED after its due date")
    def overdue(self) -> bool:
        return rules.overdue(self._row.status, self._row.due_at, clock.now())

    @strawberry.field
    async def shipment(
        self, info: Info
    ) -> Annotated[Shipment, strawberry.lazy("schema.shipments.types")] | None:
        from schema.shipments.types import Shipment

        row = await info.context.loaders.load(ShipmentRow, self._row.shipment_id)
        return Shipment.from_model(row) if row else None

    @strawberry.field(description="The insurance claim it belongs to, where the viewer sees it")
    async def claim(
        self, info: Info
    ) -> Annotated[InsuranceClaim, strawberry.lazy("schema.claims.types")] | None:
        from schema.claims.types import InsuranceClaim

        if self._row.claim_id is None:
            return None
        loader = visible_claim(info.context.loaders, info.context.require_viewer())
        row = await loader.load(self._row.claim_id)
        return InsuranceClaim.from_model(row) if row else None

    @strawberry.field(description="Who asked for the paper, when it was requested")
    async def requested_by(self, info: Info) -> User | None:
        return await user_of(info, self._row.requested_by_id)

    @strawberry.field(description="Every status change, oldest first")
    async def history(self, info: Info) -> list[DocumentChange]:
        rows = await reads.changes_of(info.context.loaders).load(self._row.id)
        return [DocumentChange.from_model(row) for row in rows]


@strawberry.type
class DocumentEdge:
    node: Document
    cursor: str


@strawberry.type
class DocumentConnection:
    edges: list[DocumentEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[tables.Document]) -> DocumentConnection:
        return cls(
            edges=edges(page, DocumentEdge, Document.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@node_fetcher("Document")
async def _document_node(info: Info, key: int) -> Document | None:
    row = await reads.document(info.context.require_viewer(), key)
    return Document.from_model(row) if row else None


@strawberry.input
class DocumentFilter:
    status: list[DocumentStatus] | None = None
    kind: list[DocumentKind] | None = None
    holder: Role | None = strawberry.field(default=None, description="Who must act next")
    overdue: bool | None = strawberry.field(
        default=None, description="Still REQUESTED or REJECTED after its due date (or not)"
    )


@strawberry.type
class DocumentsQuery:
    @strawberry.field
    async def document(self, info: Info, id: strawberry.ID) -> Document | None:
        return await _document_node(info, decode_id(id, "Document", ["id"]))

    @strawberry.field(
        description="The documents the viewer may see on every shipment, newest first"
    )
    async def documents(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: DocumentFilter | None = None,
    ) -> DocumentConnection:
        wanted = filter or DocumentFilter()
        page = await reads.document_page(
            info.context.require_viewer(),
            reads.DocumentFilter(
                statuses=wanted.status or (),
                kinds=wanted.kind or (),
                holder=wanted.holder,
                overdue=wanted.overdue,
            ),
            first=first,
            after=after,
        )
        return DocumentConnection.from_page(page)
