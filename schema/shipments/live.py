"""The Subscription root: live tracking of a shipment, a container's loading, a waybill."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from models.enums import ErrorCode
from models.events import Event, EventKind
from models.shipments.containers import Container as ContainerRow
from models.shipments.containers import LoadingChange
from models.shipments.tables import Shipment as ShipmentRow
from models.shipments.tables import TrackingEvent as TrackingEventRow
from resolvers.errors import DomainError
from resolvers.pagination import encode_cursor
from resolvers.shipments import tracking
from resolvers.shipments.access import find_container, find_shipment
from resolvers.shipments.events import container_topic, shipment_topic
from schema.context import Context, Info
from schema.disputes.live import DisputeUpdate, open_dispute_updates
from schema.ids import decode_id
from schema.shipments.containers import Container, LoadingStatus
from schema.shipments.tracking import PublicTrackingEvent, TrackingEvent
from schema.streams import Stream, audience_check, cursor_seq, iterate, scope_of, stream

TRACKING = frozenset({EventKind.TRACKING})
LOADING = frozenset({EventKind.LOADING})


@strawberry.type
class ContainerUpdate:
    cursor: str
    container: Container
    previous_status: LoadingStatus | None
    loading_status: LoadingStatus
    loaded_vehicles: int
    occurred_at: dt.datetime


async def _tracking_event(event: Event) -> TrackingEvent | None:
    row = await TrackingEventRow.get_or_none(id=event.subject_id)
    return TrackingEvent.from_model(row) if row else None


async def _public_event(event: Event) -> PublicTrackingEvent | None:
    row = await TrackingEventRow.get_or_none(id=event.subject_id)
    return PublicTrackingEvent.from_model(row) if row else None


async def _container_update(event: Event) -> ContainerUpdate | None:
    change = await LoadingChange.get_or_none(id=event.subject_id)
    if change is None:
        return None
    container = await ContainerRow.get(id=change.container_id)
    return ContainerUpdate(
        cursor=encode_cursor(event.seq),
        container=Container.from_model(container),
        previous_status=change.previous_status,
        loading_status=change.status,
        loaded_vehicles=change.loaded_vehicles,
        occurred_at=change.occurred_at,
    )


@stream("shipmentTracking")
async def open_shipment_tracking(context: Context, arguments: dict[str, Any]) -> Stream:
    viewer = context.require_viewer()
    key = decode_id(arguments["shipmentId"], "Shipment", ["shipmentId"])
    await find_shipment(viewer, key, ["shipmentId"])
    return Stream(
        topic=shipment_topic(key),
        kinds=TRACKING,
        scope=scope_of(viewer),
        visible=audience_check(viewer),
        load=_tracking_event,
        after=cursor_seq(arguments.get("after")),
    )


@stream("containerLoading")
async def open_container_loading(context: Context, arguments: dict[str, Any]) -> Stream:
    viewer = context.require_viewer()
    key = decode_id(arguments["containerId"], "Container", ["containerId"])
    await find_container(viewer, key, ["containerId"])
    return Stream(
        topic=container_topic(key),
        kinds=LOADING,
        scope=scope_of(viewer),
        visible=audience_check(viewer),
        load=_container_update,
        after=cursor_seq(arguments.get("after")),
    )


@stream("waybillTracking")
async def open_waybill_tracking(context: Context, arguments: dict[str, Any]) -> Stream:
    if context.allow is not None and not await context.allow("waybill"):
        raise DomainError(
            ErrorCode.LIMIT_EXCEEDED, "too many waybill look-ups: wait a minute", ["waybill"]
        )
    number = tracking.normal_waybill(arguments["waybill"])
    shipment = await ShipmentRow.get_or_none(waybill=number)
    if shipment is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no shipment has this waybill", ["waybill"])
    return Stream(
        topic=shipment_topic(shipment.id),
        kinds=TRACKING,
        scope="public",  # the public view is the same for everyone: one rendering for all
        visible=audience_check(None, public=True),
        load=_public_event,
        after=cursor_seq(arguments.get("after")),
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every tracking event of one shipment, its container's included"
    )
    async def shipment_tracking(
        self, info: Info, shipment_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[TrackingEvent, None]:
        opened = await open_shipment_tracking(
            info.context, {"shipmentId": shipment_id, "after": after}
        )
        async for event in iterate(opened):
            yield event

    @strawberry.subscription(description="Every loading-status change of one container")
    async def container_loading(
        self, info: Info, container_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[ContainerUpdate, None]:
        opened = await open_container_loading(
            info.context, {"containerId": container_id, "after": after}
        )
        async for update in iterate(opened):
            yield update

    @strawberry.subscription(description="Anonymous: the public view of one waybill's events")
    async def waybill_tracking(
        self, info: Info, waybill: str, after: str | None = None
    ) -> AsyncGenerator[PublicTrackingEvent, None]:
        opened = await open_waybill_tracking(info.context, {"waybill": waybill, "after": after})
        async for event in iterate(opened):
            yield event

    @strawberry.subscription
    async def dispute_updates(
        self, info: Info, dispute_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[DisputeUpdate, None]:
        opened = await open_dispute_updates(info.context, {"disputeId": dispute_id, "after": after})
        async for update in iterate(opened):
            yield update
