"""Shipments, their vehicles and their append-only tracking events."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import Organization, User

if TYPE_CHECKING:
    from models.shipments.containers import Container


class ShipmentStatus(str, Enum):
    BOOKED = "BOOKED"
    ACCEPTED = "ACCEPTED"
    PICKUP_SCHEDULED = "PICKUP_SCHEDULED"
    PICKED_UP = "PICKED_UP"
    AT_WAREHOUSE = "AT_WAREHOUSE"
    LOADED = "LOADED"
    IN_TRANSIT = "IN_TRANSIT"
    ARRIVED = "ARRIVED"
    RELEASED = "RELEASED"
    DELIVERED = "DELIVERED"
    ON_HOLD = "ON_HOLD"
    CANCELLED = "CANCELLED"


class TrackingEventType(str, Enum):
    BOOKED = "BOOKED"
    ACCEPTED = "ACCEPTED"
    PICKUP_SCHEDULED = "PICKUP_SCHEDULED"
    PICKED_UP = "PICKED_UP"
    GATED_IN = "GATED_IN"
    STUFFED = "STUFFED"
    SEALED = "SEALED"
    LOADED = "LOADED"
    DEPARTED = "DEPARTED"
    ARRIVED = "ARRIVED"
    DISCHARGED = "DISCHARGED"
    CUSTOMS_RELEASED = "CUSTOMS_RELEASED"
    RELEASED = "RELEASED"
    AVAILABLE_FOR_PICKUP = "AVAILABLE_FOR_PICKUP"
    GATED_OUT = "GATED_OUT"
    STRIPPED = "STRIPPED"
    DELIVERED = "DELIVERED"
    ON_HOLD = "ON_HOLD"
    HOLD_RELEASED = "HOLD_RELEASED"
    DELAYED = "DELAYED"
    DAMAGED = "DAMAGED"
    AMENDMENT_RECEIVED = "AMENDMENT_RECEIVED"
    AMENDMENT_CONFIRMED = "AMENDMENT_CONFIRMED"
    AMENDMENT_DECLINED = "AMENDMENT_DECLINED"
    CANCELLATION_RECEIVED = "CANCELLATION_RECEIVED"
    CANCELLATION_CONFIRMED = "CANCELLATION_CONFIRMED"
    CANCELLATION_DECLINED = "CANCELLATION_DECLINED"
    CARRIER_REASSIGNED = "CARRIER_REASSIGNED"  # PLANNED when proposed, ACTUAL when consented


class CancelledBy(str, Enum):
    """Who a cancellation is put down to: only CUSTOMER counts towards the cancellation rate."""

    CUSTOMER = "CUSTOMER"
    CARRIER = "CARRIER"
    FRAUD = "FRAUD"
    PLATFORM = "PLATFORM"


class EventClassifier(str, Enum):
    PLANNED = "PLANNED"
    ESTIMATED = "ESTIMATED"
    ACTUAL = "ACTUAL"


class Shipment(Model):
    id = fields.IntField(primary_key=True)
    waybill = fields.CharField(max_length=24, unique=True)
    reference = fields.CharField(max_length=100, null=True)
    status = fields.CharEnumField(ShipmentStatus, max_length=20, db_index=True)
    status_before_hold = fields.CharEnumField(ShipmentStatus, max_length=20, null=True)
    customer: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="booked_shipments", on_delete=fields.RESTRICT
    )
    carrier: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization",
        related_name="carried_shipments",
        null=True,
        on_delete=fields.RESTRICT,
    )
    container: fields.ForeignKeyNullableRelation[Container] = fields.ForeignKeyField(
        "models.Container", related_name="shipments", null=True, on_delete=fields.RESTRICT
    )
    origin_name = fields.CharField(max_length=200)
    origin_unlocode = fields.CharField(max_length=5, null=True)
    origin_country = fields.CharField(max_length=2)
    destination_name = fields.CharField(max_length=200)
    destination_unlocode = fields.CharField(max_length=5, null=True)
    destination_country = fields.CharField(max_length=2)
    # A dealer's destination change waiting for staff (AMENDMENT_RECEIVED, not yet decided).
    requested_destination_name = fields.CharField(max_length=200, null=True)
    requested_destination_unlocode = fields.CharField(max_length=5, null=True)
    requested_destination_country = fields.CharField(max_length=2, null=True)
    requested_destination_reason = fields.TextField(null=True)
    pickup_scheduled_at = fields.DatetimeField(null=True)  # the carrier's plan, as it stands
    # The pickup service level's reference (001 A): the time the customer designated, at
    # booking, by its own schedulePickup or agreement, or through an accepted proposal.
    pickup_designated_at = fields.DatetimeField(null=True)
    # Why the carrier planned the pickup away from that time, until the customer agrees.
    pickup_reschedule_reason = fields.TextField(null=True)
    picked_up_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    eta = fields.DatetimeField(null=True)
    pickup_late_at = fields.DatetimeField(null=True)  # when PICKUP_LATE was raised, once
    deposit_amount = fields.DecimalField(max_digits=18, decimal_places=3, null=True)
    deposit_currency = fields.CharField(max_length=3, null=True)
    price_amount = fields.DecimalField(max_digits=18, decimal_places=3, null=True)
    price_currency = fields.CharField(max_length=3, null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancelled_by = fields.CharEnumField(CancelledBy, max_length=10, null=True)
    version = fields.IntField(default=0)  # bumped by every write: races lose with CONFLICT
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    customer_id: int
    carrier_id: int | None
    container_id: int | None
    vehicles: fields.ReverseRelation[Vehicle]

    class Meta:
        table = "shipment"
        # shipments(orderBy: UPDATED_AT_ASC): a keyset over (updated_at, id)
        indexes = (
            ("updated_at", "id"),
            ("carrier_id", "id"),
            ("container_id",),
            ("customer_id", "id"),
        )


class Vehicle(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="vehicles", on_delete=fields.CASCADE
    )
    vin = fields.CharField(max_length=17, db_index=True)
    make = fields.CharField(max_length=100)
    model = fields.CharField(max_length=100)
    year = fields.IntField()
    auction = fields.CharField(max_length=100, null=True)
    lot_number = fields.CharField(max_length=50, null=True)

    shipment_id: int

    class Meta:
        table = "vehicle"
        indexes = (("shipment_id",),)


class TrackingEvent(Model):
    """Append-only: a correction is a new event. Exactly one of shipment and container is set."""

    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyNullableRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="tracking_events", null=True, on_delete=fields.RESTRICT
    )
    container: fields.ForeignKeyNullableRelation[Container] = fields.ForeignKeyField(
        "models.Container", related_name="tracking_events", null=True, on_delete=fields.RESTRICT
    )
    type = fields.CharEnumField(TrackingEventType, max_length=24)
    classifier = fields.CharEnumField(EventClassifier, max_length=10)
    occurred_at = fields.DatetimeField()
    recorded_at = fields.DatetimeField()
    location_name = fields.CharField(max_length=200, null=True)
    location_unlocode = fields.CharField(max_length=5, null=True)
    location_country = fields.CharField(max_length=2, null=True)
    description = fields.TextField(null=True)
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recorded_events", null=True, on_delete=fields.RESTRICT
    )
    seq = fields.BigIntField(null=True, db_index=True)  # its row in the event log: the cursor
    # An ACTUAL milestone behind where its shipment(s) already were: recorded, no status change.
    late = fields.BooleanField(default=False, db_default=False)
    # The status each shipment it concerned had right after it, by shipment id (a container's
    # event: every shipment inside): a replay shows the history, not today's status. Null for
    # the rows of before 0013 whose statuses were not known any more.
    statuses_after: fields.Field[dict[str, str] | None] = fields.JSONField(null=True)

    shipment_id: int | None
    container_id: int | None
    recorded_by_id: int | None

    class Meta:
        table = "tracking_event"
        indexes = (("container_id",), ("shipment_id",))  # not recorded_by_id: UNINDEXED
