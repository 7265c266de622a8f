"""The pickup and its service level (001 A): "pick up the goods according to the customer's
designated place, and the pick-up time difference shall not exceed 1 hour".

Decisions (DOMAIN.md, issue 15):

- The reference is the time the *customer* designated (`pickupDesignatedAt`): at booking, by
  its own `schedulePickup`, by agreeing to the carrier's time (`agreeToPickupTime`), or through
  a dispute's accepted proposal. A booking without a time leaves it to the carrier: its first
  schedule sets the reference.
- The carrier (or dispatch) may plan the pickup away from that time, but only with a reason:
  a reschedule, recorded as a PLANNED PICKUP_SCHEDULED event whose description the dealer
  reads, and kept in `pickupRescheduleReason`. It does not move the reference, so a carrier
  cannot dodge PICKUP_LATE by pushing the pickup on at +59 minutes, however often it does so.
  A reschedule back to the reference clears the reason.
- PICKED_UP is an ACTUAL milestone (models/shipments/rules.py): accepted at any time after
  ACCEPTED, whether or not a pickup was ever scheduled here.
- More than 60 minutes after the reference with no PICKED_UP, PICKUP_LATE is raised once. The
  state is the shipment's `pickup_late_at`, so a restart forgets nothing, and each shipment is
  claimed with `UPDATE … WHERE pickup_late_at IS NULL`: of two processes checking at once, only
  the one whose UPDATE matched writes the DELAYED event and the staff alert. Only a new
  reference (agreed by the customer) clears it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet

from models import clock
from models.alerts.tables import StaffAlertKind
from models.enums import Role
from models.shipments.tables import EventClassifier, Shipment, ShipmentStatus, TrackingEventType
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.alerts.events import STAFF_TOPIC, raise_staff_alert
from resolvers.errors import forbidden, invalid, invalid_transition
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import origin_of, record_on_shipment
from subscriptions.log import Recorder, recording

PICKUP_GRACE = dt.timedelta(minutes=60)
WAITING = (ShipmentStatus.ACCEPTED, ShipmentStatus.PICKUP_SCHEDULED)
SCHEDULABLE = frozenset(WAITING)
__all__ = ["STAFF_TOPIC", "agree_to_pickup_time", "raise_late_pickups", "schedule_pickup"]


def reference(shipment: Shipment) -> dt.datetime | None:
    """The time the pickup is measured from: the customer's, else the carrier's first plan."""
    return shipment.pickup_designated_at or shipment.pickup_scheduled_at


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _late(now: dt.datetime) -> QuerySet[Shipment]:
    """Shipments over 60 minutes past their reference, with no PICKUP_LATE raised yet."""
    due = now - PICKUP_GRACE
    return Shipment.filter(
        Q(pickup_designated_at__lt=due)
        | Q(pickup_designated_at__isnull=True, pickup_scheduled_at__lt=due),
        status__in=WAITING,
        pickup_late_at=None,
    )


def designating(at: dt.datetime) -> dict[str, Any]:
    """The changes that make `at` the reference: a new time the customer chose or agreed to."""
    return {"pickup_designated_at": at, "pickup_reschedule_reason": None, "pickup_late_at": None}


async def record_plan(
    log: Recorder,
    shipment: Shipment,
    at: dt.datetime,
    description: str,
    recorded_by: int | None,
    **changes: Any,
) -> None:
    """The PLANNED PICKUP_SCHEDULED event of a new plan, written with its `changes`."""
    await record_on_shipment(
        log,
        shipment,
        event=TrackingEventType.PICKUP_SCHEDULED,
        classifier=EventClassifier.PLANNED,
        occurred_at=at,
        location=origin_of(shipment),
        description=description,
        recorded_by=recorded_by,
        **changes,
    )


def _scheduled(shipment: Shipment) -> dict[str, Any]:
    """An ACCEPTED shipment (held or not) becomes PICKUP_SCHEDULED with its first plan."""
    if shipment.status is ShipmentStatus.ACCEPTED:
        return {"status": ShipmentStatus.PICKUP_SCHEDULED}
    return {}


async def _pickup_shipment(viewer: Viewer, shipment_id: int) -> tuple[Shipment, bool]:
    """The shipment, and whether the viewer speaks for its customer."""
    shipment = await find_shipment(viewer, shipment_id, ["id"])
    customer = viewer.role is Role.DEALER and shipment.customer_id == viewer.organization_id
    carries = viewer.role is Role.CARRIER and shipment.carrier_id == viewer.organization_id
    if not (customer or carries or viewer.has_role(Role.DISPATCHER)):
        raise forbidden(
            "only the shipment's customer, its carrier, a DISPATCHER or an ADMIN plan its pickup"
        )
    if shipment.status not in SCHEDULABLE:
        raise invalid_transition(
            f"a pickup is planned once the shipment is ACCEPTED and before it is picked up;"
            f" it is {shipment.status.value}"
        )
    return shipment, customer


async def schedule_pickup(
    *, viewer: Viewer | None, shipment_id: int, at: dt.datetime, reason: str | None = None
) -> Shipment:
    """The customer designates the pickup time; the carrier plans it, away from the customer's
    time only with a reason (a reschedule, which leaves the service level's reference)."""
    viewer = writer(viewer)
    shipment, customer = await _pickup_shipment(viewer, shipment_id)
    at = checks.not_past(at, ["at"])
    reason = checks.optional_text(reason, ["reason"], limit=1000)
    designated = shipment.pickup_designated_at
    changes: dict[str, Any] = {"pickup_scheduled_at": at, **_scheduled(shipment)}
    if customer or designated is None:
        changes |= designating(at)
        by = "designated by the customer" if customer else "planned by the carrier"
        description = f"Pickup time {by}"
    elif at == designated:
        changes["pickup_reschedule_reason"] = None
        description = "Pickup planned at the customer's time"
    else:
        if reason is None:
            raise invalid(
                ["reason"],
                f"moving the pickup away from the customer's time ({_stamp(designated)}) needs"
                " a reason the customer will read",
            )
        changes["pickup_reschedule_reason"] = reason
        description = (
            f"Pickup rescheduled by the carrier from the customer's time {_stamp(designated)}:"
            f" {reason}"
        )
    async with recording() as log:
        await record_plan(log, shipment, at, description, viewer.user_id, **changes)
    return shipment


async def agree_to_pickup_time(*, viewer: Viewer | None, shipment_id: int) -> Shipment:
    """The customer accepts the carrier's rescheduled time: it becomes the reference."""
    viewer = writer(viewer)
    shipment, customer = await _pickup_shipment(viewer, shipment_id)
    if not customer:
        raise forbidden("only the shipment's customer agrees to a pickup time")
    at = shipment.pickup_scheduled_at
    if at is None or at == shipment.pickup_designated_at:
        raise invalid_transition("there is no rescheduled pickup time to agree to")
    at = checks.not_past(at, ["id"])
    agreed = "The customer agreed to the carrier's pickup time"
    async with recording() as log:
        await record_plan(log, shipment, at, agreed, viewer.user_id, **designating(at))
    return shipment


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
            due = reference(shipment)
            assert due is not None
            when = _stamp(due)
            await record_on_shipment(
                log,
                shipment,
                event=TrackingEventType.DELAYED,
                occurred_at=now,
                location=origin_of(shipment),
                description=f"Pickup is late: it was due at {when}",
            )
            await raise_staff_alert(
                log,
                kind=StaffAlertKind.PICKUP_LATE,
                message=f"Pickup of {shipment.waybill} is over 60 minutes late (due {when})",
                occurred_at=now,
                shipment_id=shipment.id,
            )
        raised += 1
    return raised
