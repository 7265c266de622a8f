"""Destination changes: the Mutation part (the dealer asks, staff decide)."""

from __future__ import annotations

import strawberry

from resolvers.shipments import amendments
from schema.base import LocationInput, run_payload
from schema.context import Info
from schema.convert import place
from schema.ids import decode_id
from schema.shipments.types import Shipment, ShipmentPayload


@strawberry.type
class AmendmentsMutation:
    @strawberry.mutation
    async def request_destination_change(
        self, info: Info, shipment_id: strawberry.ID, destination: LocationInput, reason: str
    ) -> ShipmentPayload:
        async def action() -> dict[str, object]:
            row = await amendments.request_destination_change(
                viewer=info.context.viewer,
                shipment_id=decode_id(shipment_id, "Shipment", ["shipmentId"]),
                destination=place(destination),
                reason=reason,
            )
            return {"shipment": Shipment.from_model(row)}

        return await run_payload(ShipmentPayload, action)

    @strawberry.mutation
    async def decide_destination_change(
        self, info: Info, shipment_id: strawberry.ID, approve: bool, note: str | None = None
    ) -> ShipmentPayload:
        async def action() -> dict[str, object]:
            row = await amendments.decide_destination_change(
                viewer=info.context.viewer,
                shipment_id=decode_id(shipment_id, "Shipment", ["shipmentId"]),
                approve=approve,
                note=note,
            )
            return {"shipment": Shipment.from_model(row)}

        return await run_payload(ShipmentPayload, action)
