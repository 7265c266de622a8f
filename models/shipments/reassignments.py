"""Moving a blocked carrier's live shipment to another carrier, or back to the BOOKED offers,
with the customer's consent (issue 15)."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import Organization, User
from models.shipments.tables import Shipment


class ReassignmentStatus(str, Enum):
    PENDING = "PENDING"  # proposed by support, waiting for the customer
    CONSENTED = "CONSENTED"  # applied
    DECLINED = "DECLINED"


class CarrierReassignment(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="reassignments", on_delete=fields.CASCADE
    )
    from_carrier: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="reassigned_from", on_delete=fields.RESTRICT
    )
    # None: back to the BOOKED offers, for any carrier to accept.
    to_carrier: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="reassigned_to", null=True, on_delete=fields.RESTRICT
    )
    reason = fields.TextField()
    status = fields.CharEnumField(ReassignmentStatus, max_length=10)
    proposed_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="proposed_reassignments", on_delete=fields.RESTRICT
    )
    proposed_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    shipment_id: int
    from_carrier_id: int
    to_carrier_id: int | None

    class Meta:
        table = "carrier_reassignment"
        indexes = (("from_carrier_id",), ("proposed_by_id",), ("shipment_id",), ("to_carrier_id",))
