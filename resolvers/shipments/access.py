"""Who sees what: one queryset per model, used by every root field, node, nested list and write.

An object outside these querysets answers exactly like a missing one (DOMAIN.md).
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models import sql
from models.shipments.containers import Container
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent, Vehicle
from models.viewer import Viewer
from resolvers.checks import Path
from resolvers.errors import not_found


def visible_shipments(viewer: Viewer) -> QuerySet[Shipment]:
    """Staff: all. Dealer: its own. Carrier: what it carries, and the BOOKED offers to carriers.
    `sees_shipment` says the same of one row (tests/test_shipment_access.py holds them equal)."""
    if viewer.is_staff:
        return Shipment.all()
    if viewer.is_carrier:
        return Shipment.filter(
            Q(carrier_id=viewer.organization_id) | Q(status=ShipmentStatus.BOOKED, carrier_id=None)
        )
    if viewer.is_dealer:
        return Shipment.filter(customer_id=viewer.organization_id)
    return Shipment.filter(id__in=[])


def sees_shipment(viewer: Viewer, shipment: Shipment) -> bool:
    """Whether `shipment` is in `visible_shipments(viewer)`, for a row already read."""
    if viewer.is_staff:
        return True
    if viewer.is_carrier:
        return shipment.carrier_id == viewer.organization_id or (
            shipment.status is ShipmentStatus.BOOKED and shipment.carrier_id is None
        )
    if viewer.is_dealer:
        return shipment.customer_id == viewer.organization_id
    return False


def customer_shipment_ids(organization_id: int) -> Subquery:
    return Subquery(Shipment.filter(customer_id=organization_id).values("id"))


def carried_shipment_ids(organization_id: int) -> Subquery:
    return Subquery(Shipment.filter(carrier_id=organization_id).values("id"))


def _visible_shipment_ids(viewer: Viewer) -> Subquery:
    return Subquery(visible_shipments(viewer).values("id"))


def visible_vehicles(viewer: Viewer) -> QuerySet[Vehicle]:
    if viewer.is_staff:
        return Vehicle.all()
    return Vehicle.filter(shipment_id__in=_visible_shipment_ids(viewer))


def _visible_container_ids(viewer: Viewer) -> Subquery:
    return Subquery(
        visible_shipments(viewer).filter(container_id__isnull=False).values("container_id")
    )


def visible_containers(viewer: Viewer) -> QuerySet[Container]:
    """Staff: all. Others: the containers holding a shipment they may see."""
    if viewer.is_staff:
        return Container.all()
    return Container.filter(id__in=_visible_container_ids(viewer))


def visible_tracking_events(viewer: Viewer) -> QuerySet[TrackingEvent]:
    """Events on a shipment the viewer sees, or on a container it sees."""
    if viewer.is_staff:
        return TrackingEvent.all()
    return TrackingEvent.filter(
        Q(shipment_id__in=_visible_shipment_ids(viewer))
        | Q(container_id__in=_visible_container_ids(viewer))
    )


async def find_shipment(viewer: Viewer, key: int, field: Path) -> Shipment:
    """The shipment, or NOT_FOUND naming `field` whether it is missing or hidden. Every write
    on a shipment starts here, so it reads the row by its key in a hand-written statement and
    applies `sees_shipment` (through the ORM, composing the statement cost three times as much
    as the rest of the look-up; models/sql.py)."""
    row = await sql.by_key(Shipment, key)
    if row is None or not sees_shipment(viewer, row):
        raise not_found(field, "shipment")
    return row


async def find_container(viewer: Viewer, key: int, field: Path) -> Container:
    row = await visible_containers(viewer).get_or_none(id=key)
    if row is None:
        raise not_found(field, "container")
    return row
