"""InvoiceAmendment and ExtraServiceOrder: their types, lists and mutations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.calculations.tables import ExtraService
from models.services import rules, tables
from resolvers.services import extras, reads
from schema.accounts.types import User
from schema.base import Money, PageInfo, UserError, edges, page_info, run_payload
from schema.context import Info
from schema.documents.types import user_of
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher
from schema.services.payments import document_of, optional_id
from schema.services.types import (
    ServiceRequest,
    ServiceRequestStatus,
    coverage,
    money_of,
    presents,
)

if TYPE_CHECKING:
    from schema.documents.types import Document

AMENDMENT = rules.ServiceKind.INVOICE_AMENDMENT
EXTRA = rules.ServiceKind.EXTRA_SERVICE


@strawberry.type
class InvoiceChange:
    field: str
    value: str


@strawberry.input
class InvoiceChangeInput:
    field: str
    value: str


@presents(AMENDMENT)
@strawberry.type(
    description="A change to an invoice: REQUESTED → APPLIED or DECLINED. Documents have no "
    "versions: APPLIED records the amendment and may name the corrected invoice uploaded"
)
class InvoiceAmendment(ServiceRequest):
    changes: list[InvoiceChange]

    @classmethod
    def from_model(cls, row: tables.ServiceRequest) -> InvoiceAmendment:
        return cls(
            **cls.shared(row),
            changes=[InvoiceChange(field=c["field"], value=c["value"]) for c in row.changes or []],
        )

    @strawberry.field(description="The invoice to amend")
    async def invoice(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("schema.documents.types")] | None:
        return await document_of(info, self._row.document_id)

    @strawberry.field(description="The corrected invoice, when back office uploaded one")
    async def amended_invoice(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("schema.documents.types")] | None:
        return await document_of(info, self._row.new_document_id)


@strawberry.type(description="An auto-parts parcel announced by the dealer")
class Parcel:
    id: strawberry.ID
    carrier: str
    tracking_number: str
    description: str | None
    received_at: dt.datetime | None
    _row: strawberry.Private[tables.ServiceParcel]

    @strawberry.field
    async def received_by(self, info: Info) -> User | None:
        return await user_of(info, self._row.received_by_id)


def parcel(row: tables.ServiceParcel) -> Parcel:
    return Parcel(
        id=strawberry.ID(to_global_id("Parcel", row.pk)),
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        description=row.description,
        received_at=row.received_at,
        _row=row,
    )


@presents(EXTRA)
@strawberry.type(
    description="An extra service on a shipment, priced from the rate tables: REQUESTED → "
    "CONFIRMED (added to the shipment's price) → FULFILLED, or DECLINED"
)
class ExtraServiceOrder(ServiceRequest):
    service: ExtraService
    price: Money

    @classmethod
    def from_model(cls, row: tables.ServiceRequest) -> ExtraServiceOrder:
        price = money_of(row, row.amount)
        assert price is not None and row.service is not None
        return cls(**cls.shared(row), service=row.service, price=price)

    @strawberry.field(description="AUTO_PARTS: the parcels, in the order announced")
    async def parcels(self, info: Info) -> list[Parcel]:
        rows = await reads.parcels_of(info.context.loaders).load(self._row.id)
        return [parcel(row) for row in rows]


@strawberry.type
class InvoiceAmendmentEdge:
    node: InvoiceAmendment
    cursor: str


@strawberry.type
class InvoiceAmendmentConnection:
    edges: list[InvoiceAmendmentEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ExtraServiceOrderEdge:
    node: ExtraServiceOrder
    cursor: str


@strawberry.type
class ExtraServiceOrderConnection:
    edges: list[ExtraServiceOrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class RequestInvoiceAmendmentInput:
    invoice_id: strawberry.ID
    changes: list[InvoiceChangeInput]
    reason: str
    thread_id: strawberry.ID | None = None
    dealer_id: strawberry.ID | None = None


@strawberry.input
class ParcelInput:
    carrier: str
    tracking_number: str
    description: str | None = None


@strawberry.input
class OrderExtraServiceInput:
    shipment_id: strawberry.ID
    service: ExtraService
    parcels: list[ParcelInput] = strawberry.field(default_factory=list)
    thread_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.type
class InvoiceAmendmentPayload:
    request: InvoiceAmendment | None = None
    errors: list[UserError]


@strawberry.type
class ExtraServiceOrderPayload:
    request: ExtraServiceOrder | None = None
    errors: list[UserError]


@node_fetcher("InvoiceAmendment")
async def _amendment_node(info: Info, key: int) -> InvoiceAmendment | None:
    row = await reads.request(info.context.require_viewer(), key, AMENDMENT)
    return InvoiceAmendment.from_model(row) if row else None


@node_fetcher("ExtraServiceOrder")
async def _extra_node(info: Info, key: int) -> ExtraServiceOrder | None:
    row = await reads.request(info.context.require_viewer(), key, EXTRA)
    return ExtraServiceOrder.from_model(row) if row else None


@strawberry.type
class ExtrasQuery:
    @strawberry.field(description="The invoice amendments the viewer sees, newest first")
    async def invoice_amendments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[ServiceRequestStatus] | None = None,
    ) -> InvoiceAmendmentConnection:
        viewer = info.context.require_viewer()
        page = await reads.kind_page(
            viewer, AMENDMENT, first=first, after=after, statuses=status or ()
        )
        return InvoiceAmendmentConnection(
            edges=edges(page, InvoiceAmendmentEdge, InvoiceAmendment.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )

    @strawberry.field(description="The extra-service orders the viewer sees, newest first")
    async def extra_service_orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[ServiceRequestStatus] | None = None,
    ) -> ExtraServiceOrderConnection:
        viewer = info.context.require_viewer()
        page = await reads.kind_page(viewer, EXTRA, first=first, after=after, statuses=status or ())
        return ExtraServiceOrderConnection(
            edges=edges(page, ExtraServiceOrderEdge, ExtraServiceOrder.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.type
class ExtrasMutation:
    @strawberry.mutation(description="The dealer (or staff for it) asks to change an invoice")
    async def request_invoice_amendment(
        self, info: Info, input: RequestInvoiceAmendmentInput
    ) -> InvoiceAmendmentPayload:
        async def action() -> dict[str, object]:
            row = await extras.request_amendment(
                viewer=info.context.viewer,
                dealer_id=optional_id(input.dealer_id, "Organization", ["input", "dealerId"]),
                invoice_id=decode_id(input.invoice_id, "Document", ["input", "invoiceId"]),
                changes=[(c.field, c.value) for c in input.changes],
                reason=input.reason,
                thread_id=optional_id(input.thread_id, "SupportThread", ["input", "threadId"]),
                coverage=coverage(info.context),
            )
            return {"request": InvoiceAmendment.from_model(row)}

        return await run_payload(InvoiceAmendmentPayload, action)

    @strawberry.mutation(
        description="BACK_OFFICE: APPLIED (optionally the corrected invoice) or DECLINED (note)"
    )
    async def advance_invoice_amendment(
        self,
        info: Info,
        request_id: strawberry.ID,
        status: ServiceRequestStatus,
        note: str | None = None,
        amended_invoice_id: strawberry.ID | None = None,
    ) -> InvoiceAmendmentPayload:
        async def action() -> dict[str, object]:
            row = await extras.advance_amendment(
                viewer=info.context.viewer,
                request_id=decode_id(request_id, "InvoiceAmendment", ["requestId"]),
                status=status,
                note=note,
                amended_invoice_id=optional_id(
                    amended_invoice_id, "Document", ["amendedInvoiceId"]
                ),
            )
            return {"request": InvoiceAmendment.from_model(row)}

        return await run_payload(InvoiceAmendmentPayload, action)

    @strawberry.mutation(description="The dealer (or staff for it) orders an extra service")
    async def order_extra_service(
        self, info: Info, input: OrderExtraServiceInput
    ) -> ExtraServiceOrderPayload:
        async def action() -> dict[str, object]:
            row = await extras.order_extra_service(
                viewer=info.context.viewer,
                shipment_id=decode_id(input.shipment_id, "Shipment", ["input", "shipmentId"]),
                service=input.service,
                parcels=[(p.carrier, p.tracking_number, p.description) for p in input.parcels],
                thread_id=optional_id(input.thread_id, "SupportThread", ["input", "threadId"]),
                note=input.note,
                coverage=coverage(info.context),
            )
            return {"request": ExtraServiceOrder.from_model(row)}

        return await run_payload(ExtraServiceOrderPayload, action)

    @strawberry.mutation(description="WAREHOUSE: CONFIRMED, FULFILLED or DECLINED (note)")
    async def advance_extra_service(
        self,
        info: Info,
        request_id: strawberry.ID,
        status: ServiceRequestStatus,
        note: str | None = None,
    ) -> ExtraServiceOrderPayload:
        async def action() -> dict[str, object]:
            row = await extras.advance_extra_service(
                viewer=info.context.viewer,
                request_id=decode_id(request_id, "ExtraServiceOrder", ["requestId"]),
                status=status,
                note=note,
            )
            return {"request": ExtraServiceOrder.from_model(row)}

        return await run_payload(ExtraServiceOrderPayload, action)

    @strawberry.mutation(description="WAREHOUSE: one announced parcel arrived")
    async def receive_parcel(
        self, info: Info, parcel_id: strawberry.ID
    ) -> ExtraServiceOrderPayload:
        async def action() -> dict[str, object]:
            row = await extras.receive_parcel(
                viewer=info.context.viewer, parcel_id=decode_id(parcel_id, "Parcel", ["parcelId"])
            )
            return {"request": ExtraServiceOrder.from_model(row)}

        return await run_payload(ExtraServiceOrderPayload, action)
