"""VehiclePaymentRequest and TransferVerification: their types, lists and mutations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.documents.tables import Document as DocumentRow
from models.services import rules, tables
from models.validators import round_money
from resolvers.services import payments, reads
from schema.base import Money, MoneyInput, PageInfo, UserError, edges, page_info, run_payload
from schema.context import Info
from schema.convert import amount
from schema.ids import decode_id
from schema.node import node_fetcher
from schema.services.types import (
    ServiceRequest,
    ServiceRequestStatus,
    coverage,
    money_of,
    present,
    presents,
)

if TYPE_CHECKING:
    from schema.documents.types import Document

VP = rules.ServiceKind.VEHICLE_PAYMENT
TV = rules.ServiceKind.TRANSFER_VERIFICATION


async def document_of(
    info: Info, key: int | None
) -> Annotated[Document, strawberry.lazy("schema.documents.types")] | None:
    """A linked document, where the viewer may see it."""
    from schema.documents.types import Document

    if key is None:
        return None
    loader = reads.linked_document(info.context.loaders, info.context.require_viewer())
    row: DocumentRow | None = await loader.load(key)
    return Document.from_model(row) if row else None


async def request_of(info: Info, key: int | None) -> ServiceRequest | None:
    if key is None:
        return None
    viewer = info.context.require_viewer()
    row = await reads.visible_request(info.context.loaders, viewer).load(key)
    return present(row) if row else None


@presents(VP)
@strawberry.type(
    description="Payment of a vehicle bought at auction under the financial support programme: "
    "REQUESTED → APPROVED (within the dealer's credit limit) or DECLINED → PAID → SETTLED"
)
class VehiclePaymentRequest(ServiceRequest):
    auction: str
    lot_number: str
    vin: str
    amount: Money
    due_date: dt.date = strawberry.field(description="From the auction's invoice")
    payment_reference: str | None

    @classmethod
    def from_model(cls, row: tables.ServiceRequest) -> VehiclePaymentRequest:
        asked = money_of(row, row.amount)
        assert asked is not None and row.due_date is not None
        return cls(
            **cls.shared(row),
            auction=row.auction or "",
            lot_number=row.lot_number or "",
            vin=row.vin or "",
            amount=asked,
            due_date=row.due_date,
            payment_reference=row.payment_reference,
        )

    @strawberry.field(description="The auction's INVOICE document, when uploaded")
    async def invoice(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("schema.documents.types")] | None:
        return await document_of(info, self._row.document_id)


@presents(TV)
@strawberry.type(
    description="A transfer the dealer reports, for back office to verify: REQUESTED → MATCHED, "
    "NOT_FOUND or AMOUNT_MISMATCH"
)
class TransferVerification(ServiceRequest):
    amount: Money
    transfer_date: dt.date
    payer: str
    reference: str
    expected: Money | None = strawberry.field(description="What was due, on AMOUNT_MISMATCH")
    difference: Money | None = strawberry.field(
        description="expected − amount on AMOUNT_MISMATCH (negative: the dealer sent more)"
    )

    @classmethod
    def from_model(cls, row: tables.ServiceRequest) -> TransferVerification:
        sent = money_of(row, row.amount)
        assert sent is not None and row.transfer_date is not None
        gap = None
        if row.result_amount is not None and row.amount is not None:
            delta = Decimal(row.result_amount) - Decimal(row.amount)
            gap = Money(amount=round_money(delta, sent.currency), currency=sent.currency)
        return cls(
            **cls.shared(row),
            amount=sent,
            transfer_date=row.transfer_date,
            payer=row.payer or "",
            reference=row.reference or "",
            expected=money_of(row, row.result_amount),
            difference=gap,
        )

    @strawberry.field(description="The payment request it was matched to")
    async def matched_payment_request(self, info: Info) -> VehiclePaymentRequest | None:
        found = await request_of(info, self._row.related_id)
        return found if isinstance(found, VehiclePaymentRequest) else None

    @strawberry.field(description="The invoice it was matched to")
    async def matched_invoice(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("schema.documents.types")] | None:
        return await document_of(info, self._row.document_id)


@strawberry.type
class VehiclePaymentRequestEdge:
    node: VehiclePaymentRequest
    cursor: str


@strawberry.type
class VehiclePaymentRequestConnection:
    edges: list[VehiclePaymentRequestEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class TransferVerificationEdge:
    node: TransferVerification
    cursor: str


@strawberry.type
class TransferVerificationConnection:
    edges: list[TransferVerificationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class RequestVehiclePaymentInput:
    auction: str
    lot_number: str
    vin: str
    amount: MoneyInput
    due_date: dt.date
    invoice_id: strawberry.ID | None = None
    thread_id: strawberry.ID | None = strawberry.field(
        default=None, description="The support thread it comes from (convert to request)"
    )
    dealer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Staff opening it for a dealer"
    )
    note: str | None = None


@strawberry.input
class ReportTransferInput:
    amount: MoneyInput
    transfer_date: dt.date
    payer: str
    reference: str
    thread_id: strawberry.ID | None = None
    dealer_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.type
class VehiclePaymentRequestPayload:
    request: VehiclePaymentRequest | None = None
    errors: list[UserError]


@strawberry.type
class TransferVerificationPayload:
    request: TransferVerification | None = None
    errors: list[UserError]


def optional_id(value: strawberry.ID | None, type_name: str, field: list[str | int]) -> int | None:
    return None if value is None else decode_id(value, type_name, field)


@node_fetcher("VehiclePaymentRequest")
async def _payment_node(info: Info, key: int) -> VehiclePaymentRequest | None:
    row = await reads.request(info.context.require_viewer(), key, VP)
    return VehiclePaymentRequest.from_model(row) if row else None


@node_fetcher("TransferVerification")
async def _transfer_node(info: Info, key: int) -> TransferVerification | None:
    row = await reads.request(info.context.require_viewer(), key, TV)
    return TransferVerification.from_model(row) if row else None


@strawberry.type
class PaymentsQuery:
    @strawberry.field(description="The vehicle payment requests the viewer sees, newest first")
    async def vehicle_payment_requests(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[ServiceRequestStatus] | None = None,
    ) -> VehiclePaymentRequestConnection:
        viewer = info.context.require_viewer()
        page = await reads.kind_page(viewer, VP, first=first, after=after, statuses=status or ())
        return VehiclePaymentRequestConnection(
            edges=edges(page, VehiclePaymentRequestEdge, VehiclePaymentRequest.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )

    @strawberry.field(description="The transfer verifications the viewer sees, newest first")
    async def transfer_verifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[ServiceRequestStatus] | None = None,
    ) -> TransferVerificationConnection:
        viewer = info.context.require_viewer()
        page = await reads.kind_page(viewer, TV, first=first, after=after, statuses=status or ())
        return TransferVerificationConnection(
            edges=edges(page, TransferVerificationEdge, TransferVerification.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.type
class PaymentsMutation:
    @strawberry.mutation(description="The dealer (or staff for it) asks for a vehicle's payment")
    async def request_vehicle_payment(
        self, info: Info, input: RequestVehiclePaymentInput
    ) -> VehiclePaymentRequestPayload:
        async def action() -> dict[str, object]:
            row = await payments.request_vehicle_payment(
                viewer=info.context.viewer,
                dealer_id=optional_id(input.dealer_id, "Organization", ["input", "dealerId"]),
                auction=input.auction,
                lot_number=input.lot_number,
                vehicle=input.vin,
                amount=required(input.amount),
                due_date=input.due_date,
                invoice_id=optional_id(input.invoice_id, "Document", ["input", "invoiceId"]),
                thread_id=optional_id(input.thread_id, "SupportThread", ["input", "threadId"]),
                note=input.note,
                coverage=coverage(info.context),
            )
            return {"request": VehiclePaymentRequest.from_model(row)}

        return await run_payload(VehiclePaymentRequestPayload, action)

    @strawberry.mutation(
        description="BACK_OFFICE: APPROVED (within the credit limit), DECLINED (note), PAID "
        "(paymentReference), SETTLED"
    )
    async def advance_vehicle_payment(
        self,
        info: Info,
        request_id: strawberry.ID,
        status: ServiceRequestStatus,
        note: str | None = None,
        payment_reference: str | None = None,
    ) -> VehiclePaymentRequestPayload:
        async def action() -> dict[str, object]:
            row = await payments.advance_vehicle_payment(
                viewer=info.context.viewer,
                request_id=decode_id(request_id, "VehiclePaymentRequest", ["requestId"]),
                status=status,
                note=note,
                payment_reference=payment_reference,
            )
            return {"request": VehiclePaymentRequest.from_model(row)}

        return await run_payload(VehiclePaymentRequestPayload, action)

    @strawberry.mutation(description="The dealer (or staff for it) reports a transfer to verify")
    async def report_transfer(
        self, info: Info, input: ReportTransferInput
    ) -> TransferVerificationPayload:
        async def action() -> dict[str, object]:
            row = await payments.report_transfer(
                viewer=info.context.viewer,
                dealer_id=optional_id(input.dealer_id, "Organization", ["input", "dealerId"]),
                amount=required(input.amount),
                transfer_date=input.transfer_date,
                payer=input.payer,
                reference=input.reference,
                thread_id=optional_id(input.thread_id, "SupportThread", ["input", "threadId"]),
                note=input.note,
                coverage=coverage(info.context),
            )
            return {"request": TransferVerification.from_model(row)}

        return await run_payload(TransferVerificationPayload, action)

    @strawberry.mutation(
        description="BACK_OFFICE: MATCHED (to paymentRequestId or invoiceId), NOT_FOUND (note) "
        "or AMOUNT_MISMATCH (expected)"
    )
    async def verify_transfer(
        self,
        info: Info,
        request_id: strawberry.ID,
        status: ServiceRequestStatus,
        note: str | None = None,
        payment_request_id: strawberry.ID | None = None,
        invoice_id: strawberry.ID | None = None,
        expected: MoneyInput | None = None,
    ) -> TransferVerificationPayload:
        async def action() -> dict[str, object]:
            row = await payments.verify_transfer(
                viewer=info.context.viewer,
                request_id=decode_id(request_id, "TransferVerification", ["requestId"]),
                status=status,
                note=note,
                payment_request_id=optional_id(
                    payment_request_id, "VehiclePaymentRequest", ["paymentRequestId"]
                ),
                invoice_id=optional_id(invoice_id, "Document", ["invoiceId"]),
                expected=amount(expected),
            )
            return {"request": TransferVerification.from_model(row)}

        return await run_payload(TransferVerificationPayload, action)


def required(value: MoneyInput) -> payments.Amount:
    given = amount(value)
    assert given is not None
    return given
