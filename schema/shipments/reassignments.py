"""A blocked carrier's shipment moved to another carrier or back on offer, with consent."""

from __future__ import annotations

import datetime as dt

import strawberry

from models.accounts.tables import Organization as OrganizationRow
from models.shipments import reassignments as tables
from models.shipments.reassignments import ReassignmentStatus as ReassignmentStatusEnum
from resolvers.shipments import reassignments
from schema.accounts.types import Organization
from schema.base import UserError, run_payload
from schema.context import Info
from schema.ids import decode_id

ReassignmentStatus = ReassignmentStatusEnum
strawberry.enum(ReassignmentStatus, name="ReassignmentStatus")


@strawberry.type(
    description="Support's proposal to move a blocked carrier's shipment, and the customer's answer"
)
class CarrierReassignment:
    reason: str
    status: ReassignmentStatus
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    _row: strawberry.Private[tables.CarrierReassignment]

    @classmethod
    def from_model(cls, row: tables.CarrierReassignment) -> CarrierReassignment:
        return cls(
            reason=row.reason,
            status=row.status,
            proposed_at=row.proposed_at,
            decided_at=row.decided_at,
            _row=row,
        )

    @strawberry.field(description="Null: back to the open offers, for any carrier to accept")
    async def to_carrier(self, info: Info) -> Organization | None:
        row = await info.context.loaders.load(OrganizationRow, self._row.to_carrier_id)
        return Organization.from_model(row) if row else None


@strawberry.type
class CarrierReassignmentPayload:
    reassignment: CarrierReassignment | None = None
    errors: list[UserError]


def _payload(row: tables.CarrierReassignment) -> dict[str, object]:
    return {"reassignment": CarrierReassignment.from_model(row)}


@strawberry.type
class ReassignmentsMutation:
    @strawberry.mutation(
        description="ADMIN: propose to move a blocked carrier's live shipment to another "
        "carrier (toCarrierId) or back to the open offers (before the pickup only); the "
        "customer consents or declines"
    )
    async def propose_carrier_reassignment(
        self,
        info: Info,
        shipment_id: strawberry.ID,
        reason: str,
        to_carrier_id: strawberry.ID | None = None,
    ) -> CarrierReassignmentPayload:
        async def action() -> dict[str, object]:
            to = None
            if to_carrier_id is not None:
                to = decode_id(to_carrier_id, "Organization", ["toCarrierId"])
            row = await reassignments.propose_reassignment(
                viewer=info.context.viewer,
                shipment_id=decode_id(shipment_id, "Shipment", ["shipmentId"]),
                to_carrier_id=to,
                reason=reason,
            )
            return _payload(row)

        return await run_payload(CarrierReassignmentPayload, action)

    @strawberry.mutation(description="The customer's answer to a proposed reassignment")
    async def respond_to_carrier_reassignment(
        self, info: Info, shipment_id: strawberry.ID, consent: bool
    ) -> CarrierReassignmentPayload:
        async def action() -> dict[str, object]:
            row = await reassignments.respond_to_reassignment(
                viewer=info.context.viewer,
                shipment_id=decode_id(shipment_id, "Shipment", ["shipmentId"]),
                consent=consent,
            )
            return _payload(row)

        return await run_payload(CarrierReassignmentPayload, action)
