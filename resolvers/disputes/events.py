"""Writing a dispute's changes: the guarded update, the history row and its event.

Every function here runs inside a use case's `recording()` transaction, so a dispute's change,
its messages and its entry in the event log commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import F

from models import clock
from models.alerts.tables import StaffAlertKind
from models.calendar import add_working_days
from models.disputes.tables import (
    AgreementProposal,
    CancellationReason,
    Dispute,
    DisputeMessage,
    DisputeStatus,
    DisputeUpdate,
    DisputeUpdateKind,
)
from models.events import EventKind
from models.shipments.tables import Shipment, TrackingEventType
from models.viewer import Viewer
from resolvers.alerts.events import raise_staff_alert
from resolvers.errors import conflict
from resolvers.shipments.events import parties, record_on_shipment
from subscriptions.log import Audience, Recorder, log_row
from subscriptions.topics import Topic

REVIEW_WORKING_DAYS = 30


def dispute_topic(dispute_id: int) -> Topic:
    return Topic("dispute", dispute_id)


def dispute_audience(shipment: Shipment) -> Audience:
    """Both parties of the shipment and platform staff; never the public."""
    return Audience(orgs=parties([shipment]), staff=True, public=False)


async def advance(dispute: Dispute, **changes: Any) -> None:
    """Writes `changes` unless the dispute was written since it was read (CONFLICT).

    `WHERE status = s AND version = v`: of two decisions racing, the second UPDATE (which on
    PostgreSQL waits for the first to commit) matches no row, so only one refund is written.
    """
    changes |= {"version": dispute.version + 1}
    updated = await Dispute.filter(
        id=dispute.id, status=dispute.status, version=dispute.version
    ).update(**changes)
    if not updated:
        raise conflict("the dispute changed meanwhile: load it again and retry")
    for name, value in changes.items():
        setattr(dispute, name, value)


async def touch(dispute: Dispute, **changes: Any) -> None:
    """Like `advance`, but guarded by the status only: messages and reminders do not race each
    other, while any decision that read the dispute before them loses with CONFLICT."""
    changes |= {"version": F("version") + 1}
    updated = await Dispute.filter(id=dispute.id, status=dispute.status).update(**changes)
    if not updated:
        raise conflict("the dispute changed meanwhile: load it again and retry")
    await dispute.refresh_from_db()


async def log_update(
    log: Recorder,
    dispute: Dispute,
    shipment: Shipment,
    kind: DisputeUpdateKind,
    *,
    message: DisputeMessage | None = None,
    proposal: AgreementProposal | None = None,
    occurred_at: dt.datetime | None = None,
) -> DisputeUpdate:
    """The history row of a change (the dispute as it is now) and its event for both parties."""
    occurred_at = occurred_at or clock.now()
    row = await DisputeUpdate.create(
        dispute_id=dispute.id,
        kind=kind,
        status=dispute.status,
        outcome=dispute.outcome,
        message=message,
        proposal=proposal,
        occurred_at=occurred_at,
    )
    await log_row(
        log,
        row,
        kind=EventKind.DISPUTE,
        topics=[dispute_topic(dispute.id)],
        audience=dispute_audience(shipment),
        occurred_at=occurred_at,
    )
    if message is not None:
        message.seq = row.seq
        await DisputeMessage.filter(id=message.id).update(seq=row.seq)
    return row


async def post(
    log: Recorder,
    dispute: Dispute,
    shipment: Shipment,
    *,
    author_id: int,
    body: str,
    kind: DisputeUpdateKind = DisputeUpdateKind.MESSAGE,
) -> DisputeMessage:
    """A message on the dispute, with its history row (`kind`: what else the change did)."""
    now = clock.now()
    message = await DisputeMessage.create(
        dispute_id=dispute.id, author_id=author_id, body=body, created_at=now
    )
    await log_update(log, dispute, shipment, kind, message=message, occurred_at=now)
    return message


def review_due(at: dt.datetime, *, holidays: frozenset[dt.date], zone: ZoneInfo) -> dt.datetime:
    """When the dispute resolution centre owes its answer: 30 working days on (seed 002)."""
    return add_working_days(at, REVIEW_WORKING_DAYS, zone=zone, holidays=holidays)


def escalation(at: dt.datetime, *, holidays: frozenset[dt.date], zone: ZoneInfo) -> dict[str, Any]:
    """The changes that hand a dispute to the dispute resolution centre at `at`."""
    return {
        "status": DisputeStatus.ESCALATED,
        "escalated_at": at,
        "review_due_at": review_due(at, holidays=holidays, zone=zone),
        "resolved_at": None,
    }


async def alert_escalated(
    log: Recorder, dispute: Dispute, shipment: Shipment, why: str, *, zone: ZoneInfo
) -> None:
    """The alert states the due moment in the deployment's zone, and names the zone."""
    assert dispute.review_due_at is not None
    due = f"{dispute.review_due_at.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"
    await raise_staff_alert(
        log,
        kind=StaffAlertKind.DISPUTE_ESCALATED,
        message=f"Dispute on {shipment.waybill} escalated ({why}): review due by {due}",
        occurred_at=dispute.escalated_at or clock.now(),
        shipment_id=shipment.id,
        dispute_id=dispute.id,
    )


async def open_dispute(
    log: Recorder,
    viewer: Viewer,
    shipment: Shipment,
    *,
    reason: CancellationReason,
    explanation: str,
    **fields: Any,
) -> Dispute:
    """The customer's request: CANCELLATION_RECEIVED on the shipment, and the dispute opened.

    Writing the shipment (its version) makes two racing requests open one dispute, not two.
    """
    now = clock.now()
    await record_on_shipment(
        log,
        shipment,
        event=TrackingEventType.CANCELLATION_RECEIVED,
        occurred_at=now,
        description=f"The customer asks to cancel ({reason.value}): {explanation}",
        recorded_by=viewer.user_id,
        updated_at=now,
    )
    dispute = await Dispute.create(
        shipment_id=shipment.id,
        opened_by_id=viewer.organization_id,
        reason=reason,
        explanation=explanation,
        opened_at=now,
        **fields,
    )
    await log_update(log, dispute, shipment, DisputeUpdateKind.OPENED, occurred_at=now)
    return dispute
