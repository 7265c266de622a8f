"""A blocked carrier's live shipments: moved to another carrier, or back to the BOOKED offers,
with the customer's consent (issue 15: a blocked carrier cannot record events or answer
disputes, so its other shipments were stuck).

Decisions:

- An ADMIN proposes (`proposeCarrierReassignment`) for a live shipment whose carrier is
  blocked, with a reason; the customer consents or declines (`respondToCarrierReassignment`).
  Nothing moves without the customer: it chose that carrier and paid it a deposit.
- To another carrier (not blocked, a CARRIER organization) at any live state: the cargo may
  be in a truck or a warehouse already; the new carrier carries it on from where it is, its
  `acceptedAt` the consent's moment (the 7 days of a fraud report count from its acceptance).
- Back to the BOOKED offers (no `toCarrierId`) only before the pickup (ACCEPTED or
  PICKUP_SCHEDULED, held or not): once picked up, the cargo needs a carrier at once. The
  booking goes back on offer as it was booked: no carrier, not accepted (so outside the
  cancellation rate until a carrier takes it), the pickup planned at the customer's time.
- The plan of the blocked carrier is dropped either way: the pickup goes back to the
  customer's time, and the reschedule reason with it.
- The proposal is a PLANNED CARRIER_REASSIGNED event, the consent an ACTUAL one, both on the
  shipment's timeline. One proposal is pending at a time; a proposal and an answer write the
  shipment with its version, so of two racing writes the second gets CONFLICT.
"""

from __future__ import annotations

from typing import Any

from models import clock
from models.accounts.tables import Organization
from models.enums import OrganizationKind, Role
from models.shipments.reassignments import CarrierReassignment, ReassignmentStatus
from models.shipments.rules import TERMINAL
from models.shipments.tables import (
    EventClassifier,
    Shipment,
    ShipmentStatus,
    TrackingEventType,
)
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.errors import conflict, forbidden, invalid, invalid_transition, not_found
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import position, record_on_shipment, update_shipment
from subscriptions.log import recording

BEFORE_PICKUP = frozenset({ShipmentStatus.ACCEPTED, ShipmentStatus.PICKUP_SCHEDULED})
PENDING = ReassignmentStatus.PENDING


async def _new_carrier(to_carrier_id: int, shipment: Shipment) -> Organization:
    field = ["toCarrierId"]
    carrier = await Organization.get_or_none(id=to_carrier_id)
    if carrier is None:
        raise not_found(field, "organization")
    if carrier.kind is not OrganizationKind.CARRIER:
        raise invalid(field, f"must be a CARRIER organization, not a {carrier.kind.value} one")
    if carrier.blocked or carrier.id == shipment.carrier_id:
        raise invalid(field, f"{carrier.name} is blocked or carries the shipment already")
    return carrier


async def propose_reassignment(
    *, viewer: Viewer | None, shipment_id: int, to_carrier_id: int | None, reason: str
) -> CarrierReassignment:
    viewer = writer(viewer)
    if viewer.role is not Role.ADMIN:
        raise forbidden("only an ADMIN proposes to reassign a shipment's carrier")
    shipment = await find_shipment(viewer, shipment_id, ["shipmentId"])
    reason = checks.text(reason, ["reason"], limit=2000)
    if shipment.status in TERMINAL or shipment.carrier_id is None:
        raise invalid_transition(f"the shipment is {shipment.status.value}: nothing to reassign")
    current = await Organization.get(id=shipment.carrier_id)
    if not current.blocked:
        raise invalid_transition(f"{current.name} is not blocked: it carries the shipment on")
    carrier = await _new_carrier(to_carrier_id, shipment) if to_carrier_id else None
    if carrier is None and position(shipment).effective not in BEFORE_PICKUP:
        raise invalid_transition(
            f"the shipment is {position(shipment).effective.value}: once picked up it goes to"
            " another carrier, not back on offer",
            ["toCarrierId"],
        )
    if await CarrierReassignment.exists(shipment_id=shipment.id, status=PENDING):
        raise conflict("a reassignment of this shipment waits for the customer already")
    where = f"to {carrier.name}" if carrier else "back to the open offers"
    async with recording() as log:
        await update_shipment(shipment)  # a racing proposal or answer loses with CONFLICT
        proposal = await CarrierReassignment.create(
            shipment_id=shipment.id,
            from_carrier_id=current.id,
            to_carrier_id=carrier.id if carrier else None,
            reason=reason,
            status=PENDING,
            proposed_by_id=viewer.user_id,
            proposed_at=clock.now(),
        )
        await record_on_shipment(
            log,
            shipment,
            event=TrackingEventType.CARRIER_REASSIGNED,
            classifier=EventClassifier.PLANNED,
            description=f"Support proposes to move the shipment {where}, with the customer's"
            f" consent: {reason}",
            recorded_by=viewer.user_id,
        )
    return proposal


def _applied(shipment: Shipment, proposal: CarrierReassignment) -> dict[str, Any]:
    now = clock.now()
    changes: dict[str, Any] = {
        "carrier_id": proposal.to_carrier_id,
        "accepted_at": now if proposal.to_carrier_id else None,
        "pickup_scheduled_at": shipment.pickup_designated_at,
        "pickup_reschedule_reason": None,
        "pickup_late_at": None,
    }
    if proposal.to_carrier_id is None:
        key = "status_before_hold" if shipment.status is ShipmentStatus.ON_HOLD else "status"
        changes[key] = ShipmentStatus.BOOKED
    return changes


async def respond_to_reassignment(
    *, viewer: Viewer | None, shipment_id: int, consent: bool
) -> CarrierReassignment:
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["shipmentId"])
    if not (viewer.role is Role.DEALER and viewer.organization_id == shipment.customer_id):
        raise forbidden("only the shipment's customer consents to a new carrier")
    proposal = await CarrierReassignment.get_or_none(shipment_id=shipment.id, status=PENDING)
    if proposal is None:
        raise invalid_transition("no reassignment of this shipment waits for an answer")
    if consent and shipment.status in TERMINAL:
        raise invalid_transition(f"the shipment is {shipment.status.value} meanwhile")
    answer = ReassignmentStatus.CONSENTED if consent else ReassignmentStatus.DECLINED
    now = clock.now()
    async with recording() as log:
        answered = await CarrierReassignment.filter(id=proposal.id, status=PENDING).update(
            status=answer, decided_at=now
        )
        if not answered:
            raise conflict("the reassignment was answered meanwhile")
        if consent:
            where = "to a new carrier" if proposal.to_carrier_id else "back to the open offers"
            await record_on_shipment(
                log,
                shipment,
                event=TrackingEventType.CARRIER_REASSIGNED,
                description=f"The customer consented: the shipment moved {where}",
                recorded_by=viewer.user_id,
                **_applied(shipment, proposal),
            )
        else:
            await update_shipment(shipment)
    proposal.status, proposal.decided_at = answer, now
    return proposal
