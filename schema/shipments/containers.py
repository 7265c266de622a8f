"""Containers: types, inputs, payloads, and the Query and Mutation parts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from models.accounts.tables import User as UserRow
from models.shipments import containers as tables
from models.shipments.containers import ContainerType as ContainerTypeEnum
from models.shipments.containers import LoadingStatus as LoadingStatusEnum
from resolvers.shipments import containers, loading, reads
from resolvers.shipments.events import container_topic
from schema.accounts.types import User
from schema.base import (
    Location,
    LocationInput,
    Node,
    PageInfo,
    UserError,
    edges,
    page_info,
    run_payload,
)
from schema.caching import records_topics
from schema.context import Info
from schema.convert import location, optional_place
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher
from schema.shipments.tracking import TrackingEventConnection
from schema.shipments.types import Shipment

ContainerType = ContainerTypeEnum
strawberry.enum(ContainerType, name="ContainerType")
LoadingStatus = LoadingStatusEnum
strawberry.enum(LoadingStatus, name="LoadingStatus")


@strawberry.type(
    description="How full the container carrying a shipment is, as anyone with its waybill "
    "sees it: no container number, no other shipments, no names"
)
class PublicLoading:
    loading_status: LoadingStatus
    loaded_vehicles: int
    vehicle_capacity: int

    @classmethod
    def from_model(cls, row: tables.Container) -> PublicLoading:
        return cls(
            loading_status=row.loading_status,
            loaded_vehicles=row.loaded_vehicles,
            vehicle_capacity=row.vehicle_capacity,
        )


@strawberry.type
class Container(Node):
    is_type_of = records_topics("Container")  # the result cache learns what it read
    number: str = strawberry.field(description="ISO 6346, check digit verified, e.g. CSQU3054383")
    type: ContainerType
    loading_status: LoadingStatus
    seal_number: str | None
    vehicle_capacity: int
    loaded_vehicles: int
    vessel_name: str | None
    voyage: str | None
    bill_of_lading: str | None
    port_of_loading: Location | None
    port_of_discharge: Location | None
    stuffing_confirmed_at: dt.datetime | None = strawberry.field(
        description="When the warehouse confirmed the stuffing (001 B: the same day)"
    )
    _row: strawberry.Private[tables.Container]

    @classmethod
    def from_model(cls, row: tables.Container) -> Container:
        return cls(
            id=strawberry.ID(to_global_id("Container", row.pk)),
            number=row.number,
            type=row.type,
            loading_status=row.loading_status,
            seal_number=row.seal_number,
            vehicle_capacity=row.vehicle_capacity,
            loaded_vehicles=row.loaded_vehicles,
            vessel_name=row.vessel_name,
            voyage=row.voyage,
            bill_of_lading=row.bill_of_lading,
            port_of_loading=location(row, "port_of_loading"),
            port_of_discharge=location(row, "port_of_discharge"),
            stuffing_confirmed_at=row.stuffed_confirmed_at,
            _row=row,
        )

    @strawberry.field(description="Who confirmed the stuffing (001 B: written confirmation)")
    async def stuffing_confirmed_by(self, info: Info) -> User | None:
        row = await info.context.loaders.load(UserRow, self._row.stuffed_confirmed_by_id)
        return User.from_model(row) if row else None

    @strawberry.field(description="Only the shipments the viewer may see")
    async def shipments(self, info: Info) -> list[Shipment]:
        loader = reads.shipments_in(info.context.loaders, info.context.require_viewer())
        return [Shipment.from_model(row) for row in await loader.load(self._row.id)]

    @strawberry.field
    async def events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> TrackingEventConnection:
        topic, paging = container_topic(self._row.id), (first, after, last, before)
        return await TrackingEventConnection.of_topic(info, topic, None, *paging)


@strawberry.type
class ContainerEdge:
    node: Container
    cursor: str


@strawberry.type
class ContainerConnection:
    edges: list[ContainerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class ContainerFilter:
    loading_status: list[LoadingStatus] | None = None
    number: str | None = None


@strawberry.input
class CreateContainerInput:
    number: str
    type: ContainerType
    vehicle_capacity: int
    vessel_name: str | None = None
    voyage: str | None = None
    bill_of_lading: str | None = None
    port_of_loading: LocationInput | None = None
    port_of_discharge: LocationInput | None = None


@strawberry.type
class ContainerPayload:
    container: Container | None = None
    errors: list[UserError]


def _container(row: tables.Container) -> dict[str, object]:
    return {"container": Container.from_model(row)}


@node_fetcher("Container")
async def _container_node(info: Info, key: int) -> Container | None:
    row = await reads.container(info.context.require_viewer(), key)
    return Container.from_model(row) if row else None


@strawberry.type
class ContainersQuery:
    @strawberry.field
    async def container(self, info: Info, id: strawberry.ID) -> Container | None:
        key = decode_id(id, "Container", ["id"])
        row = await reads.container(info.context.require_viewer(), key)
        return Container.from_model(row) if row else None

    @strawberry.field
    async def containers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: ContainerFilter | None = None,
    ) -> ContainerConnection:
        wanted = filter or ContainerFilter()
        page = await reads.container_page(
            info.context.require_viewer(),
            first=first,
            after=after,
            statuses=wanted.loading_status,
            number=wanted.number,
        )
        return ContainerConnection(
            edges=edges(page, ContainerEdge, Container.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.type
class ContainersMutation:
    @strawberry.mutation
    async def create_container(self, info: Info, input: CreateContainerInput) -> ContainerPayload:
        async def action() -> dict[str, object]:
            row = await containers.create_container(
                viewer=info.context.viewer,
                number=input.number,
                kind=input.type,
                vehicle_capacity=input.vehicle_capacity,
                vessel_name=input.vessel_name,
                voyage=input.voyage,
                bill_of_lading=input.bill_of_lading,
                port_of_loading=optional_place(input.port_of_loading),
                port_of_discharge=optional_place(input.port_of_discharge),
            )
            return _container(row)

        return await run_payload(ContainerPayload, action)

    @strawberry.mutation
    async def assign_to_container(
        self, info: Info, shipment_id: strawberry.ID, container_id: strawberry.ID
    ) -> ContainerPayload:
        async def action() -> dict[str, object]:
            row = await containers.assign_to_container(
                viewer=info.context.viewer,
                shipment_id=decode_id(shipment_id, "Shipment", ["shipmentId"]),
                container_id=decode_id(container_id, "Container", ["containerId"]),
            )
            return _container(row)

        return await run_payload(ContainerPayload, action)

    @strawberry.mutation
    async def update_loading_status(
        self,
        info: Info,
        container_id: strawberry.ID,
        status: LoadingStatus,
        loaded_vehicles: int | None = None,
        seal_number: str | None = None,
        occurred_at: Annotated[
            dt.datetime | None,
            strawberry.argument(
                description="When the step happened (default: now); a stuffing confirmed on a "
                "later day raises STUFFING_CONFIRMED_LATE"
            ),
        ] = None,
    ) -> ContainerPayload:
        async def action() -> dict[str, object]:
            row = await loading.update_loading_status(
                viewer=info.context.viewer,
                container_id=decode_id(container_id, "Container", ["containerId"]),
                status=status,
                loaded_vehicles=loaded_vehicles,
                seal_number=seal_number,
                occurred_at=occurred_at,
                zone=info.context.settings.zone,
            )
            return _container(row)

        return await run_payload(ContainerPayload, action)
