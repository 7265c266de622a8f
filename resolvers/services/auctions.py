"""Auction requests worked by BIDDER: bid orders by the dealer's priorities, and resales.

BidOrder: REQUESTED → PLACED → WON (final price, never above the maximum bid; it may open the
vehicle's payment request) or LOST; the dealer cancels until the auction starts. A WON order
cancels the dealer's other open orders of lower priority that asked to be skipped then.
ResaleRequest: REQUESTED → LISTED → SOLD (price) or WITHDRAWN (by the bidder or the dealer).
"""

from __future__ import annotations

import datetime as dt

from models import clock
from models.calendar import Coverage
from models.services.rules import RequestStatus, ServiceKind
from models.services.tables import ServiceRequest
from models.viewer import Viewer
from resolvers.checks import Amount, moment, optional_text, text, vin
from resolvers.errors import invalid
from resolvers.services.events import log_change
from resolvers.services.levels import schedule
from resolvers.services.payments import vehicle_columns
from resolvers.services.requests import (
    Opening,
    Step,
    dealer_shipment,
    dealer_thread,
    load_for_move,
    log_system_move,
    move_request,
    note_of,
    open_request,
    positive,
    requester,
)
from subscriptions.log import Recorder

S = RequestStatus
BID = ServiceKind.BID_ORDER
RESALE = ServiceKind.RESALE
MAX_PRIORITY = 100


async def order_bid(
    *,
    viewer: Viewer | None,
    dealer_id: int | None,
    auction: str,
    lot_number: str,
    vehicle: str | None,
    maximum: Amount,
    priority: int,
    skip_if_higher_won: bool,
    auction_starts_at: dt.datetime,
    thread_id: int | None,
    note: str | None,
    coverage: Coverage,
) -> ServiceRequest:
    field = ["input"]
    viewer, dealer = await requester(viewer, BID, dealer_id, [*field, "dealerId"])
    most = positive(maximum, [*field, "maximumBid"])
    if not 1 <= priority <= MAX_PRIORITY:
        raise invalid([*field, "priority"], f"must be 1 (highest) to {MAX_PRIORITY}")
    starts = moment(auction_starts_at, [*field, "auctionStartsAt"])
    if starts <= clock.now():
        raise invalid([*field, "auctionStartsAt"], "must be in the future: bids are placed before")
    opening = Opening(
        kind=BID,
        dealer_id=dealer,
        columns={
            **vehicle_columns(auction, lot_number, vehicle, field),
            "amount": most.amount,
            "currency": most.currency,
            "priority": priority,
            "skip_if_higher_won": skip_if_higher_won,
            "auction_starts_at": starts,
        },
        thread_id=await dealer_thread(viewer, dealer, thread_id, [*field, "threadId"]),
        note=optional_text(note, [*field, "note"], limit=2000),
    )
    return await open_request(viewer, opening, coverage=coverage)


def _skip_lower() -> Step:
    """After a win: the dealer's open lower-priority orders that asked to be skipped."""

    async def skip(request: ServiceRequest, log: Recorder) -> None:
        assert request.priority is not None
        others = await ServiceRequest.filter(
            dealer_id=request.dealer_id,
            kind=BID,
            status__in=[S.REQUESTED, S.PLACED],
            skip_if_higher_won=True,
            priority__gt=request.priority,
        ).order_by("id")
        note = f"skipped: lot {request.lot_number} of priority {request.priority} was won"
        for other in others:
            await log_system_move(log, other, S.CANCELLED, note, clock.now())

    return Step(after=skip)


async def _open_payment(request: ServiceRequest, log: Recorder, coverage: Coverage) -> None:
    """The won vehicle's payment request, for back office to approve within the credit."""
    now = clock.now()
    due_at, warn_at = await schedule(ServiceKind.VEHICLE_PAYMENT, now, coverage)
    payment = await ServiceRequest.create(
        kind=ServiceKind.VEHICLE_PAYMENT,
        status=S.REQUESTED,
        dealer_id=request.dealer_id,
        thread_id=request.thread_id,
        created_by_id=request.created_by_id,
        created_at=now,
        updated_at=now,
        due_at=due_at,
        warn_at=warn_at,
        auction=request.auction,
        lot_number=request.lot_number,
        vin=request.vin,
        amount=request.result_amount,
        currency=request.currency,
        due_date=(now + dt.timedelta(days=3)).date(),
        note=f"opened by the won bid order #{request.id}",
    )
    request.related_id = payment.id
    await ServiceRequest.filter(id=request.id).update(related_id=payment.id)
    await log_change(log, payment, previous=None, by=None, note=payment.note, at=now)


