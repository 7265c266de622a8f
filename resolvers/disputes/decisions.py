"""A dispute without agreement: the carrier's decision, the customer's escalation, the officer's.

Decisions (DOMAIN.md leaves them open):

- The carrier decides a NEGOTIATING dispute only: a fraud report is support's to settle, an
  escalated dispute the resolution centre's. Either way the shipment is CANCELLED at the
  customer's request (it counts in the customer's rate) and each party gets a point; with
  refund, the deposit less the penalty of the customer's rate taken before this cancellation.
- The customer escalates a NEGOTIATING or FRAUD_REVIEW dispute, or one the carrier decided;
  not an agreement it made, a fraud refund or the centre's own decision. The escalation's
  reason is posted as the customer's message. `resolvedAt` is cleared while the centre
  reviews; `outcome` keeps the carrier's decision until the officer's replaces it.
- The officer's refund is paid on top of what was refunded already, in the deposit's
  currency, and never takes the total past the deposit. It is a PLATFORM_DECISION ledger row
  even at 0, so that the decision is on record; the penalty table does not apply to it.
- A shipment still running when the officer decides (escalated before any decision) is
  cancelled by that decision: at the customer's request with a point to each party, or, for a
  fraud report, put down to the platform with no point (nobody was found at fault).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from models import clock
from models.disputes.rules import Split
from models.disputes.tables import (
    CancellationReason,
    Dispute,
    DisputeOutcome,
    DisputeStatus,
    DisputeUpdateKind,
    RefundKind,
)
from models.enums import Role
from models.shipments.rules import TERMINAL
from models.shipments.tables import CancelledBy, Shipment
from models.validators import round_money
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.checks import Amount
from resolvers.disputes.access import find_dispute, party_in
from resolvers.disputes.events import advance, alert_escalated, escalation, log_update, post
from resolvers.disputes.refunds import (
    cancel_shipment,
    customer_quote,
    deposit_of,
    refunded_so_far,
    write_refund,
)
from resolvers.errors import invalid, invalid_transition
from subscriptions.log import recording

NOTE_LIMIT = 4000
CARRIER_DECISIONS = frozenset(
    {DisputeOutcome.CANCELLED_WITH_REFUND, DisputeOutcome.CANCELLED_WITHOUT_REFUND}
)


def _live(shipment: Shipment) -> None:
    if shipment.status in TERMINAL:
        raise invalid_transition(f"the shipment is {shipment.status.value} already")


async def decide_cancellation(*, viewer: Viewer | None, dispute_id: int, refund: bool) -> Dispute:
    viewer = writer(viewer)
    dispute = await find_dispute(viewer, dispute_id, ["disputeId"])
    shipment, _ = await party_in(viewer, dispute, "decides", only="carrier")
    if dispute.status is not DisputeStatus.NEGOTIATING:
        raise invalid_transition(
            f"the carrier decides a NEGOTIATING dispute; this one is {dispute.status.value}"
        )
    _live(shipment)
    assert shipment.carrier_id is not None
    now = clock.now()
    outcome = (
        DisputeOutcome.CANCELLED_WITH_REFUND if refund else DisputeOutcome.CANCELLED_WITHOUT_REFUND
    )
    async with recording() as log:
        await advance(dispute, status=DisputeStatus.RESOLVED, outcome=outcome, resolved_at=now)
        quote = await customer_quote(shipment)  # the rate before this cancellation counts
        split = quote.split if refund else None
        refunded = f", {split.refund} {split.currency} refunded" if split else ""
        await cancel_shipment(
            log,
            shipment,
            by=CancelledBy.CUSTOMER,
            points=[shipment.customer_id, shipment.carrier_id],
            description=f"Cancelled at the customer's request by the carrier's decision{refunded}",
            recorded_by=viewer.user_id,
        )
        await write_refund(shipment, split, RefundKind.CUSTOMER_CANCELLED, dispute)
        await log_update(log, dispute, shipment, DisputeUpdateKind.DECIDED)
    return dispute


def _escalable(dispute: Dispute) -> bool:
    if dispute.status in (DisputeStatus.NEGOTIATING, DisputeStatus.FRAUD_REVIEW):
        return True
    return dispute.status is DisputeStatus.RESOLVED and dispute.outcome in CARRIER_DECISIONS


async def escalate_dispute(
    *,
    viewer: Viewer | None,
    dispute_id: int,
    reason: str,
    holidays: frozenset[dt.date] = frozenset(),
    zone: ZoneInfo = ZoneInfo("UTC"),
) -> Dispute:
    """To the dispute resolution centre, which answers within 30 working days."""
    viewer = writer(viewer)
    dispute = await find_dispute(viewer, dispute_id, ["disputeId"])
    shipment, _ = await party_in(viewer, dispute, "escalates", only="customer")
    reason = checks.text(reason, ["reason"], limit=NOTE_LIMIT)
    if not _escalable(dispute):
        shown = dispute.outcome.value if dispute.outcome else dispute.status.value
        raise invalid_transition(f"a dispute ended {shown} cannot be escalated")
    async with recording() as log:
        await advance(dispute, **escalation(clock.now(), holidays=holidays, zone=zone))
        await post(
            log,
            dispute,
            shipment,
            author_id=viewer.user_id,
            body=reason,
            kind=DisputeUpdateKind.ESCALATED,
        )
        await alert_escalated(log, dispute, shipment, "by the customer", zone=zone)
    return dispute


async def _award(shipment: Shipment, refund: Amount) -> Split | None:
    """The officer's refund, checked against the deposit and what was refunded already."""
    value = checks.money(refund, ["refund"])
    assert value is not None
    deposit = deposit_of(shipment)
    if deposit is None:
        if value.amount:
            raise invalid(["refund", "amount"], "must be 0: the shipment has no deposit")
        return None
    amount, currency = deposit
    if value.currency != currency:
        raise invalid(["refund", "currency"], f"must be {currency}, the deposit's currency")
    left = round_money(amount, currency) - await refunded_so_far(shipment.id)
    if value.amount > left:
        raise invalid(
            ["refund", "amount"],
            f"must be at most {left} {currency}: the deposit less what was refunded already",
        )
    return Split(round_money(amount, currency), currency, 0, Decimal(0), value.amount)


