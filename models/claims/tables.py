"""An insurance claim, its history, and the ledger row of its payment."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import User
from models.claims.rules import ClaimStatus
from models.shipments.tables import Shipment, TrackingEvent


class InsuranceClaim(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="insurance_claims", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(ClaimStatus, max_length=20, db_index=True)
    description = fields.TextField()
    claimed_amount = fields.DecimalField(max_digits=18, decimal_places=3)
    currency = fields.CharField(max_length=3)
    approved_amount = fields.DecimalField(max_digits=18, decimal_places=3, null=True)
    insurer_reference = fields.CharField(max_length=100, null=True)
    # The DAMAGED tracking event it is about, when the shipment has one.
    damage_event: fields.ForeignKeyNullableRelation[TrackingEvent] = fields.ForeignKeyField(
        "models.TrackingEvent", related_name="claims", null=True, on_delete=fields.RESTRICT
    )
    reported_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="claims_reported", on_delete=fields.RESTRICT
    )
    reported_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    # The shipment's id while the claim is open, null once closed: one open claim per shipment,
    # kept by the unique index even when two requests race.
    open_key = fields.IntField(null=True, unique=True)
    version = fields.IntField(default=0)  # bumped by every write: races lose with CONFLICT

    shipment_id: int
    damage_event_id: int | None
    reported_by_id: int

    class Meta:
        table = "insurance_claim"
        indexes = (("damage_event_id",), ("reported_by_id",), ("shipment_id",))


class ClaimChange(Model):
    """One step of a claim: who moved it, when, to which status, with what note or amount."""

    id = fields.IntField(primary_key=True)
    claim: fields.ForeignKeyRelation[InsuranceClaim] = fields.ForeignKeyField(
        "models.InsuranceClaim", related_name="changes", on_delete=fields.RESTRICT
    )
    previous_status = fields.CharEnumField(ClaimStatus, max_length=20, null=True)
    status = fields.CharEnumField(ClaimStatus, max_length=20)
    by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="claim_changes", on_delete=fields.RESTRICT
    )
    note = fields.TextField(null=True)
    occurred_at = fields.DatetimeField()
    seq = fields.BigIntField(null=True, db_index=True)  # its row in the event log

    claim_id: int
    by_id: int

    class Meta:
        table = "claim_change"
        indexes = (("by_id",), ("claim_id",))


class ClaimPayment(Model):
    """The ledger row of a paid claim: one per claim (unique), written with the PAID change."""

    id = fields.IntField(primary_key=True)
    claim: fields.OneToOneRelation[InsuranceClaim] = fields.OneToOneField(
        "models.InsuranceClaim", related_name="payment", on_delete=fields.RESTRICT
    )
    amount = fields.DecimalField(max_digits=18, decimal_places=3)
    currency = fields.CharField(max_length=3)
    paid_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="claim_payments", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    claim_id: int
    paid_by_id: int

    class Meta:
        table = "claim_payment"
        indexes = (("paid_by_id",),)
