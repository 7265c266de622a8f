"""Alerts for platform staff: what the `staffAlerts` stream replays from the event log."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.disputes.tables import Dispute
from models.shipments.tables import Shipment
from models.support.tables import SupportThread


class StaffAlertKind(str, Enum):
    SLA_WARNING = "SLA_WARNING"
    SLA_BREACHED = "SLA_BREACHED"
    PICKUP_LATE = "PICKUP_LATE"
    FRAUD_REPORTED = "FRAUD_REPORTED"
    DISPUTE_ESCALATED = "DISPUTE_ESCALATED"
    STUFFING_CONFIRMED_LATE = "STUFFING_CONFIRMED_LATE"  # 001 B: not confirmed the same day
    WEBHOOK_DISABLED = "WEBHOOK_DISABLED"


class StaffAlert(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(StaffAlertKind, max_length=24)
    message = fields.TextField()
    shipment: fields.ForeignKeyNullableRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="staff_alerts", null=True, on_delete=fields.RESTRICT
    )
    dispute: fields.ForeignKeyNullableRelation[Dispute] = fields.ForeignKeyField(
        "models.Dispute", related_name="staff_alerts", null=True, on_delete=fields.RESTRICT
    )
    thread: fields.ForeignKeyNullableRelation[SupportThread] = fields.ForeignKeyField(
        "models.SupportThread", related_name="staff_alerts", null=True, on_delete=fields.RESTRICT
    )
    occurred_at = fields.DatetimeField()
    seq = fields.BigIntField(null=True, db_index=True)

    shipment_id: int | None
    dispute_id: int | None
    thread_id: int | None

    class Meta:
        table = "staff_alert"
        indexes = (("dispute_id",), ("shipment_id",), ("thread_id",))
