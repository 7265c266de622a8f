"""Requests about a shipment's papers and extras: invoice amendments (BACK_OFFICE) and
extra-service orders (WAREHOUSE).

InvoiceAmendment: REQUESTED → APPLIED or DECLINED (reason). **Decision**: documents have no
versions in this API, so APPLIED records the amendment as applied and may name the corrected
INVOICE that back office uploaded on the same shipment (`amendedInvoiceId`); the old one stays.

ExtraServiceOrder on a shipment: AUTO_PARTS (the parcels announced with carrier and tracking
number, received at the warehouse one by one), EXTRA_PACKING, PHOTO_VIDEO. Priced when ordered
from the calculator's extra-service rates (per vehicle, in the shipment's currency, half-up to
the minor unit); REQUESTED → CONFIRMED (the price is added to the shipment's, under its row
lock) → FULFILLED (auto parts: every parcel received, loaded with the vehicle; photo/video: a
PHOTO or VIDEO document uploaded since the order), or DECLINED. **Decision**: auto parts and
packing are ordered before the vehicle is loaded, photos until it is delivered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from models import clock
from models.calculations.tables import ExtraService, ExtraServicePrice
from models.calendar import Coverage
from models.documents.rules import DocumentKind, DocumentStatus
from models.documents.tables import Document
from models.services.rules import WORKER, RequestStatus, ServiceKind
from models.services.tables import ServiceParcel, ServiceRequest
from models.shipments.tables import Shipment, ShipmentStatus, Vehicle
from models.validators import round_money
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.checks import Path, optional_text, text
from resolvers.errors import conflict, forbidden, invalid, invalid_transition, not_found
from resolvers.services.access import find_request
from resolvers.services.events import log_change
from resolvers.services.requests import (
    Opening,
    Step,
    dealer_invoice,
    dealer_thread,
    load_for_move,
    move_request,
    note_of,
    open_request,
    requester,
)
from resolvers.shipments.access import find_shipment
from resolvers.steps import write_version
from subscriptions.log import Recorder, recording

S = RequestStatus
AMENDMENT = ServiceKind.INVOICE_AMENDMENT
EXTRA = ServiceKind.EXTRA_SERVICE
MAX_CHANGES = 20
MAX_PARCELS = 20
ORDERED = frozenset({ExtraService.AUTO_PARTS, ExtraService.EXTRA_PACKING, ExtraService.PHOTO_VIDEO})
BEFORE_LOADING = frozenset(
    {
        ShipmentStatus.BOOKED,
        ShipmentStatus.ACCEPTED,
        ShipmentStatus.PICKUP_SCHEDULED,
        ShipmentStatus.PICKED_UP,
        ShipmentStatus.AT_WAREHOUSE,
    }
)
DONE = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED})


async def request_amendment(
    *,
    viewer: Viewer | None,
    dealer_id: int | None,
    invoice_id: int,
    changes: list[tuple[str, str]],
    reason: str,
    thread_id: int | None,
    coverage: Coverage,
) -> ServiceRequest:
    field: Path = ["input"]
    viewer, dealer = await requester(viewer, AMENDMENT, dealer_id, [*field, "dealerId"])
    document = await dealer_invoice(viewer, dealer, invoice_id, [*field, "invoiceId"])
    assert document is not None
    if not 1 <= len(changes) <= MAX_CHANGES:
        raise invalid([*field, "changes"], f"list 1 to {MAX_CHANGES} changes")
    listed = [
        {
            "field": text(name, [*field, "changes", i, "field"], limit=100),
            "value": text(value, [*field, "changes", i, "value"], limit=500),
        }
        for i, (name, value) in enumerate(changes)
    ]
    shipment = (await Document.get(id=document)).shipment_id
    opening = Opening(
        kind=AMENDMENT,
        dealer_id=dealer,
        shipment_id=shipment,
        columns={"document_id": document, "changes": listed},
        thread_id=await dealer_thread(viewer, dealer, thread_id, [*field, "threadId"]),
        note=text(reason, [*field, "reason"], limit=2000),
    )
    return await open_request(viewer, opening, coverage=coverage)


async def advance_amendment(
    *,
    viewer: Viewer | None,
    request_id: int,
    status: RequestStatus,
    note: str | None = None,
    amended_invoice_id: int | None = None,
) -> ServiceRequest:
    viewer, request = await load_for_move(viewer, request_id, AMENDMENT, status)
    step = Step(note=note_of(note))
    if status is S.DECLINED and step.note is None:
        raise invalid(["note"], "say why the amendment is declined")
    if amended_invoice_id is not None:
        if status is not S.APPLIED:
            raise invalid(["amendedInvoiceId"], "is set with APPLIED only")
        field: Path = ["amendedInvoiceId"]
        key = await dealer_invoice(viewer, request.dealer_id, amended_invoice_id, field)
        amended = await Document.get(id=key)
        if amended.shipment_id != request.shipment_id or key == request.document_id:
            raise invalid(field, "must be another INVOICE of the same shipment")
        step.columns["new_document_id"] = key
    return await move_request(viewer, request, status, step)


async def _price(shipment: Shipment, service: ExtraService, field: Path) -> tuple[Decimal, str]:
    """The rate table's price per vehicle times the shipment's vehicles, half-up."""
    currency = shipment.price_currency or shipment.deposit_currency
    rates = ExtraServicePrice.filter(service=service)
    rate = await (
        rates.filter(currency=currency) if currency else rates.order_by("currency")
    ).first()
    if rate is None:
        where = f" in {currency}" if currency else ""
        raise invalid(field, f"the rate tables have no {service.value} price{where}")
    vehicles = await Vehicle.filter(shipment_id=shipment.id).count()
    return round_money(Decimal(rate.amount) * max(vehicles, 1), rate.currency), rate.currency


async def order_extra_service(
    *,
    viewer: Viewer | None,
    shipment_id: int,
    service: ExtraService,
    parcels: list[tuple[str, str, str | None]],
    thread_id: int | None,
    note: str | None,
    coverage: Coverage,
) -> ServiceRequest:
    field: Path = ["input"]
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, [*field, "shipmentId"])
    viewer, dealer = await requester(viewer, EXTRA, shipment.customer_id, [*field, "shipmentId"])
    if service not in ORDERED:
        raise invalid([*field, "service"], "order AUTO_PARTS, EXTRA_PACKING or PHOTO_VIDEO")
    status = shipment.status_before_hold or shipment.status
    allowed = (
        DONE
        if service is ExtraService.PHOTO_VIDEO
        else DONE | (set(ShipmentStatus) - BEFORE_LOADING)
    )
    if status in allowed:
        raise invalid_transition(
            f"the shipment is {shipment.status.value}: too late for {service.value}",
            [*field, "shipmentId"],
        )
    if service is ExtraService.AUTO_PARTS:
        if not 1 <= len(parcels) <= MAX_PARCELS:
            raise invalid([*field, "parcels"], f"announce 1 to {MAX_PARCELS} parcels")
    elif parcels:
        raise invalid([*field, "parcels"], "are announced for AUTO_PARTS only")
    announced: list[dict[str, Any]] = [
        {
            "carrier": text(carrier, [*field, "parcels", i, "carrier"], limit=100),
            "tracking_number": text(number, [*field, "parcels", i, "trackingNumber"], limit=100),
            "description": optional_text(about, [*field, "parcels", i, "description"], limit=200),
        }
        for i, (carrier, number, about) in enumerate(parcels)
    ]
    amount, currency = await _price(shipment, service, [*field, "service"])

    async def announce(request: ServiceRequest, log: Recorder) -> None:
        for parcel in announced:
            await ServiceParcel.create(request_id=request.id, **parcel)

    opening = Opening(
        kind=EXTRA,
        dealer_id=dealer,
        shipment_id=shipment.id,
        columns={"service": service, "amount": amount, "currency": currency},
        thread_id=await dealer_thread(viewer, dealer, thread_id, [*field, "threadId"]),
        note=optional_text(note, [*field, "note"], limit=2000),
    )
    return await open_request(viewer, opening, coverage=coverage, after=announce)


async def _add_to_price(request: ServiceRequest, log: Recorder) -> None:
    shipment = await Shipment.filter(id=request.shipment_id).select_for_update().get()
    assert request.amount is not None
    columns: dict[str, Any] = {"updated_at": clock.now()}
    if shipment.price_amount is None:
        columns |= {"price_amount": request.amount, "price_currency": request.currency}
    elif shipment.price_currency != request.currency:
        raise conflict(
            f"the shipment is now priced in {shipment.price_currency}: order the service again"
        )
    else:
        columns["price_amount"] = Decimal(shipment.price_amount) + Decimal(request.amount)
    await Shipment.filter(id=shipment.id).update(**columns)


async def _check_fulfilled(request: ServiceRequest) -> None:
    if request.service is ExtraService.AUTO_PARTS:
        waiting = await ServiceParcel.filter(request_id=request.id, received_at=None).count()
        if waiting:
            raise invalid_transition(f"{waiting} parcel(s) not received yet", ["status"])
    if request.service is ExtraService.PHOTO_VIDEO:
        found = await Document.exists(
            shipment_id=request.shipment_id,
            kind__in=[DocumentKind.PHOTO, DocumentKind.VIDEO],
            status__in=[DocumentStatus.UPLOADED, DocumentStatus.VERIFIED],
            uploaded_at__gte=request.created_at,
        )
        if not found:
            raise invalid_transition("upload the photos or video to the shipment first", ["status"])


async def advance_extra_service(
    *, viewer: Viewer | None, request_id: int, status: RequestStatus, note: str | None = None
) -> ServiceRequest:
    viewer, request = await load_for_move(viewer, request_id, EXTRA, status)
    step = Step(note=note_of(note))
    if status is S.DECLINED and step.note is None:
        raise invalid(["note"], "say why the order is declined")
    if status is S.CONFIRMED:
        step.before = _add_to_price
    if status is S.FULFILLED:
        await _check_fulfilled(request)
    return await move_request(viewer, request, status, step)


async def receive_parcel(*, viewer: Viewer | None, parcel_id: int) -> ServiceRequest:
    """WAREHOUSE: one announced parcel arrived (once; a step that keeps the status)."""
    viewer = writer(viewer)
    parcel = await ServiceParcel.get_or_none(id=parcel_id)
    if parcel is None:
        raise not_found(["parcelId"], "parcel")
    request = await find_request(viewer, parcel.request_id, ["parcelId"], EXTRA)
    if not viewer.has_role(WORKER[EXTRA]):
        raise forbidden("parcels are received by WAREHOUSE")
    if request.status not in (S.REQUESTED, S.CONFIRMED):
        raise invalid_transition(f"the order is {request.status.value}", ["parcelId"])
    now = clock.now()
    note = f"parcel {parcel.tracking_number} ({parcel.carrier}) received"
    async with recording() as log:
        taken = await ServiceParcel.filter(id=parcel.id, received_at=None).update(
            received_at=now, received_by_id=viewer.user_id
        )
        if not taken:
            raise invalid_transition("this parcel was received already", ["parcelId"])
        columns: dict[str, Any] = {}
        if request.first_action_at is None:
            columns["first_action_at"] = now
        await write_version(request, "request", **columns)
        await log_change(
            log, request, previous=request.status, by=viewer.user_id, note=note, at=now
        )
    return request
