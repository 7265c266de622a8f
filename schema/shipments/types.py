"""Shipments and their vehicles: types, inputs, payloads, and the Query and Mutation parts."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.accounts.tables import Organization as OrganizationRow
from models.shipments import tables
from models.shipments.containers import Container as ContainerRow
from models.shipments.tables import ShipmentStatus as ShipmentStatusEnum
from resolvers.claims.reads import claims_of
from resolvers.disputes import reads as dispute_reads
from resolvers.documents.reads import documents_of, page_of
from resolvers.shipments import bookings as shipments
from resolvers.shipments import reads
from resolvers.shipments.events import shipment_topic
from schema.accounts.types import Organization
from schema.base import (
    Location,
    LocationInput,
    Money,
    MoneyInput,
    Node,
    PageInfo,
    UserError,
    edges,
    page_info,
    run_payload,
)
from schema.caching import records_topics
from schema.context import Info
from schema.convert import amount, location, money, place
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher

if TYPE_CHECKING:
    from schema.claims.types import InsuranceClaim
    from schema.disputes.types import Dispute
    from schema.documents.types import DocumentConnection
    from schema.shipments.containers import Container
    from schema.shipments.reassignments import CarrierReassignment
    from schema.shipments.tracking import TrackingEvent, TrackingEventConnection

ShipmentStatus = ShipmentStatusEnum
strawberry.enum(ShipmentStatus, name="ShipmentStatus")


@strawberry.type
class Vehicle(Node):
    vin: str
    make: str
    model: str
    year: int
    auction: str | None
    lot_number: str | None

    @classmethod
    def from_model(cls, row: tables.Vehicle) -> Vehicle:
        return cls(
            id=strawberry.ID(to_global_id("Vehicle", row.pk)),
            vin=row.vin,
            make=row.make,
            model=row.model,
            year=row.year,
            auction=row.auction,
            lot_number=row.lot_number,
        )


@strawberry.type(description="A destination change the dealer asked for, waiting for staff")
class DestinationChange:
    destination: Location
    reason: str

    @classmethod
    def pending_of(cls, row: tables.Shipment) -> DestinationChange | None:
        destination = location(row, "requested_destination")
        if destination is None or row.requested_destination_reason is None:
            return None
        return cls(destination=destination, reason=row.requested_destination_reason)


@strawberry.type
class Shipment(Node):
    is_type_of = records_topics("Shipment")  # the result cache learns what it read
    waybill: str = strawberry.field(
        description="Public tracking number: unguessable, printed on the waybill"
    )
    reference: str | None
    status: ShipmentStatus
    origin: Location
    destination: Location
    pickup_scheduled_at: dt.datetime | None = strawberry.field(
        description="When the pickup is planned, as things stand (the carrier may reschedule)"
    )
    pickup_designated_at: dt.datetime | None = strawberry.field(
        description="The customer's pickup time: the service level's reference (pickup within "
        "60 minutes of it). Moves only with the customer's agreement"
    )
    pickup_reschedule_reason: str | None = strawberry.field(
        description="Why the carrier planned the pickup away from the customer's time; null "
        "when the plan is the customer's time or the customer agreed"
    )
    pending_destination_change: DestinationChange | None = strawberry.field(
        description="Asked for with requestDestinationChange and not decided yet"
    )
    picked_up_at: dt.datetime | None
    accepted_at: dt.datetime | None
    eta: dt.datetime | None
    deposit: Money | None
    price: Money | None
    created_at: dt.datetime
    updated_at: dt.datetime
    _row: strawberry.Private[tables.Shipment]

    @classmethod
    def from_model(cls, row: tables.Shipment) -> Shipment:
        origin, destination = location(row, "origin"), location(row, "destination")
        assert origin is not None and destination is not None  # NOT NULL columns
        return cls(
            id=strawberry.ID(to_global_id("Shipment", row.pk)),
            waybill=row.waybill,
            reference=row.reference,
            status=row.status,
            origin=origin,
            destination=destination,
            pickup_scheduled_at=row.pickup_scheduled_at,
            pickup_designated_at=row.pickup_designated_at,
            pickup_reschedule_reason=row.pickup_reschedule_reason,
            pending_destination_change=DestinationChange.pending_of(row),
            picked_up_at=row.picked_up_at,
            accepted_at=row.accepted_at,
            eta=row.eta,
            deposit=money(row.deposit_amount, row.deposit_currency),
            price=money(row.price_amount, row.price_currency),
            created_at=row.created_at,
            updated_at=row.updated_at,
            _row=row,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Organization:
        row = await info.context.loaders.load(OrganizationRow, self._row.customer_id)
        assert row is not None  # RESTRICT on delete
        return Organization.from_model(row)

    @strawberry.field
    async def carrier(self, info: Info) -> Organization | None:
        row = await info.context.loaders.load(OrganizationRow, self._row.carrier_id)
        return Organization.from_model(row) if row else None

    @strawberry.field
    async def vehicles(self, info: Info) -> list[Vehicle]:
        rows = await reads.vehicles_of(info.context.loaders).load(self._row.id)
        return [Vehicle.from_model(row) for row in rows]

    @strawberry.field
    async def container(
        self, info: Info
    ) -> Annotated[Container, strawberry.lazy("schema.shipments.containers")] | None:
        from schema.shipments.containers import Container

        row = await info.context.loaders.load(ContainerRow, self._row.container_id)
        return Container.from_model(row) if row else None

    @strawberry.field
    async def events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Annotated[TrackingEventConnection, strawberry.lazy("schema.shipments.tracking")]:
        from schema.shipments.tracking import TrackingEventConnection

        topic, paging = shipment_topic(self._row.id), (first, after, last, before)
        return await TrackingEventConnection.of_topic(info, topic, self._row.id, *paging)

    @strawberry.field(
        description="Every tracking event in `occurredAt` order (ties in log order): late and "
        "out-of-order facts where they happened. Each keeps its log `cursor`; `events` pages "
        "the log itself"
    )
    async def timeline(
        self, info: Info
    ) -> list[Annotated[TrackingEvent, strawberry.lazy("schema.shipments.tracking")]]:
        from schema.shipments.tracking import TrackingEvent

        rows = await reads.timeline_of(info.context.loaders).load(shipment_topic(self._row.id).name)
        return [TrackingEvent.from_model(row, self._row.id) for row in rows]

    @strawberry.field(description="The latest proposal to move it off a blocked carrier")
    async def carrier_reassignment(
        self, info: Info
    ) -> Annotated[CarrierReassignment, strawberry.lazy("schema.shipments.reassignments")] | None:
        from schema.shipments.reassignments import CarrierReassignment

        row = await reads.reassignment_of(info.context.loaders).load(self._row.id)
        return CarrierReassignment.from_model(row) if row else None

    @strawberry.field
    async def disputes(
        self, info: Info
    ) -> list[Annotated[Dispute, strawberry.lazy("schema.disputes.types")]]:
        from schema.disputes.types import Dispute

        loader = dispute_reads.disputes_of(info.context.loaders, info.context.require_viewer())
        return [Dispute.from_model(row) for row in await loader.load(self._row.id)]

    @strawberry.field(description="The documents the viewer may see, oldest first")
    async def documents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[DocumentConnection, strawberry.lazy("schema.documents.types")]:
        from schema.documents.types import DocumentConnection

        viewer = info.context.require_viewer()
        rows = await documents_of(info.context.loaders, viewer, "shipment_id").load(self._row.id)
        return DocumentConnection.from_page(page_of(rows, first=first, after=after))

    @strawberry.field(description="Its insurance claims, newest first (none for a carrier)")
    async def insurance_claims(
        self, info: Info
    ) -> list[Annotated[InsuranceClaim, strawberry.lazy("schema.claims.types")]]:
        from schema.claims.types import InsuranceClaim

        loader = claims_of(info.context.loaders, info.context.require_viewer())
        return [InsuranceClaim.from_model(row) for row in await loader.load(self._row.id)]


@strawberry.type
class ShipmentEdge:
    node: Shipment
    cursor: str


@strawberry.type
class ShipmentConnection:
    edges: list[ShipmentEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class ShipmentFilter:
    status: list[ShipmentStatus] | None = None
    waybill: str | None = None
    container_id: strawberry.ID | None = None
    updated_after: dt.datetime | None = strawberry.field(
        default=None,
        description="Changed (updatedAt) at or after this time: what a dealer system polls for",
    )


@strawberry.enum(description="The order of a shipments list")
class ShipmentOrder(Enum):
    NEWEST_FIRST = "NEWEST_FIRST"
    UPDATED_AT_ASC = strawberry.enum_value(
        "UPDATED_AT_ASC",
        description="Oldest change first, by (updatedAt, id): a shipment changed while a "
        "client pages comes again at the end, so paging to the end misses no change",
    )


@strawberry.input
class VehicleInput:
    vin: str
    make: str
    model: str
    year: int
    auction: str | None = None
    lot_number: str | None = None


@strawberry.input
class CreateShipmentInput:
    reference: str | None = None
    origin: LocationInput
    destination: LocationInput
    vehicles: list[VehicleInput]
    deposit: MoneyInput | None = None
    price: MoneyInput | None = None
    pickup_scheduled_at: dt.datetime | None = None
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Staff only: the customer organization; defaults to the viewer's"
    )


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None = None
    errors: list[UserError]


def _vehicle(value: VehicleInput) -> shipments.VehicleSpec:
    return shipments.VehicleSpec(
        vin=value.vin,
        make=value.make,
        model=value.model,
        year=value.year,
        auction=value.auction,
        lot_number=value.lot_number,
    )


def _shipment(row: tables.Shipment) -> dict[str, object]:
    return {"shipment": Shipment.from_model(row)}


@node_fetcher("Shipment")
async def _shipment_node(info: Info, key: int) -> Shipment | None:
    row = await reads.shipment(info.context.require_viewer(), key)
    return Shipment.from_model(row) if row else None


@node_fetcher("Vehicle")
async def _vehicle_node(info: Info, key: int) -> Vehicle | None:
    row = await reads.vehicle(info.context.require_viewer(), key)
    return Vehicle.from_model(row) if row else None


@strawberry.type
class ShipmentsQuery:
    @strawberry.field
    async def shipment(self, info: Info, id: strawberry.ID) -> Shipment | None:
        key = decode_id(id, "Shipment", ["id"])
        row = await reads.shipment(info.context.require_viewer(), key)
        return Shipment.from_model(row) if row else None

    @strawberry.field
    async def shipments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ShipmentFilter | None = None,
        order_by: ShipmentOrder = ShipmentOrder.NEWEST_FIRST,
    ) -> ShipmentConnection:
        viewer = info.context.require_viewer()
        wanted = filter or ShipmentFilter()
        container_id = None
        if wanted.container_id is not None:
            container_id = decode_id(wanted.container_id, "Container", ["filter", "containerId"])
        page = await reads.shipment_page(
            viewer,
            first=first,
            after=after,
            last=last,
            before=before,
            statuses=wanted.status,
            waybill=wanted.waybill,
            container_id=container_id,
            updated_after=wanted.updated_after,
            by_update=order_by is ShipmentOrder.UPDATED_AT_ASC,
        )
        return ShipmentConnection(
            edges=edges(page, ShipmentEdge, Shipment.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.type
class ShipmentsMutation:
    @strawberry.mutation
    async def create_shipment(self, info: Info, input: CreateShipmentInput) -> ShipmentPayload:
        async def action() -> dict[str, object]:
            customer_id = None
            if input.customer_id is not None:
                customer_id = decode_id(input.customer_id, "Organization", ["input", "customerId"])
            row = await shipments.create_shipment(
                viewer=info.context.viewer,
                origin=place(input.origin),
                destination=place(input.destination),
                vehicles=[_vehicle(vehicle) for vehicle in input.vehicles],
                reference=input.reference,
                deposit=amount(input.deposit),
                price=amount(input.price),
                pickup_scheduled_at=input.pickup_scheduled_at,
                customer_id=customer_id,
            )
            return _shipment(row)

        return await run_payload(ShipmentPayload, action)

    @strawberry.mutation(description="Carrier takes a booked shipment: sets carrier and acceptedAt")
    async def accept_shipment(self, info: Info, id: strawberry.ID) -> ShipmentPayload:
        async def action() -> dict[str, object]:
            key = decode_id(id, "Shipment", ["id"])
            return _shipment(
                await shipments.accept_shipment(viewer=info.context.viewer, shipment_id=key)
            )

        return await run_payload(ShipmentPayload, action)
