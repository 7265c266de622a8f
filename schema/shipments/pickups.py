"""The pickup: the customer's time, the carrier's plan, and the customer's agreement."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.shipments import pickups
from schema.base import run_payload
from schema.context import Info
from schema.ids import decode_id
from schema.shipments.types import ShipmentPayload, _shipment


@strawberry.type
class PickupsMutation:
    @strawberry.mutation(
        description="The customer designates the pickup time; the carrier or dispatch plans it, "
        "away from the customer's time only with a `reason` the customer reads (the service "
        "level still counts from the customer's time)"
    )
    async def schedule_pickup(
        self, info: Info, id: strawberry.ID, at: dt.datetime, reason: str | None = None
    ) -> ShipmentPayload:
        async def action() -> dict[str, object]:
            key = decode_id(id, "Shipment", ["id"])
            row = await pickups.schedule_pickup(
                viewer=info.context.viewer, shipment_id=key, at=at, reason=reason
            )
            return _shipment(row)

        return await run_payload(ShipmentPayload, action)

    @strawberry.mutation(
        description="The customer agrees to the carrier's rescheduled pickup time: the service "
        "level counts from it from now on"
    )
    async def agree_to_pickup_time(self, info: Info, id: strawberry.ID) -> ShipmentPayload:
        async def action() -> dict[str, object]:
            key = decode_id(id, "Shipment", ["id"])
            row = await pickups.agree_to_pickup_time(viewer=info.context.viewer, shipment_id=key)
            return _shipment(row)

        return await run_payload(ShipmentPayload, action)
