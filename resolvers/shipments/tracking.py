"""Tracking: recording an event on a shipment or a container, and the public waybill view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Subquery

from models import clock, validators
from models.enums import ErrorCode, Role
from models.events import EventTopic
from models.shipments.containers import Container
from models.shipments.rules import HOLD_EVENTS, Refused
from models.shipments.tables import EventClassifier, Shipment, TrackingEvent, TrackingEventType
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.checks import Place
from resolvers.errors import DomainError, forbidden, invalid, invalid_transition
from resolvers.shipments.access import find_container, find_shipment
from resolvers.shipments.events import (
    record_on_container,
    record_on_shipment,
    shipment_changes,
    shipment_topic,
)
from subscriptions.log import recording

RECORDERS = (Role.WAREHOUSE, Role.DISPATCHER)  # and ADMIN; a carrier on what it carries
# Recorded by their own mutations, which also make the change they announce.
OWN_MUTATION = frozenset(
    {
        TrackingEventType.BOOKED,
        TrackingEventType.ACCEPTED,
        TrackingEventType.PICKUP_SCHEDULED,
        TrackingEventType.AMENDMENT_RECEIVED,
        TrackingEventType.AMENDMENT_CONFIRMED,
        TrackingEventType.AMENDMENT_DECLINED,
        TrackingEventType.CANCELLATION_RECEIVED,
        TrackingEventType.CANCELLATION_CONFIRMED,
        TrackingEventType.CANCELLATION_DECLINED,
        TrackingEventType.CARRIER_REASSIGNED,
    }
)


async def _target(
    viewer: Viewer, shipment_id: int | None, container_id: int | None
) -> Shipment | Container:
    if (shipment_id is None) == (container_id is None):
        raise invalid(["input"], "give exactly one of shipmentId and containerId")
    if shipment_id is not None:
        shipment = await find_shipment(viewer, shipment_id, ["input", "shipmentId"])
        carries = viewer.role is Role.CARRIER and shipment.carrier_id == viewer.organization_id
        if not (carries or viewer.has_role(*RECORDERS)):
            raise forbidden(
                "only the shipment's carrier, WAREHOUSE, DISPATCHER or ADMIN record its events"
            )
        return shipment
    assert container_id is not None
    container = await find_container(viewer, container_id, ["input", "containerId"])
    if not viewer.has_role(*RECORDERS):
        raise forbidden("only WAREHOUSE, DISPATCHER or ADMIN record a container's events")
    return container


def _when(occurred_at: dt.datetime | None, classifier: EventClassifier) -> dt.datetime:
    field = ["input", "occurredAt"]
    if occurred_at is None:
        return clock.now()
    if classifier is EventClassifier.ACTUAL:
        return checks.not_future(occurred_at, field)
    return checks.moment(occurred_at, field)


async def record_tracking_event(
    *,
    viewer: Viewer | None,
    event: TrackingEventType,
    shipment_id: int | None = None,
    container_id: int | None = None,
    classifier: EventClassifier = EventClassifier.ACTUAL,
    occurred_at: dt.datetime | None = None,
    location: Place | None = None,
    description: str | None = None,
) -> TrackingEvent:
    """An event on one shipment, or on a container and so on every shipment inside it."""
    viewer = writer(viewer)
    target = await _target(viewer, shipment_id, container_id)
    if event in OWN_MUTATION:
        raise invalid(["input", "type"], f"{event.value} is recorded by its own mutation")
    if isinstance(target, Container) and event in HOLD_EVENTS:
        raise invalid(["input", "type"], "a hold concerns one shipment: record it on each")
    occurred_at = _when(occurred_at, classifier)
    location = checks.optional_place(location, ["input", "location"])
    description = checks.optional_text(description, ["input", "description"], limit=2000)
    details: dict[str, Any] = {
        "event": event,
        "classifier": classifier,
        "occurred_at": occurred_at,
        "location": location,
        "description": description,
        "recorded_by": viewer.user_id,
    }
    if isinstance(target, Container):
        async with recording() as log:
            return await record_on_container(log, target, **details)
    try:
        changes = shipment_changes(target, event, classifier, occurred_at)
    except Refused as refused:
        raise invalid_transition(str(refused), ["input", "type"]) from None
    # an event that changes nothing on the shipment (most: a delay, a position) is its row and
    # its event, one statement
    async with recording(one_statement=not changes) as log:
        return await record_on_shipment(log, target, **details)


@dataclass(frozen=True, slots=True)
class PublicTracking:
    """What anyone holding the waybill sees; the schema shows only the redacted fields."""

    shipment: Shipment
    events: list[TrackingEvent]


async def public_events(shipment_id: int) -> list[TrackingEvent]:
    """The tracking events in the shipment's topic (its container's included), as a timeline:
    by occurredAt, ties by seq. Every tracking event is public (resolvers/shipments/events.py),
    and the topic's rows outlive the event log's retention (resolvers/integrations/retention.py)."""
    in_topic = EventTopic.filter(topic=shipment_topic(shipment_id).name)
    return await TrackingEvent.filter(seq__in=Subquery(in_topic.values("seq"))).order_by(
        "occurred_at", "seq"
    )


def normal_waybill(waybill: str) -> str:
    """The stored form of a waybill number; INVALID_INPUT when its check character is wrong."""
    try:
        return validators.waybill(waybill)
    except validators.WaybillTypo as typo:
        reason = str(typo)
        message = reason if "mistyped" in reason else f"the waybill number is mistyped: {reason}"
        raise DomainError(ErrorCode.INVALID_INPUT, message, ["waybill"]) from None


async def shipment_by_waybill(waybill: str, field: list[str]) -> Shipment:
    """The shipment of a waybill, for anyone holding it; NOT_FOUND when none has it."""
    shipment = await Shipment.get_or_none(waybill=normal_waybill(waybill))
    if shipment is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no shipment has this waybill", field)
    return shipment


async def public_tracking(waybill: str) -> PublicTracking | None:
    """None for an unknown waybill; INVALID_INPUT for one whose check character is wrong."""
    number = normal_waybill(waybill)
    shipment = await Shipment.get_or_none(waybill=number)
    if shipment is None:
        return None
    return PublicTracking(shipment=shipment, events=await public_events(shipment.id))
