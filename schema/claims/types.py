"""The InsuranceClaim type and its history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.claims import rules, tables
from models.claims.tables import InsuranceClaim as ClaimRow
from models.shipments.tables import Shipment as ShipmentRow
from models.shipments.tables import TrackingEvent as TrackingEventRow
from resolvers.claims import reads, writes
from resolvers.documents.reads import documents_of, page_of
from schema.accounts.types import User
from schema.base import Money, MoneyInput, Node, PageInfo, UserError, edges, page_info, run_payload
from schema.context import Info
from schema.convert import amount, money
from schema.documents.types import DocumentConnection, user_of
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher

if TYPE_CHECKING:
    from schema.shipments.tracking import TrackingEvent
    from schema.shipments.types import Shipment

ClaimStatus = rules.ClaimStatus
strawberry.enum(ClaimStatus, name="ClaimStatus")


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
    ) -> Annotated[Shipment, strawberry.lazy("schema.shipments.types")]:
        from schema.shipments.types import Shipment

        row = await info.context.loaders.load(ShipmentRow, self._row.shipment_id)
        assert row is not None  # RESTRICT on delete
        return Shipment.from_model(row)

    @strawberry.field(description="The DAMAGED tracking event the claim is about, if any")
    async def damage_event(
        self, info: Info
    ) -> Annotated[TrackingEvent, strawberry.lazy("schema.shipments.tracking")] | None:
        from schema.shipments.tracking import TrackingEvent

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


@strawberry.type
class InsuranceClaimEdge:
    node: InsuranceClaim
    cursor: str


@strawberry.type
class InsuranceClaimConnection:
    edges: list[InsuranceClaimEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class OpenInsuranceClaimInput:
    shipment_id: strawberry.ID
    description: str
    claimed: MoneyInput


@strawberry.type
class InsuranceClaimPayload:
    claim: InsuranceClaim | None = None
    errors: list[UserError]


@node_fetcher("InsuranceClaim")
async def _claim_node(info: Info, key: int) -> InsuranceClaim | None:
    row = await reads.claim(info.context.require_viewer(), key)
    return InsuranceClaim.from_model(row) if row else None


@strawberry.type
class ClaimsQuery:
    @strawberry.field
    async def insurance_claim(self, info: Info, id: strawberry.ID) -> InsuranceClaim | None:
        return await _claim_node(info, decode_id(id, "InsuranceClaim", ["id"]))

    @strawberry.field(description="The claims the viewer may see, newest first")
    async def insurance_claims(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[ClaimStatus] | None = None,
    ) -> InsuranceClaimConnection:
        page = await reads.claim_page(
            info.context.require_viewer(), first=first, after=after, statuses=status or ()
        )
        return InsuranceClaimConnection(
            edges=edges(page, InsuranceClaimEdge, InsuranceClaim.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


def _claim(row: ClaimRow) -> dict[str, object]:
    return {"claim": InsuranceClaim.from_model(row)}


@strawberry.type
class ClaimsMutation:
    @strawberry.mutation(
        description="The customer (or staff for it) reports damage or loss, also up to "
        "CARGOLIVE_CLAIM_WINDOW_DAYS after delivery; one open claim per shipment"
    )
    async def open_insurance_claim(
        self, info: Info, input: OpenInsuranceClaimInput
    ) -> InsuranceClaimPayload:
        async def action() -> dict[str, object]:
            claimed = amount(input.claimed)
            assert claimed is not None
            row = await writes.open_claim(
                viewer=info.context.viewer,
                shipment_id=decode_id(input.shipment_id, "Shipment", ["input", "shipmentId"]),
                description=input.description,
                claimed=claimed,
                window_days=info.context.settings.claim_window_days,
            )
            return _claim(row)

        return await run_payload(InsuranceClaimPayload, action)

    @strawberry.mutation(
        description="Back office: REPORTED → INSURER_NOTIFIED (insurerReference) → "
        "DOCUMENTS_REQUESTED ⇄ UNDER_ASSESSMENT → APPROVED (approved ≤ claimed) or REJECTED "
        "(note) → PAID (once)"
    )
    async def advance_insurance_claim(
        self,
        info: Info,
        claim_id: strawberry.ID,
        status: ClaimStatus,
        note: str | None = None,
        approved: MoneyInput | None = None,
        insurer_reference: str | None = None,
    ) -> InsuranceClaimPayload:
        async def action() -> dict[str, object]:
            row = await writes.advance_claim(
                viewer=info.context.viewer,
                claim_id=decode_id(claim_id, "InsuranceClaim", ["claimId"]),
                status=status,
                note=note,
                approved=amount(approved),
                insurer_reference=insurer_reference,
            )
            return _claim(row)

        return await run_payload(InsuranceClaimPayload, action)
