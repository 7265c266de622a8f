"""Money requests worked by BACK_OFFICE: vehicle payments under the financial support programme
and verifications of the dealers' transfers.

VehiclePaymentRequest: REQUESTED → APPROVED (within the dealer's credit limit: credit.reserve,
under the credit line's lock) or DECLINED (reason) → PAID (payment reference) → SETTLED.
TransferVerification: REQUESTED → MATCHED (to a payment request or an invoice of the dealer's),
NOT_FOUND (reason) or AMOUNT_MISMATCH (the expected amount; the difference is shown).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.calendar import Coverage
from models.services.rules import RequestStatus, ServiceKind
from models.services.tables import ServiceRequest
from models.viewer import Viewer
from resolvers.checks import Amount, Path, optional_text, text, vin
from resolvers.errors import invalid
from resolvers.services import credit
from resolvers.services.access import find_request
from resolvers.services.requests import (
    Opening,
    Step,
    dealer_invoice,
    dealer_thread,
    load_for_move,
    move_request,
    note_of,
    open_request,
    positive,
    requester,
)
from subscriptions.log import Recorder

S = RequestStatus
VP = ServiceKind.VEHICLE_PAYMENT
TV = ServiceKind.TRANSFER_VERIFICATION
LATEST_DATE_YEARS = 5


def a_date(value: dt.date, field: Path, *, past: bool) -> dt.date:
    today = dt.date.today()
    earliest = today - dt.timedelta(days=365 * LATEST_DATE_YEARS)
    latest = today if past else today + dt.timedelta(days=365 * LATEST_DATE_YEARS)
    if not earliest <= value <= latest:
        raise invalid(field, f"must be between {earliest} and {latest}")
    return value


def vehicle_columns(
    auction: str, lot_number: str, vehicle: str | None, field: Path
) -> dict[str, Any]:
    return {
        "auction": text(auction, [*field, "auction"], limit=100),
        "lot_number": text(lot_number, [*field, "lotNumber"], limit=40),
        "vin": vin(vehicle, [*field, "vin"]) if vehicle is not None else None,
    }


async def request_vehicle_payment(
    *,
    viewer: Viewer | None,
    dealer_id: int | None,
    auction: str,
    lot_number: str,
    vehicle: str,
    amount: Amount,
    due_date: dt.date,
    invoice_id: int | None,
    thread_id: int | None,
    note: str | None,
    coverage: Coverage,
) -> ServiceRequest:
    field = ["input"]
    viewer, dealer = await requester(viewer, VP, dealer_id, [*field, "dealerId"])
    asked = positive(amount, [*field, "amount"])
    opening = Opening(
        kind=VP,
        dealer_id=dealer,
        columns={
            **vehicle_columns(auction, lot_number, vehicle, field),
            "amount": asked.amount,
            "currency": asked.currency,
            "due_date": a_date(due_date, [*field, "dueDate"], past=False),
            "document_id": await dealer_invoice(viewer, dealer, invoice_id, [*field, "invoiceId"]),
        },
        thread_id=await dealer_thread(viewer, dealer, thread_id, [*field, "threadId"]),
        note=optional_text(note, [*field, "note"], limit=2000),
    )
    return await open_request(viewer, opening, coverage=coverage)


async def _reserve(request: ServiceRequest, log: Recorder) -> None:
    await credit.reserve(request)


async def advance_vehicle_payment(
    *,
    viewer: Viewer | None,
    request_id: int,
    status: RequestStatus,
    note: str | None = None,
    payment_reference: str | None = None,
) -> ServiceRequest:
    viewer, request = await load_for_move(viewer, request_id, VP, status)
    step = Step(note=note_of(note))
    if status is S.DECLINED and step.note is None:
        raise invalid(["note"], "say why the payment is declined")
    if status is S.PAID:
        step.columns["payment_reference"] = text(
            payment_reference or "", ["paymentReference"], limit=100
        )
    elif payment_reference is not None:
        raise invalid(["paymentReference"], "is set with PAID only")
    if status is S.APPROVED:
        step.before = _reserve
    return await move_request(viewer, request, status, step)


async def report_transfer(
    *,
    viewer: Viewer | None,
    dealer_id: int | None,
    amount: Amount,
    transfer_date: dt.date,
    payer: str,
    reference: str,
    thread_id: int | None,
    note: str | None,
    coverage: Coverage,
) -> ServiceRequest:
    field = ["input"]
    viewer, dealer = await requester(viewer, TV, dealer_id, [*field, "dealerId"])
    sent = positive(amount, [*field, "amount"])
    opening = Opening(
        kind=TV,
        dealer_id=dealer,
        columns={
            "amount": sent.amount,
            "currency": sent.currency,
            "transfer_date": a_date(transfer_date, [*field, "transferDate"], past=True),
            "payer": text(payer, [*field, "payer"], limit=200),
            "reference": text(reference, [*field, "reference"], limit=100),
        },
        thread_id=await dealer_thread(viewer, dealer, thread_id, [*field, "threadId"]),
        note=optional_text(note, [*field, "note"], limit=2000),
    )
    return await open_request(viewer, opening, coverage=coverage)


async def verify_transfer(
    *,
    viewer: Viewer | None,
    request_id: int,
    status: RequestStatus,
    note: str | None = None,
    payment_request_id: int | None = None,
    invoice_id: int | None = None,
    expected: Amount | None = None,
) -> ServiceRequest:
    viewer, request = await load_for_move(viewer, request_id, TV, status)
    step = Step(note=note_of(note))
    if status is S.MATCHED:
        if (payment_request_id is None) == (invoice_id is None):
            raise invalid(["paymentRequestId"], "match to one payment request or one invoice")
        if payment_request_id is not None:
            matched = await find_request(viewer, payment_request_id, ["paymentRequestId"], VP)
            if matched.dealer_id != request.dealer_id:
                raise invalid(["paymentRequestId"], "is a payment request of another dealer")
            step.columns["related_id"] = matched.id
        step.columns["document_id"] = await dealer_invoice(
            viewer, request.dealer_id, invoice_id, ["invoiceId"]
        )
    elif payment_request_id is not None or invoice_id is not None:
        raise invalid(["paymentRequestId"], "is set with MATCHED only")
    if status is S.AMOUNT_MISMATCH:
        wanted = positive(expected, ["expected"])
        if wanted.currency != request.currency:
            raise invalid(["expected", "currency"], f"must be the transfer's {request.currency}")
        if wanted.amount == request.amount:
            raise invalid(["expected", "amount"], "equals the amount transferred: use MATCHED")
        step.columns["result_amount"] = wanted.amount
    elif expected is not None:
        raise invalid(["expected"], "is set with AMOUNT_MISMATCH only")
    if status is S.NOT_FOUND and step.note is None:
        raise invalid(["note"], "say what was searched for")
    return await move_request(viewer, request, status, step)
