"""Alternative agreements: one side proposes new terms, the other accepts or declines.

Decisions (DOMAIN.md leaves them open):

- A proposal needs terms (non-blank text); a new pickup time (not in the past, and only while
  the cargo is not picked up) and a new price (in the currency of the shipment's price, when
  it has one) are optional. Several proposals may wait at once.
- Accepting ends the dispute ALTERNATIVE_AGREEMENT and applies the proposal to the shipment in
  the same transaction: CANCELLATION_DECLINED for its subscribers, and a PLANNED
  PICKUP_SCHEDULED event when the pickup moves (an ACCEPTED shipment becomes
  PICKUP_SCHEDULED). A proposed pickup time that has passed meanwhile is DEADLINE_PASSED.
- Proposals left waiting when the dispute ends stay unanswered (`accepted: null`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import clock
from models.disputes.tables import (
    AgreementProposal,
    Dispute,
    DisputeOutcome,
    DisputeStatus,
    DisputeUpdateKind,
)
from models.enums import ErrorCode
from models.shipments.rules import rank
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEventType
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.checks import Amount, Path
from resolvers.disputes.access import find_dispute, party_in
from resolvers.disputes.events import advance, log_update, touch
from resolvers.errors import (
    DomainError,
    conflict,
    forbidden,
    invalid,
    invalid_transition,
    not_found,
)
from resolvers.shipments.events import position, record_on_shipment
from resolvers.shipments.pickups import designating, record_plan
from subscriptions.log import recording

TERMS_LIMIT = 4000


def _negotiating(dispute: Dispute) -> None:
    if dispute.status is not DisputeStatus.NEGOTIATING:
        raise invalid_transition(
            f"proposals belong to a NEGOTIATING dispute; this one is {dispute.status.value}"
        )


def _pickup(shipment: Shipment, at: dt.datetime | None, field: Path) -> dt.datetime | None:
    if at is None:
        return None
    at = checks.not_past(at, field)
    if rank(position(shipment).effective) > rank(ShipmentStatus.PICKUP_SCHEDULED):
        raise invalid(field, "the cargo was picked up already: there is no pickup to move")
    return at


def _price(shipment: Shipment, price: Amount | None, field: Path) -> Amount | None:
    price = checks.money(price, field)
    if price is not None and shipment.price_currency not in (None, price.currency):
        raise invalid(
            [*field, "currency"], f"must be {shipment.price_currency}, the shipment's currency"
        )
    return price


async def propose_agreement(
    *,
    viewer: Viewer | None,
    dispute_id: int,
    terms: str,
    pickup_scheduled_at: dt.datetime | None = None,
    price: Amount | None = None,
) -> Dispute:
    viewer = writer(viewer)
    dispute = await find_dispute(viewer, dispute_id, ["disputeId"])
    shipment, _ = await party_in(viewer, dispute, "propose an agreement")
    terms = checks.text(terms, ["terms"], limit=TERMS_LIMIT)
    pickup = _pickup(shipment, pickup_scheduled_at, ["pickupScheduledAt"])
    price = _price(shipment, price, ["price"])
    _negotiating(dispute)
    async with recording() as log:
        await touch(dispute)
        proposal = await AgreementProposal.create(
            dispute_id=dispute.id,
            proposed_by_id=viewer.organization_id,
            terms=terms,
            pickup_scheduled_at=pickup,
            price_amount=price.amount if price else None,
            price_currency=price.currency if price else None,
            created_at=clock.now(),
        )
        await log_update(log, dispute, shipment, DisputeUpdateKind.PROPOSAL, proposal=proposal)
    return dispute


async def respond_to_proposal(*, viewer: Viewer | None, proposal_id: int, accept: bool) -> Dispute:
    """The other side accepts (the shipment goes on under the new terms) or declines."""
    viewer = writer(viewer)
    proposal = await AgreementProposal.get_or_none(id=proposal_id)
    if proposal is None:
        raise not_found(["proposalId"], "proposal")
    dispute = await find_dispute(viewer, proposal.dispute_id, ["proposalId"])
    shipment, _ = await party_in(viewer, dispute, "answer a proposal")
    if proposal.proposed_by_id == viewer.organization_id:
        raise forbidden("the other side answers a proposal, not the side that made it")
    if proposal.accepted is not None:
        raise invalid_transition("this proposal was answered already")
    _negotiating(dispute)
    if accept:
        await _agree(viewer, dispute, shipment, proposal)
        return dispute
    async with recording() as log:
        await touch(dispute)
        await _answer(proposal, accepted=False)
        await log_update(
            log, dispute, shipment, DisputeUpdateKind.PROPOSAL_DECLINED, proposal=proposal
        )
    return dispute


async def _answer(proposal: AgreementProposal, *, accepted: bool) -> None:
    now = clock.now()
    answered = await AgreementProposal.filter(id=proposal.id, accepted=None).update(
        accepted=accepted, answered_at=now
    )
    if not answered:
        raise conflict("this proposal was answered meanwhile")
    proposal.accepted, proposal.answered_at = accepted, now


async def _agree(
    viewer: Viewer, dispute: Dispute, shipment: Shipment, proposal: AgreementProposal
) -> None:
    now = clock.now()
    pickup = proposal.pickup_scheduled_at
    if pickup is not None and pickup < now:
        raise DomainError(
            ErrorCode.DEADLINE_PASSED,
            "the proposed pickup time has passed: propose a new one",
            ["proposalId"],
        )
    changes: dict[str, Any] = {"updated_at": now}
    if proposal.price_amount is not None:
        changes |= {
            "price_amount": proposal.price_amount,
            "price_currency": proposal.price_currency,
        }
    agreed = f"the parties agreed: {proposal.terms}"
    async with recording() as log:
        await advance(
            dispute,
            status=DisputeStatus.RESOLVED,
            outcome=DisputeOutcome.ALTERNATIVE_AGREEMENT,
            resolved_at=now,
        )
        await _answer(proposal, accepted=True)
        await record_on_shipment(
            log,
            shipment,
            event=TrackingEventType.CANCELLATION_DECLINED,
            occurred_at=now,
            description=f"Not cancelled: {agreed}",
            recorded_by=viewer.user_id,
            **changes,
        )
        if pickup is not None:
            moved: dict[str, Any] = {"pickup_scheduled_at": pickup, **designating(pickup)}
            if shipment.status is ShipmentStatus.ACCEPTED:
                moved["status"] = ShipmentStatus.PICKUP_SCHEDULED
            elif shipment.status_before_hold is ShipmentStatus.ACCEPTED:
                moved["status_before_hold"] = ShipmentStatus.PICKUP_SCHEDULED
            moved_by = f"Pickup moved: {agreed}"
            await record_plan(log, shipment, pickup, moved_by, viewer.user_id, **moved)
        await log_update(log, dispute, shipment, DisputeUpdateKind.AGREED, proposal=proposal)