async def advance_bid_order(
    *,
    viewer: Viewer | None,
    request_id: int,
    status: RequestStatus,
    note: str | None = None,
    final_price: Amount | None = None,
    open_payment_request: bool = False,
    coverage: Coverage,
) -> ServiceRequest:
    viewer, request = await load_for_move(viewer, request_id, BID, status)
    step = Step(note=note_of(note))
    if status is S.WON:
        price = positive(final_price, ["finalPrice"])
        if price.currency != request.currency:
            raise invalid(["finalPrice", "currency"], f"must be the maximum's {request.currency}")
        assert request.amount is not None
        if price.amount > request.amount:
            raise invalid(
                ["finalPrice", "amount"],
                f"{price.amount:f} is above the dealer's maximum bid of {request.amount:f}: "
                "the maximum is never exceeded",
            )
        step = _skip_lower()
        step.note = note_of(note)
        step.columns["result_amount"] = price.amount
        if open_payment_request:
            skip = step.after
            assert skip is not None

            async def after(row: ServiceRequest, log: Recorder) -> None:
                await skip(row, log)
                await _open_payment(row, log, coverage)

            step.after = after
    elif final_price is not None or open_payment_request:
        raise invalid(["finalPrice"], "is set with WON only")
    return await move_request(viewer, request, status, step)


async def request_resale(
    *,
    viewer: Viewer | None,
    dealer_id: int | None,
    vehicle: str | None,
    shipment_id: int | None,
    asking: Amount,
    auction: str,
    thread_id: int | None,
    note: str | None,
    coverage: Coverage,
) -> ServiceRequest:
    field = ["input"]
    viewer, dealer = await requester(viewer, RESALE, dealer_id, [*field, "dealerId"])
    if (vehicle is None) == (shipment_id is None):
        raise invalid([*field, "vin"], "name the vehicle by its VIN or by its shipment")
    price = positive(asking, [*field, "askingPrice"])
    shipment = None
    if shipment_id is not None:
        shipment = await dealer_shipment(viewer, dealer, shipment_id, [*field, "shipmentId"])
    columns = {
        "auction": text(auction, [*field, "auction"], limit=100),
        "vin": vin(vehicle, [*field, "vin"]) if vehicle is not None else None,
    }
    opening = Opening(
        kind=RESALE,
        dealer_id=dealer,
        shipment_id=shipment,
        columns={**columns, "amount": price.amount, "currency": price.currency},
        thread_id=await dealer_thread(viewer, dealer, thread_id, [*field, "threadId"]),
        note=optional_text(note, [*field, "note"], limit=2000),
    )
    return await open_request(viewer, opening, coverage=coverage)


async def advance_resale(
    *,
    viewer: Viewer | None,
    request_id: int,
    status: RequestStatus,
    note: str | None = None,
    sold_for: Amount | None = None,
    lot_number: str | None = None,
) -> ServiceRequest:
    viewer, request = await load_for_move(viewer, request_id, RESALE, status)
    step = Step(note=note_of(note))
    if status is S.LISTED:
        step.columns["lot_number"] = text(lot_number or "", ["lotNumber"], limit=40)
    elif lot_number is not None:
        raise invalid(["lotNumber"], "is set with LISTED only")
    if status is S.SOLD:
        price = positive(sold_for, ["soldFor"])
        if price.currency != request.currency:
            raise invalid(["soldFor", "currency"], f"must be the asking price's {request.currency}")
        step.columns["result_amount"] = price.amount
    elif sold_for is not None:
        raise invalid(["soldFor"], "is set with SOLD only")
    return await move_request(viewer, request, status, step)
