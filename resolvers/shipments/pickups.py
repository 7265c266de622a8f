"""The pickup service level (001 A): a pickup more than 60 minutes late raises PICKUP_LATE once.

The state is the shipment's `pickup_late_at`, so a restart forgets nothing, and each shipment
is claimed with `UPDATE … WHERE pickup_late_at IS NULL`: of two processes checking at once,
only the one whose UPDATE matched writes the DELAYED event and the staff alert.
"""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from models import clock
from models.alerts.tables import StaffAlertKind
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEventType
from resolvers.alerts.events import STAFF_TOPIC, raise_staff_alert
from resolvers.shipments.events import origin_of, record_on_shipment
from subscriptions.log import recording

PICKUP_GRACE = dt.timedelta(minutes=60)
WAITING = (ShipmentStatus.ACCEPTED, ShipmentStatus.PICKUP_SCHEDULED)
__all__ = ["STAFF_TOPIC", "raise_late_pickups"]


def _late(now: dt.datetime) -> QuerySet[Shipment]:
    """Shipments whose pickup is over 60 minutes late, with no PICKUP_LATE raised yet."""
    return Shipment.filter(
        status__in=WAITING, pickup_scheduled_at__lt=now - PICKUP_GRACE, pickup_late_at=None
    )


async def raise_late_pickups(now: dt.datetime | None = None) -> int:
    """Raises PICKUP_LATE for every late pickup not raised yet; returns how many it raised."""
    now = now or clock.now()
    raised = 0
    for shipment_id in await _late(now).values_list("id", flat=True):
        async with recording() as log:
            claimed = (
                await _late(now)
                .filter(id=shipment_id)
                .update(pickup_late_at=now, version=F("version") + 1, updated_at=now)
            )
            if not claimed:  # another process raised it, or the pickup happened meanwhile
                continue
            shipment = await Shipment.get(id=shipment_id)
            scheduled = shipment.pickup_scheduled_at
            assert scheduled is not None
            when = scheduled.strftime("%Y-%m-%d %H:%M UTC")
            await record_on_shipment(
                log,
                shipment,
                event=TrackingEventType.DELAYED,
                occurred_at=now,
                location=origin_of(shipment),
                description=f"Pickup is late: it was scheduled for {when}",
            )
            await raise_staff_alert(
                log,
                kind=StaffAlertKind.PICKUP_LATE,
                message=f"Pickup of {shipment.waybill} is over 60 minutes late (scheduled {when})",
                occurred_at=now,
                shipment_id=shipment.id,
            )
        raised += 1
    return raised
