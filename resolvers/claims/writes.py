"""Use cases of insurance claims: open one, and move it along its lifecycle to PAID.

Money is Decimal at the currency's minor unit (resolvers/checks.money). Paying writes one
ledger row, unique per claim, in the transaction of the PAID change: of two racing PAIDs the
second loses on the claim's version (CONFLICT) and nothing is paid twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models import clock
from models.claims.rules import CLOSED, DRIVERS, NOT_CLAIMABLE, OPENERS, ClaimStatus, may_move
from models.claims.tables import ClaimPayment, InsuranceClaim
from models.enums import ErrorCode
from models.shipments.tables import (
    EventClassifier,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    TrackingEventType,
)
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.checks import Amount, money, optional_text, text
from resolvers.claims.access import find_claim
from resolvers.claims.events import log_change
from resolvers.errors import (
    DomainError,
    conflict,
    forbidden,
    invalid,
    invalid_transition,
)
from resolvers.shipments.access import find_shipment
from resolvers.steps import write_version
from subscriptions.log import recording


async def _delivered_at(shipment: Shipment) -> dt.datetime:
    """When the shipment was delivered: its ACTUAL DELIVERED event, else its last change."""
    event = (
        await TrackingEvent.filter(
            shipment_id=shipment.id,
            type=TrackingEventType.DELIVERED,
            classifier=EventClassifier.ACTUAL,
        )
        .order_by("-occurred_at")
        .first()
    )
    return event.occurred_at if event else shipment.updated_at


async def _damage_event(shipment: Shipment) -> TrackingEvent | None:
    """The latest DAMAGED event on the shipment or on the container that holds it."""
    where = Q(shipment_id=shipment.id)
    if shipment.container_id is not None:
        where |= Q(container_id=shipment.container_id)
    return (
        await TrackingEvent.filter(where, type=TrackingEventType.DAMAGED)
        .order_by("-occurred_at", "-id")
        .first()
    )


async def _check_claimable(shipment: Shipment, window_days: int) -> None:
    status = shipment.status_before_hold or shipment.status
    if status in NOT_CLAIMABLE:
        raise invalid_transition(
            f"the shipment is {shipment.status.value}: nothing is in our care to claim for",
            ["input", "shipmentId"],
        )
    if status is ShipmentStatus.DELIVERED:
        limit = await _delivered_at(shipment) + dt.timedelta(days=window_days)
        if clock.now() > limit:
            raise DomainError(
                ErrorCode.DEADLINE_PASSED,
                f"claims are taken until {window_days} days after delivery "
                f"({limit:%Y-%m-%d %H:%M} UTC)",
                ["input", "shipmentId"],
            )


async def open_claim(
    *,
    viewer: Viewer | None,
    shipment_id: int,
    description: str,
    claimed: Amount,
    window_days: int,
) -> InsuranceClaim:
    """The customer (or staff for it) reports damage or loss: REPORTED. One open claim per
    shipment, also when two requests race (the unique `open_key`)."""
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["input", "shipmentId"])
    if viewer.is_staff:
        if not viewer.has_role(*OPENERS):
            raise forbidden("only the customer, back office, support or account managers may")
    elif shipment.customer_id != viewer.organization_id:
        raise forbidden("only the shipment's customer opens an insurance claim")
    body = text(description, ["input", "description"], limit=5000)
    amount = money(claimed, ["input", "claimed"])
    assert amount is not None
    if amount.amount <= 0:
        raise invalid(["input", "claimed", "amount"], "must be more than zero")
    currencies = sorted({c for c in (shipment.deposit_currency, shipment.price_currency) if c})
    if currencies and amount.currency not in currencies:
        raise invalid(
            ["input", "claimed", "currency"],
            f"must be the shipment's currency ({' or '.join(currencies)})",
        )
    await _check_claimable(shipment, window_days)
    damage = await _damage_event(shipment)
    now = clock.now()
    try:
        async with recording() as log:
            claim = await InsuranceClaim.create(
                shipment_id=shipment.id,
                status=ClaimStatus.REPORTED,
                description=body,
                claimed_amount=amount.amount,
                currency=amount.currency,
                damage_event_id=damage.id if damage else None,
                reported_by_id=viewer.user_id,
                reported_at=now,
                updated_at=now,
                open_key=shipment.id,
            )
            await log_change(
                log, claim, shipment, previous=None, by=viewer.user_id, note=None, at=now
            )
    except IntegrityError:
        raise conflict(
            "this shipment has an open insurance claim already", ["input", "shipmentId"]
        ) from None
    return claim


def _changes(
    claim: InsuranceClaim,
    status: ClaimStatus,
    *,
    note: str | None,
    approved: Amount | None,
    insurer_reference: str | None,
) -> dict[str, Any]:
    """The columns that `status` sets, each input checked against the rule of that step."""
    changes: dict[str, Any] = {"status": status}
    if status is ClaimStatus.INSURER_NOTIFIED:
        if insurer_reference is None:
            raise invalid(["insurerReference"], "give the insurer's reference of the claim")
        changes["insurer_reference"] = insurer_reference
    elif insurer_reference is not None:
        raise invalid(["insurerReference"], "is set with INSURER_NOTIFIED only")
    if status is ClaimStatus.APPROVED:
        amount = money(approved, ["approved"])
        if amount is None:
            raise invalid(["approved"], "give the approved amount")
        if amount.currency != claim.currency:
            raise invalid(["approved", "currency"], f"must be the claim's {claim.currency}")
        if not Decimal(0) < amount.amount <= claim.claimed_amount:
            raise invalid(
                ["approved", "amount"],
                f"must be more than 0 and at most the claimed {claim.claimed_amount:f}",
            )
        changes["approved_amount"] = amount.amount
    elif approved is not None:
        raise invalid(["approved"], "is set with APPROVED only")
    if status is ClaimStatus.REJECTED and note is None:
        raise invalid(["note"], "say why the claim is rejected")
    if status in CLOSED:
        changes |= {"open_key": None, "closed_at": clock.now()}
    return changes


async def advance_claim(
    *,
    viewer: Viewer | None,
    claim_id: int,
    status: ClaimStatus,
    note: str | None = None,
    approved: Amount | None = None,
    insurer_reference: str | None = None,
) -> InsuranceClaim:
    """Back office moves the claim one step; PAID writes the ledger row of the approved sum."""
    viewer = writer(viewer)
    claim = await find_claim(viewer, claim_id, ["claimId"])
    if not viewer.has_role(*DRIVERS):
        raise forbidden("only BACK_OFFICE and ADMIN move an insurance claim on")
    if not may_move(claim.status, status):
        raise invalid_transition(
            f"a {claim.status.value} claim cannot become {status.value}", ["status"]
        )
    note = optional_text(note, ["note"], limit=2000)
    reference = optional_text(insurer_reference, ["insurerReference"], limit=100)
    changes = _changes(claim, status, note=note, approved=approved, insurer_reference=reference)
    shipment = await Shipment.get(id=claim.shipment_id)
    previous = claim.status
    async with recording() as log:
        now = clock.now()
        await write_version(claim, "claim", **changes)
        if status is ClaimStatus.PAID:
            await pay_claim(claim, viewer, now)
        await log_change(
            log, claim, shipment, previous=previous, by=viewer.user_id, note=note, at=now
        )
    return claim


async def pay_claim(claim: InsuranceClaim, viewer: Viewer, at: dt.datetime) -> None:
    assert claim.approved_amount is not None  # APPROVED is the only way to PAID
    try:
        await ClaimPayment.create(
            claim_id=claim.id,
            amount=claim.approved_amount,
            currency=claim.currency,
            paid_by_id=viewer.user_id,
            created_at=at,
        )
    except IntegrityError:
        raise conflict("this claim was paid already") from None