async def resolve_escalation(
    *, viewer: Viewer | None, dispute_id: int, refund: Amount, note: str
) -> Dispute:
    """The officer's decision: a refund (0 up to what is left of the deposit) and a note."""
    viewer = writer(viewer, Role.DISPUTE_OFFICER)
    dispute = await find_dispute(viewer, dispute_id, ["disputeId"])
    shipment = await Shipment.get(id=dispute.shipment_id)
    note = checks.text(note, ["note"], limit=NOTE_LIMIT)
    split = await _award(shipment, refund)
    if dispute.status is not DisputeStatus.ESCALATED:
        raise invalid_transition(
            f"the centre decides an ESCALATED dispute; this one is {dispute.status.value}"
        )
    now = clock.now()
    async with recording() as log:
        await advance(
            dispute,
            status=DisputeStatus.RESOLVED,
            outcome=DisputeOutcome.PLATFORM_DECISION,
            resolved_at=now,
        )
        if shipment.status not in TERMINAL and shipment.carrier_id is not None:
            fraud = dispute.reason is CancellationReason.FRAUD
            await cancel_shipment(
                log,
                shipment,
                by=CancelledBy.PLATFORM if fraud else CancelledBy.CUSTOMER,
                points=[] if fraud else [shipment.customer_id, shipment.carrier_id],
                description="Cancelled by the decision of the dispute resolution centre",
                recorded_by=viewer.user_id,
            )
        await write_refund(shipment, split, RefundKind.PLATFORM_DECISION, dispute)
        await post(
            log,
            dispute,
            shipment,
            author_id=viewer.user_id,
            body=note,
            kind=DisputeUpdateKind.RESOLVED,
        )
    return dispute
