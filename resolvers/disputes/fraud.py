"""Fraud reports (seed 002): support reminds the carrier, then refunds and blocks it, in 7 days.

Decisions (DOMAIN.md leaves them open):

- `fraudRefundDeadline` is acceptedAt + 7 days to the second (calendar days); support may
  refund up to and including that moment. A report made after it is ESCALATED at once, with
  both alerts: FRAUD_REPORTED for support and DISPUTE_ESCALATED for the dispute officers.
- Silence is counted from the carrier's last message: its reply in FRAUD_REVIEW sets the
  unanswered reminders back to 0, so support needs the required number of reminders again,
  all unanswered, before it may refund. A carrier that answers is not silent, and its case
  goes on as a review: reminders, the customer's escalation, or the deadline.
  `carrierReminders` counts every reminder; `unansweredReminders` those since the last reply.
- A reminder is a message of the support user on the dispute, so both parties see it.
- Once the deadline has passed, `remindCarrier` and `refundForFraud` hand the case to the
  dispute resolution centre (ESCALATED, escalatedAt = the deadline) and answer DEADLINE_PASSED;
  every process also does this in the background (api/app.py), so a lapsed review never waits
  for someone to click.
- The fraud refund cancels the shipment (put down to FRAUD: never counted against the
  customer), gives the whole deposit back, blocks the carrier organization and gives it one
  penalty point. The customer, who reported it, gets none.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tortoise.expressions import F

from models import clock
from models.alerts.tables import StaffAlertKind
from models.disputes.tables import (
    CancellationReason,
    Dispute,
    DisputeOutcome,
    DisputeStatus,
    DisputeUpdateKind,
    RefundKind,
)
from models.enums import ErrorCode, Role
from models.shipments.rules import TERMINAL
from models.shipments.tables import CancelledBy, Shipment
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.accounts.blocking import block_organization
from resolvers.alerts.events import raise_staff_alert
from resolvers.disputes.access import find_dispute
from resolvers.disputes.events import (
    advance,
    alert_escalated,
    escalation,
    log_update,
    open_dispute,
    post,
    touch,
)
from resolvers.disputes.refunds import cancel_shipment, whole, write_refund
from resolvers.errors import DomainError, invalid_transition
from subscriptions.log import recording

FRAUD_WINDOW = dt.timedelta(days=7)
SUPPORT = Role.SUPPORT_AGENT  # and ADMIN


def fraud_deadline(shipment: Shipment) -> dt.datetime:
    accepted = shipment.accepted_at or shipment.created_at  # the use cases always set it
    return accepted + FRAUD_WINDOW


async def open_fraud_report(
    viewer: Viewer,
    shipment: Shipment,
    explanation: str,
    *,
    holidays: frozenset[dt.date],
    zone: ZoneInfo,
) -> Dispute:
    """FRAUD_REVIEW with an alert to support; after the 7 days, ESCALATED at once."""
    now = clock.now()
    deadline = fraud_deadline(shipment)
    late = now > deadline
    state = escalation(now, holidays=holidays, zone=zone) if late else {}
    async with recording() as log:
        dispute = await open_dispute(
            log,
            viewer,
            shipment,
            reason=CancellationReason.FRAUD,
            explanation=explanation,
            fraud_refund_deadline=deadline,
            **({"status": DisputeStatus.FRAUD_REVIEW} | state),
        )
        await raise_staff_alert(
            log,
            kind=StaffAlertKind.FRAUD_REPORTED,
            message=f"Fraud reported against the carrier of {shipment.waybill}: {explanation}",
            occurred_at=now,
            shipment_id=shipment.id,
            dispute_id=dispute.id,
        )
        if late:
            await alert_escalated(
                log, dispute, shipment, "fraud reported after the 7 days", zone=zone
            )
    return dispute


def _in_review(dispute: Dispute) -> None:
    if dispute.status is not DisputeStatus.FRAUD_REVIEW:
        raise invalid_transition(
            f"only a dispute in FRAUD_REVIEW takes this; this one is {dispute.status.value}"
        )


async def _within_deadline(
    dispute: Dispute, shipment: Shipment, *, holidays: frozenset[dt.date], zone: ZoneInfo
) -> None:
    """DEADLINE_PASSED after acceptedAt + 7 days, once the case went to the resolution centre."""
    deadline = dispute.fraud_refund_deadline
    if deadline is None or clock.now() <= deadline:
        return
    try:
        await escalate_lapsed(dispute, shipment, holidays=holidays, zone=zone)
    except DomainError:  # escalated meanwhile, by another request or the background check
        pass
    raise DomainError(
        ErrorCode.DEADLINE_PASSED,
        f"support could refund until {deadline:%Y-%m-%d %H:%M:%S} UTC (acceptedAt + 7 days):"
        " the case went to the dispute resolution centre",
        ["disputeId"],
    )


async def escalate_lapsed(
    dispute: Dispute, shipment: Shipment, *, holidays: frozenset[dt.date], zone: ZoneInfo
) -> None:
    deadline = dispute.fraud_refund_deadline
    assert deadline is not None
    async with recording() as log:
        await advance(dispute, **escalation(deadline, holidays=holidays, zone=zone))
        await log_update(
            log, dispute, shipment, DisputeUpdateKind.DEADLINE_PASSED, occurred_at=deadline
        )
        await alert_escalated(
            log, dispute, shipment, "the 7 days for a fraud refund passed", zone=zone
        )


async def escalate_lapsed_fraud_reviews(
    *, holidays: frozenset[dt.date] = frozenset(), zone: ZoneInfo = ZoneInfo("UTC")
) -> int:
    """Hands every fraud review past its deadline to the centre; returns how many it moved."""
    moved = 0
    lapsed = Dispute.filter(
        status=DisputeStatus.FRAUD_REVIEW, fraud_refund_deadline__lt=clock.now()
    )
    for dispute in await lapsed.order_by("id"):
        shipment = await Shipment.get(id=dispute.shipment_id)
        try:
            await escalate_lapsed(dispute, shipment, holidays=holidays, zone=zone)
        except DomainError:  # another process moved it first
            continue
        moved += 1
    return moved


async def remind_carrier(
    *,
    viewer: Viewer | None,
    dispute_id: int,
    holidays: frozenset[dt.date] = frozenset(),
    zone: ZoneInfo = ZoneInfo("UTC"),
) -> Dispute:
    viewer = writer(viewer, SUPPORT)
    dispute = await find_dispute(viewer, dispute_id, ["disputeId"])
    shipment = await Shipment.get(id=dispute.shipment_id)
    _in_review(dispute)
    await _within_deadline(dispute, shipment, holidays=holidays, zone=zone)
    async with recording() as log:
        await touch(
            dispute,
            carrier_reminders=F("carrier_reminders") + 1,
            unanswered_reminders=F("unanswered_reminders") + 1,
        )
        body = (
            f"Reminder {dispute.carrier_reminders} from Cargolive support: the customer reports"
            f" fraud on {shipment.waybill}. Please answer here before"
            f" {dispute.fraud_refund_deadline:%Y-%m-%d %H:%M} UTC."
        )
        await post(
            log,
            dispute,
            shipment,
            author_id=viewer.user_id,
            body=body,
            kind=DisputeUpdateKind.CARRIER_REMINDED,
        )
    return dispute


async def refund_for_fraud(
    *,
    viewer: Viewer | None,
    dispute_id: int,
    reminders_required: int,
    holidays: frozenset[dt.date] = frozenset(),
    zone: ZoneInfo = ZoneInfo("UTC"),
) -> Dispute:
    """After `reminders_required` unanswered reminders and within the 7 days: refund, block."""
    viewer = writer(viewer, SUPPORT)
    dispute = await find_dispute(viewer, dispute_id, ["disputeId"])
    shipment = await Shipment.get(id=dispute.shipment_id)
    _in_review(dispute)
    await _within_deadline(dispute, shipment, holidays=holidays, zone=zone)
    if dispute.unanswered_reminders < reminders_required:
        raise invalid_transition(
            f"the carrier must stay silent through {reminders_required} reminders;"
            f" {dispute.unanswered_reminders} went unanswered since it last wrote"
        )
    if shipment.status in TERMINAL or shipment.carrier_id is None:
        raise invalid_transition(f"the shipment is {shipment.status.value}: nothing to cancel")
    now = clock.now()
    async with recording() as log:
        await advance(
            dispute,
            status=DisputeStatus.RESOLVED,
            outcome=DisputeOutcome.FRAUD_REFUND,
            resolved_at=now,
        )
        await cancel_shipment(
            log,
            shipment,
            by=CancelledBy.FRAUD,
            points=[shipment.carrier_id],
            description="Cancelled for fraud: the deposit refunded whole, the carrier blocked",
            recorded_by=viewer.user_id,
        )
        await write_refund(shipment, whole(shipment), RefundKind.FRAUD, dispute)
        await block_organization(
            log,
            shipment.carrier_id,
            reason=f"Fraud refund on {shipment.waybill}: {dispute.unanswered_reminders}"
            " reminders went unanswered",
            by=viewer.user_id,
        )
        await log_update(log, dispute, shipment, DisputeUpdateKind.FRAUD_REFUNDED)
    return dispute
