"""Who sees a dispute and who speaks in it.

Only the shipment's two parties and platform staff see a dispute; to anyone else it answers
exactly like a missing one (NOT_FOUND). The parties are the customer's DEALER users and the
carrier's CARRIER users; staff act through their own mutations.
"""

from __future__ import annotations

from typing import Literal

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models.disputes.tables import OPEN, Dispute
from models.enums import Role
from models.shipments.tables import Shipment
from models.viewer import Viewer
from resolvers.checks import Path
from resolvers.errors import forbidden, invalid_transition, not_found

Side = Literal["customer", "carrier"]


def visible_disputes(viewer: Viewer) -> QuerySet[Dispute]:
    """Staff: all. A dealer: those on its shipments. A carrier: those on what it carries."""
    if viewer.is_staff:
        return Dispute.all()
    if viewer.is_carrier:
        mine = Q(carrier_id=viewer.organization_id)
    elif viewer.is_dealer:
        mine = Q(customer_id=viewer.organization_id)
    else:
        return Dispute.filter(id__in=[])
    return Dispute.filter(shipment_id__in=Subquery(Shipment.filter(mine).values("id")))


async def find_dispute(viewer: Viewer, key: int, field: Path) -> Dispute:
    """The dispute, or NOT_FOUND naming `field` whether it is missing or hidden."""
    row = await visible_disputes(viewer).get_or_none(id=key)
    if row is None:
        raise not_found(field, "dispute")
    return row


def side_of(viewer: Viewer, shipment: Shipment) -> Side | None:
    """Which party of the shipment the viewer speaks for, if any."""
    if viewer.role is Role.DEALER and viewer.organization_id == shipment.customer_id:
        return "customer"
    if viewer.role is Role.CARRIER and viewer.organization_id == shipment.carrier_id:
        return "carrier"
    return None


async def party_in(
    viewer: Viewer, dispute: Dispute, action: str, only: Side | None = None
) -> tuple[Shipment, Side]:
    """The dispute's shipment and the viewer's side; FORBIDDEN for anyone else (or the other
    side, when `only` names one)."""
    shipment = await Shipment.get(id=dispute.shipment_id)
    side = side_of(viewer, shipment)
    if side is None or (only is not None and side != only):
        who = f"the shipment's {only}" if only else "the shipment's customer and carrier"
        raise forbidden(f"only {who} {action}")
    return shipment, side


def still_open(dispute: Dispute) -> None:
    if dispute.status not in OPEN:
        raise invalid_transition(f"the dispute is {dispute.status.value}: it is closed")
