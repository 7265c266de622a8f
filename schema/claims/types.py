"""The InsuranceClaim type and its history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.claims import rules, tables
from models.shipments import Shipment as ShipmentRow
from models.shipments import TrackingEvent as TrackingEventRow
from resolvers.claims import reads
from resolvers.documents.reads import documents_of, page_of
from schema.accounts import User
from schema.base import Money, Node
from schema.context import Info
from schema.convert import money
from schema.documents.types import DocumentConnection, user_of
from schema.ids import to_global_id

if TYPE_CHECKING:
    from schema.shipments import Shipment
    from schema.tracking import TrackingEvent

ClaimStatus = strawberry.enum(rules.ClaimStatus, name="ClaimStatus")


@strawberry.type(description="One step of a claim: who moved it, when, to which status, why")
class ClaimChange:
    previous_status: ClaimStatus | None
    status: ClaimStatus
    note: str | None
    occurred_at: dt.datetime
    _row: strawberry.Private[tables.ClaimChange]

    @classmethod
    def from_model(cls, row: tables.ClaimChange) -> ClaimChange:
        return cls(
            previous_status=row.previous_status,
            status=row.status,
            note=row.note,
            occurred_at=row.occurred_at,
            _row=row,
        )

    @strawberry.field
    async def by(self, info: Info) -> User | None:
        return await user_of(info, self._row.by_id)


@strawberry.type
class InsuranceClaim(Node):
    status: ClaimStatus
    description: str
    claimed: Money
    approved: Money | None
    insurer_reference: str | None
    reported_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    _row: strawberry.Private[tables.InsuranceClaim]

    @classmethod
    def from_model(cls, row: tables.InsuranceClaim) -> InsuranceClaim:
        claimed = money(row.claimed_amount, row.currency)
        assert claimed is not None  # NOT NULL columns
        return cls(
            id=strawberry.ID(to_global_id("InsuranceClaim", row.pk)),
            status=row.status,
            description=row.description,
            claimed=claimed,
            approved=money(row.approved_amount, row.currency),
            insurer_reference=row.insurer_reference,
            reported_at=row.reported_at,
            updated_at=row.updated_at,
            closed_at=row.closed_at,
            _row=row,
        )

    @strawberry.field
    async def shipment(
        self, info: Info
    ) -> Annotated[Shipment, strawberry.lazy("schema.shipments")]:
        from schema.shipments import Shipment

        row = await info.context.loaders.load(ShipmentRow, self._row.shipment_id)
        assert row is not None  # RESTRICT on delete
        return Shipment.from_model(row)

    @strawberry.field(description="The DAMAGED tracking event the claim is about, if any")
    async def damage_event(
        self, info: Info
    ) -> Annotated[TrackingEvent, strawberry.lazy("schema.tracking")] | None:
        from schema.tracking import TrackingEvent

        row = await info.context.loaders.load(TrackingEventRow, self._row.damage_event_id)
        return TrackingEvent.from_model(row) if row else None

    @strawberry.field(description="Who reported the claim")
    async def reported_by(self, info: Info) -> User | None:
        return await user_of(info, self._row.reported_by_id)

    @strawberry.field(description="The claim's documents the viewer may see, oldest first")
    async def documents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> DocumentConnection:
        loader = documents_of(info.context.loaders, info.context.require_viewer(), "claim_id")
        rows = await loader.load(self._row.id)
        return DocumentConnection.from_page(page_of(rows, first=first, after=after))

    @strawberry.field(description="Every status change, oldest first")
    async def history(self, info: Info) -> list[ClaimChange]:
        rows = await reads.changes_of(info.context.loaders).load(self._row.id)
        return [ClaimChange.from_model(row) for row in rows]
