"""The Mutation part of documents: attach a file (and get its upload URL), request a paper,
change a document's status."""

from __future__ import annotations

import datetime as dt

import strawberry

from models.documents.tables import Document as DocumentRow
from resolvers.documents import writes
from resolvers.documents.files import FileSpec, Limits
from schema.base import UserError, run_payload
from schema.context import Info
from schema.documents.types import Document, DocumentKind, DocumentStatus
from schema.ids import decode_id


@strawberry.input
class AttachDocumentInput:
    shipment_id: strawberry.ID
    kind: DocumentKind
    file_name: str
    content_type: str
    size_bytes: int
    document_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The REQUESTED, REJECTED or LOST document this file is for; none: a new one",
    )
    claim_id: strawberry.ID | None = strawberry.field(
        default=None, description="An open insurance claim of the shipment it belongs to"
    )
    dispute_id: strawberry.ID | None = None
    thread_id: strawberry.ID | None = strawberry.field(
        default=None, description="A support thread of the shipment it belongs to"
    )


@strawberry.input
class RequestDocumentInput:
    shipment_id: strawberry.ID
    kind: DocumentKind
    due_at: dt.datetime
    note: str | None = None
    claim_id: strawberry.ID | None = None


@strawberry.type
class DocumentPayload:
    document: Document | None = None
    upload_url: str | None = strawberry.field(
        default=None,
        description="Where to PUT the file's bytes: once, for a limited time, exactly sizeBytes "
        "of contentType (a path on this API's origin: PUT /files/…)",
    )
    errors: list[UserError]


def _limits(info: Info) -> Limits:
    settings = info.context.settings
    return Limits(
        document_max_bytes=settings.document_max_bytes,
        video_max_bytes=settings.video_max_bytes,
        upload_url_seconds=settings.upload_url_seconds,
    )


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return None if value is None else decode_id(value, type_name, ["input", field])


def _links(value: AttachDocumentInput | RequestDocumentInput) -> writes.Links:
    return writes.Links(
        claim_id=_optional_id(value.claim_id, "InsuranceClaim", "claimId"),
        dispute_id=_optional_id(getattr(value, "dispute_id", None), "Dispute", "disputeId"),
        thread_id=_optional_id(getattr(value, "thread_id", None), "SupportThread", "threadId"),
    )


def _document(row: DocumentRow) -> dict[str, object]:
    return {"document": Document.from_model(row)}


@strawberry.type
class DocumentsMutation:
    @strawberry.mutation
    async def attach_document(self, info: Info, input: AttachDocumentInput) -> DocumentPayload:
        async def action() -> dict[str, object]:
            attached = await writes.attach_document(
                viewer=info.context.viewer,
                shipment_id=decode_id(input.shipment_id, "Shipment", ["input", "shipmentId"]),
                kind=input.kind,
                file=FileSpec(input.file_name, input.content_type, input.size_bytes),
                limits=_limits(info),
                document_id=_optional_id(input.document_id, "Document", "documentId"),
                linked=_links(input),
            )
            return _document(attached.document) | {"upload_url": attached.upload_url}

        return await run_payload(DocumentPayload, action)

    @strawberry.mutation(
        description="Ask for a paper by a date (a B/L, a release order, photos or a video of "
        "the vehicle): a REQUESTED document held by whoever supplies it"
    )
    async def request_document(self, info: Info, input: RequestDocumentInput) -> DocumentPayload:
        async def action() -> dict[str, object]:
            row = await writes.request_document(
                viewer=info.context.viewer,
                shipment_id=decode_id(input.shipment_id, "Shipment", ["input", "shipmentId"]),
                kind=input.kind,
                due_at=input.due_at,
                note=input.note,
                linked=_links(input),
            )
            return _document(row)

        return await run_payload(DocumentPayload, action)

    @strawberry.mutation
    async def set_document_status(
        self,
        info: Info,
        document_id: strawberry.ID,
        status: DocumentStatus,
        note: str | None = None,
    ) -> DocumentPayload:
        async def action() -> dict[str, object]:
            row = await writes.set_document_status(
                viewer=info.context.viewer,
                document_id=decode_id(document_id, "Document", ["documentId"]),
                status=status,
                note=note,
            )
            return _document(row)

        return await run_payload(DocumentPayload, action)
