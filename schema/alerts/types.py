"""Staff alerts: every alert any domain raises, for staff (their stream is in live.py).

SLA warnings and breaches (support), late pickups (shipments), and the disputes' fraud reports
and escalations all go through resolvers/alerts/events.py onto the `staff` topic, so one stream,
with one cursor, carries them all and resumes like the others.
"""

from __future__ import annotations

import datetime as dt

import strawberry

from models.alerts.tables import StaffAlert as StaffAlertRow
from models.alerts.tables import StaffAlertKind as StaffAlertKindEnum
from resolvers.disputes import reads as dispute_reads
from resolvers.pagination import encode_cursor
from resolvers.shipments import reads as shipment_reads
from resolvers.support import reads as support_reads
from schema.context import Info
from schema.disputes.types import Dispute
from schema.shipments.types import Shipment
from schema.support.types import SupportThread

StaffAlertKind = StaffAlertKindEnum
strawberry.enum(StaffAlertKind, name="StaffAlertKind")


@strawberry.type
class StaffAlert:
    cursor: str
    kind: StaffAlertKind
    message: str
    occurred_at: dt.datetime
    _row: strawberry.Private[StaffAlertRow]

    @classmethod
    def from_model(cls, row: StaffAlertRow) -> StaffAlert:
        assert row.seq is not None  # set in the transaction that raised it
        return cls(
            cursor=encode_cursor(row.seq),
            kind=row.kind,
            message=row.message,
            occurred_at=row.occurred_at,
            _row=row,
        )

    @strawberry.field(description="The thread, when the alert is about one the viewer may see")
    async def thread(self, info: Info) -> SupportThread | None:
        if self._row.thread_id is None:
            return None
        loader = support_reads.visible_thread(info.context.loaders, info.context.require_viewer())
        row = await loader.load(self._row.thread_id)
        return SupportThread.from_model(row) if row else None

    @strawberry.field
    async def shipment(self, info: Info) -> Shipment | None:
        if self._row.shipment_id is None:
            return None
        loader = shipment_reads.visible_shipment(
            info.context.loaders, info.context.require_viewer()
        )
        row = await loader.load(self._row.shipment_id)
        return Shipment.from_model(row) if row else None

    @strawberry.field(description="The dispute, for fraud reports and escalations")
    async def dispute(self, info: Info) -> Dispute | None:
        if self._row.dispute_id is None:
            return None
        loader = dispute_reads.visible_dispute(info.context.loaders, info.context.require_viewer())
        row = await loader.load(self._row.dispute_id)
        return Dispute.from_model(row) if row else None
