"""Raising a staff alert: the row, and its event on the `staff` topic, for staff only.

Every domain raises its alerts here (PICKUP_LATE, SLA_WARNING, SLA_BREACHED, and the disputes'
FRAUD_REPORTED and DISPUTE_ESCALATED), inside the transaction of the change that caused them, so
the `staffAlerts` stream carries each one once and in commit order.
"""

from __future__ import annotations

import datetime as dt

from models.alerts.tables import StaffAlert, StaffAlertKind
from models.events import EventKind
from subscriptions.log import Audience, Recorder, log_row
from subscriptions.topics import Topic

STAFF_TOPIC = Topic("staff")
STAFF_ONLY = Audience(orgs=frozenset(), staff=True, public=False)


async def raise_staff_alert(
    log: Recorder,
    *,
    kind: StaffAlertKind,
    message: str,
    occurred_at: dt.datetime,
    shipment_id: int | None = None,
    thread_id: int | None = None,
    dispute_id: int | None = None,
) -> StaffAlert:
    alert = await StaffAlert.create(
        kind=kind,
        message=message,
        shipment_id=shipment_id,
        thread_id=thread_id,
        dispute_id=dispute_id,
        occurred_at=occurred_at,
        using_db=log.connection,
    )
    return await log_row(
        log,
        alert,
        kind=EventKind.STAFF_ALERT,
        topics=[STAFF_TOPIC],
        audience=STAFF_ONLY,
        occurred_at=occurred_at,
    )
