"""Destination changes: the dealer asks with a reason, staff approve or decline."""

from __future__ import annotations

from models.enums import Role
from models.shipments.rules import amendable
from models.shipments.tables import Shipment, TrackingEventType
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.checks import Place
from resolvers.errors import DomainError, conflict, forbidden, invalid_transition
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import position, record_on_shipment
from subscriptions.log import recording

DECIDERS = (Role.DISPATCHER, Role.BACK_OFFICE, Role.SUPPORT_AGENT)  # and ADMIN
NO_REQUEST = Place.columns("requested_destination", None) | {"requested_destination_reason": None}


def _too_late(shipment: Shipment) -> DomainError:
    return invalid_transition(
        f"the destination can no longer change: the shipment is {shipment.status.value}"
    )


async def request_destination_change(
    *, viewer: Viewer | None, shipment_id: int, destination: Place, reason: str
) -> Shipment:
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["shipmentId"])
    if viewer.role is not Role.DEALER or shipment.customer_id != viewer.organization_id:
        raise forbidden("only the shipment's dealer asks to change its destination")
    destination = checks.place(destination, ["destination"])
    reason = checks.text(reason, ["reason"], limit=2000)
    if not amendable(position(shipment)):
        raise _too_late(shipment)
    if shipment.requested_destination_name is not None:
        raise conflict("a destination change is waiting for a decision already")
    async with recording() as log:
        await record_on_shipment(
            log,
            shipment,
            event=TrackingEventType.AMENDMENT_RECEIVED,
            description=f"Destination change to {destination.name} requested: {reason}",
            recorded_by=viewer.user_id,
            requested_destination_reason=reason,
            **Place.columns("requested_destination", destination),
        )
    return shipment


async def decide_destination_change(
    *, viewer: Viewer | None, shipment_id: int, approve: bool, note: str | None = None
) -> Shipment:
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["shipmentId"])
    if not viewer.has_role(*DECIDERS):
        raise forbidden("only DISPATCHER, BACK_OFFICE, SUPPORT_AGENT or ADMIN decide this")
    note = checks.optional_text(note, ["note"], limit=2000)
    if shipment.requested_destination_name is None:
        raise invalid_transition("no destination change is waiting for a decision")
    if approve and not amendable(position(shipment)):
        raise _too_late(shipment)

    wanted = Place.stored(shipment, "requested_destination")
    assert wanted is not None  # all three columns are written together
    changes = dict(NO_REQUEST)
    if approve:
        event = TrackingEventType.AMENDMENT_CONFIRMED
        description = f"Destination changed to {wanted.name}"
        changes |= Place.columns("destination", wanted)
    else:
        event = TrackingEventType.AMENDMENT_DECLINED
        description = f"Destination change to {wanted.name} declined"
    if note:
        description += f": {note}"
    async with recording() as log:
        await record_on_shipment(
            log,
            shipment,
            event=event,
            description=description,
            recorded_by=viewer.user_id,
            **changes,
        )
    return shipment
