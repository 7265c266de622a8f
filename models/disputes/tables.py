"""Disputes over a cancellation (seed 002): the case, its messages, proposals, refunds, history."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import Organization, User
from models.shipments.tables import Shipment


class CancellationReason(str, Enum):
    FRAUD = "FRAUD"
    CARRIER_NO_SHOW = "CARRIER_NO_SHOW"
    PICKUP_DELAYED = "PICKUP_DELAYED"
    PRICE_DISAGREEMENT = "PRICE_DISAGREEMENT"
    CUSTOMER_CHANGED_PLANS = "CUSTOMER_CHANGED_PLANS"
    CARGO_NOT_READY = "CARGO_NOT_READY"
    DAMAGED_CARGO = "DAMAGED_CARGO"
    OTHER = "OTHER"


class DisputeStatus(str, Enum):
    NEGOTIATING = "NEGOTIATING"
    FRAUD_REVIEW = "FRAUD_REVIEW"
    ESCALATED = "ESCALATED"
    RESOLVED = "RESOLVED"


class DisputeOutcome(str, Enum):
    ALTERNATIVE_AGREEMENT = "ALTERNATIVE_AGREEMENT"
    CANCELLED_WITH_REFUND = "CANCELLED_WITH_REFUND"
    CANCELLED_WITHOUT_REFUND = "CANCELLED_WITHOUT_REFUND"
    FRAUD_REFUND = "FRAUD_REFUND"
    PLATFORM_DECISION = "PLATFORM_DECISION"
    WITHDRAWN = "WITHDRAWN"


class RefundKind(str, Enum):
    """Why a deposit went back: at most one refund of each kind per shipment."""

    CARRIER_CANCELLED = "CARRIER_CANCELLED"
    CUSTOMER_CANCELLED = "CUSTOMER_CANCELLED"
    FRAUD = "FRAUD"
    PLATFORM_DECISION = "PLATFORM_DECISION"


class DisputeUpdateKind(str, Enum):
    """What one entry of a dispute's history (and of the `disputeUpdates` stream) records."""

    OPENED = "OPENED"
    MESSAGE = "MESSAGE"
    PROPOSAL = "PROPOSAL"
    PROPOSAL_DECLINED = "PROPOSAL_DECLINED"
    AGREED = "AGREED"
    DECIDED = "DECIDED"
    ESCALATED = "ESCALATED"
    CARRIER_REMINDED = "CARRIER_REMINDED"
    FRAUD_REFUNDED = "FRAUD_REFUNDED"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    RESOLVED = "RESOLVED"


OPEN = frozenset({DisputeStatus.NEGOTIATING, DisputeStatus.FRAUD_REVIEW, DisputeStatus.ESCALATED})


class Dispute(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="disputes", on_delete=fields.RESTRICT
    )
    opened_by: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="opened_disputes", on_delete=fields.RESTRICT
    )
    reason = fields.CharEnumField(CancellationReason, max_length=24)
    explanation = fields.TextField()
    status = fields.CharEnumField(DisputeStatus, max_length=16, db_index=True)
    outcome = fields.CharEnumField(DisputeOutcome, max_length=32, null=True)
    carrier_reminders = fields.IntField(default=0)
    # Reminders since the carrier last wrote: a reply breaks its silence
    # (resolvers/disputes/fraud.py).
    unanswered_reminders = fields.IntField(default=0)
    carrier_replied_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    review_due_at = fields.DatetimeField(null=True)
    fraud_refund_deadline = fields.DatetimeField(null=True)
    opened_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=0)  # bumped by every write: races lose with CONFLICT

    shipment_id: int
    opened_by_id: int

    class Meta:
        table = "dispute"
        indexes = (("opened_by_id",), ("shipment_id",))


class DisputeMessage(Model):
    id = fields.IntField(primary_key=True)
    dispute: fields.ForeignKeyRelation[Dispute] = fields.ForeignKeyField(
        "models.Dispute", related_name="messages", on_delete=fields.RESTRICT
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="dispute_messages", on_delete=fields.RESTRICT
    )
    body = fields.TextField()
    created_at = fields.DatetimeField()
    seq = fields.BigIntField(null=True, db_index=True)  # its update's row in the event log

    dispute_id: int
    author_id: int

    class Meta:
        table = "dispute_message"
        indexes = (("author_id",), ("dispute_id",))


class AgreementProposal(Model):
    """An alternative to the cancellation: terms, and a new pickup time or price to apply."""

    id = fields.IntField(primary_key=True)
    dispute: fields.ForeignKeyRelation[Dispute] = fields.ForeignKeyField(
        "models.Dispute", related_name="proposals", on_delete=fields.RESTRICT
    )
    proposed_by: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="agreement_proposals", on_delete=fields.RESTRICT
    )
    terms = fields.TextField()
    pickup_scheduled_at = fields.DatetimeField(null=True)
    price_amount = fields.DecimalField(max_digits=18, decimal_places=3, null=True)
    price_currency = fields.CharField(max_length=3, null=True)
    accepted = fields.BooleanField(null=True)  # None while nobody has answered
    answered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    dispute_id: int
    proposed_by_id: int

    class Meta:
        table = "agreement_proposal"
        indexes = (("dispute_id",), ("proposed_by_id",))


class Refund(Model):
    """The refund ledger: a row per deposit paid back, written with the cancellation itself.

    Unique per (shipment, kind): one cancellation is never refunded twice, however requests race.
    """

    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="refunds", on_delete=fields.RESTRICT
    )
    dispute: fields.ForeignKeyNullableRelation[Dispute] = fields.ForeignKeyField(
        "models.Dispute", related_name="refunds", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(RefundKind, max_length=24)
    deposit_amount = fields.DecimalField(max_digits=18, decimal_places=3)
    currency = fields.CharField(max_length=3)
    penalty_percent = fields.IntField()
    penalty_amount = fields.DecimalField(max_digits=18, decimal_places=3)
    amount = fields.DecimalField(max_digits=18, decimal_places=3)
    created_at = fields.DatetimeField()

    shipment_id: int
    dispute_id: int | None

    class Meta:
        table = "refund"
        unique_together = (("shipment", "kind"),)
        indexes = (("dispute_id",),)


class DisputeUpdate(Model):
    """One change of a dispute (a status, a message, a proposal): what `disputeUpdates` replays.

    `status` and `outcome` are the dispute's as they were right after this change.
    """

    id = fields.IntField(primary_key=True)
    dispute: fields.ForeignKeyRelation[Dispute] = fields.ForeignKeyField(
        "models.Dispute", related_name="updates", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(DisputeUpdateKind, max_length=24)
    status = fields.CharEnumField(DisputeStatus, max_length=16)
    outcome = fields.CharEnumField(DisputeOutcome, max_length=32, null=True)
    message: fields.ForeignKeyNullableRelation[DisputeMessage] = fields.ForeignKeyField(
        "models.DisputeMessage", related_name="updates", null=True, on_delete=fields.RESTRICT
    )
    proposal: fields.ForeignKeyNullableRelation[AgreementProposal] = fields.ForeignKeyField(
        "models.AgreementProposal", related_name="updates", null=True, on_delete=fields.RESTRICT
    )
    occurred_at = fields.DatetimeField()
    seq = fields.BigIntField(null=True, db_index=True)

    dispute_id: int
    message_id: int | None
    proposal_id: int | None

    class Meta:
        table = "dispute_update"
        indexes = (("dispute_id",), ("message_id",), ("proposal_id",))
