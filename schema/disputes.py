"""Dispute types, as the contract has them: only their shape so far.

A placeholder so that `Shipment.disputes` keeps the contract while the disputes issue is open:
no dispute is ever built here (the field returns an empty list). That issue replaces this file
with the real types, resolvers and tables.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.accounts import Organization, User
from schema.base import Money, Node

if TYPE_CHECKING:
    from schema.shipments import Shipment


@strawberry.enum
class CancellationReason(Enum):
    FRAUD = "FRAUD"
    CARRIER_NO_SHOW = "CARRIER_NO_SHOW"
    PICKUP_DELAYED = "PICKUP_DELAYED"
    PRICE_DISAGREEMENT = "PRICE_DISAGREEMENT"
    CUSTOMER_CHANGED_PLANS = "CUSTOMER_CHANGED_PLANS"
    CARGO_NOT_READY = "CARGO_NOT_READY"
    DAMAGED_CARGO = "DAMAGED_CARGO"
    OTHER = "OTHER"


@strawberry.enum
class DisputeStatus(Enum):
    NEGOTIATING = "NEGOTIATING"
    FRAUD_REVIEW = "FRAUD_REVIEW"
    ESCALATED = "ESCALATED"
    RESOLVED = "RESOLVED"


@strawberry.enum
class DisputeOutcome(Enum):
    ALTERNATIVE_AGREEMENT = "ALTERNATIVE_AGREEMENT"
    CANCELLED_WITH_REFUND = "CANCELLED_WITH_REFUND"
    CANCELLED_WITHOUT_REFUND = "CANCELLED_WITHOUT_REFUND"
    FRAUD_REFUND = "FRAUD_REFUND"
    PLATFORM_DECISION = "PLATFORM_DECISION"
    WITHDRAWN = "WITHDRAWN"


@strawberry.type
class Refund:
    deposit: Money
    penalty_percent: int
    penalty: Money
    amount: Money


@strawberry.type
class DisputeMessage(Node):
    cursor: str
    author: User
    body: str
    created_at: dt.datetime


@strawberry.type
class AgreementProposal(Node):
    proposed_by: Organization
    terms: str
    pickup_scheduled_at: dt.datetime | None
    price: Money | None
    accepted: bool | None
    created_at: dt.datetime


@strawberry.type
class Dispute(Node):
    shipment: Annotated[Shipment, strawberry.lazy("schema.shipments")]
    opened_by: Organization
    reason: CancellationReason
    explanation: str
    status: DisputeStatus
    outcome: DisputeOutcome | None
    messages: list[DisputeMessage]
    proposals: list[AgreementProposal]
    carrier_reminders: int
    refund: Refund | None
    fraud_refund_deadline: dt.datetime | None = strawberry.field(
        description="acceptedAt + 7 days: the last moment support may refund a fraud report"
    )
    review_due_at: dt.datetime | None = strawberry.field(
        description="escalatedAt + 30 working days"
    )
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
