"""Cancellation requests, and the messages of a dispute.

Each use case checks (access: a dispute the viewer may not see is NOT_FOUND; then role:
FORBIDDEN; then the input; then the state: INVALID_TRANSITION), then writes the change, its
history row and its events in one `recording()` transaction.

Decisions (DOMAIN.md leaves them open):

- A cancellation may be asked for in any state but CANCELLED and DELIVERED (seed 002: "every
  shipment can be cancelled"; DAMAGED_CARGO is a reason). One dispute is open at a time.
- FRAUD is a report by the customer against the carrier: a carrier may not give it as reason.
- A carrier cancelling what it accepted cancels at once: no dispute (DOMAIN.md), the deposit
  back whole, a point to each party. A customer's request on an accepted shipment opens one.
- Only the two parties post; a closed (RESOLVED) dispute takes no more messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from models import clock
from models.disputes.tables import OPEN, CancellationReason, Dispute, DisputeStatus, RefundKind
from models.shipments.rules import TERMINAL, unaccepted
from models.shipments.tables import CancelledBy, Shipment
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.disputes.access import find_dispute, party_in, side_of, still_open
from resolvers.disputes.events import open_dispute, post, touch
from resolvers.disputes.fraud import open_fraud_report
from resolvers.disputes.refunds import cancel_shipment, whole, write_refund
from resolvers.errors import conflict, forbidden, invalid, invalid_transition
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import position
from subscriptions.log import recording

TEXT_LIMIT = 4000
UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Cancellation:
    shipment: Shipment
    dispute: Dispute | None  # set when the request opened a dispute


async def request_cancellation(
    *,
    viewer: Viewer | None,
    shipment_id: int,
    reason: CancellationReason,
    explanation: str,
    holidays: frozenset[dt.date] = frozenset(),
    zone: ZoneInfo = UTC,
) -> Cancellation:
    """A booking is cancelled at once; the carrier cancels at once; a customer opens a dispute."""
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["shipmentId"])
    side = side_of(viewer, shipment)
    if side is None:
        raise forbidden("only the shipment's customer or its carrier ask to cancel it")
    explanation = checks.text(explanation, ["explanation"], limit=TEXT_LIMIT)
    if side == "carrier" and reason is CancellationReason.FRAUD:
        raise invalid(["reason"], "FRAUD is reported by the customer against the carrier")
    if shipment.status in TERMINAL:
        raise invalid_transition(f"the shipment is {shipment.status.value}: it cannot be cancelled")
    if await Dispute.filter(shipment_id=shipment.id, status__in=list(OPEN)).exists():
        raise conflict("a cancellation of this shipment is being disputed already")
    said = f"{reason.value}: {explanation}"
    if unaccepted(position(shipment)):
        await _cancel_booking(viewer, shipment, said)
        return Cancellation(shipment, None)
    if shipment.carrier_id is None:  # not reachable through the API: milestones need a carrier
        raise invalid_transition(
            f"the shipment is {shipment.status.value} with no carrier to answer a cancellation:"
            " ask support to reassign it"
        )
    if side == "carrier":
        await _cancel_by_carrier(viewer, shipment, said)
        return Cancellation(shipment, None)
    if reason is CancellationReason.FRAUD:
        fraud = await open_fraud_report(viewer, shipment, explanation, holidays=holidays, zone=zone)
        return Cancellation(shipment, fraud)
    return Cancellation(shipment, await _open_dispute(viewer, shipment, reason, explanation))


async def _cancel_booking(viewer: Viewer, shipment: Shipment, said: str) -> None:
    async with recording() as log:
        await cancel_shipment(
            log,
            shipment,
            by=CancelledBy.CUSTOMER,
            points=[],
            description=f"Cancelled by the customer before any carrier accepted it ({said})",
            recorded_by=viewer.user_id,
        )
        await write_refund(shipment, whole(shipment), RefundKind.CUSTOMER_CANCELLED)


async def _cancel_by_carrier(viewer: Viewer, shipment: Shipment, said: str) -> None:
    assert shipment.carrier_id is not None
    async with recording() as log:
        await cancel_shipment(
            log,
            shipment,
            by=CancelledBy.CARRIER,
            points=[shipment.customer_id, shipment.carrier_id],
            description=f"Cancelled by the carrier, the deposit refunded whole ({said})",
            recorded_by=viewer.user_id,
        )
        await write_refund(shipment, whole(shipment), RefundKind.CARRIER_CANCELLED)


async def _open_dispute(
    viewer: Viewer, shipment: Shipment, reason: CancellationReason, explanation: str
) -> Dispute:
    async with recording() as log:
        return await open_dispute(
            log,
            viewer,
            shipment,
            reason=reason,
            explanation=explanation,
            status=DisputeStatus.NEGOTIATING,
        )


async def post_message(*, viewer: Viewer | None, dispute_id: int, body: str) -> Dispute:
    """A party's message. The carrier's reply to a fraud report breaks its silence."""
    viewer = writer(viewer)
    dispute = await find_dispute(viewer, dispute_id, ["disputeId"])
    shipment, side = await party_in(viewer, dispute, "post in a dispute")
    body = checks.text(body, ["body"], limit=TEXT_LIMIT)
    still_open(dispute)
    changes: dict[str, Any] = {}
    if side == "carrier" and dispute.status is DisputeStatus.FRAUD_REVIEW:
        changes = {"unanswered_reminders": 0, "carrier_replied_at": clock.now()}
    async with recording() as log:
        await touch(dispute, **changes)
        await post(log, dispute, shipment, author_id=viewer.user_id, body=body)
    return dispute
