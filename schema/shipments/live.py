"""Live tracking of a shipment, a container's loading and a waybill: the Subscription fields
and the streams they follow (subscriptions/streams.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import replace
from typing import Any

import strawberry

from models.enums import ErrorCode
from models.events import Event, EventKind
from models.shipments.tables import TrackingEvent as TrackingEventRow
from resolvers.errors import DomainError
from resolvers.pagination import encode_cursor, seq_after
from resolvers.shipments import reads, tracking
from resolvers.shipments.access import find_container, find_shipment
from resolvers.shipments.events import container_topic, shipment_topic
from schema.context import Info
from schema.ids import decode_id
from schema.shipments.containers import Container, LoadingStatus
from schema.shipments.tracking import PublicTrackingEvent, TrackingEvent
from subscriptions.log import visible_to
from subscriptions.streams import Caller, Load, Opened, Stream, register, subscribe

TRACKING = frozenset({EventKind.TRACKING})


@strawberry.type
class ContainerUpdate:
    cursor: str
    container: Container
    previous_status: LoadingStatus | None
    loading_status: LoadingStatus
    loaded_vehicles: int
    occurred_at: dt.datetime


async def _container_update(event: Event) -> ContainerUpdate | None:
    rows = await reads.loading_change_of(event)
    if rows is None:
        return None
    change, container = rows
    return ContainerUpdate(
        cursor=encode_cursor(event.seq),
        container=Container.from_model(container),
        previous_status=change.previous_status,
        loading_status=change.status,
        loaded_vehicles=change.loaded_vehicles,
        occurred_at=change.occurred_at,
    )


def _for_shipment(shipment_id: int, present: Callable[[TrackingEventRow, int], Any]) -> Load:
    """A tracking stream's roots as one shipment sees them: a container's event carries that
    shipment and the status it left it in (each shipment's stream its own root)."""

    async def load(event: Event) -> Any:
        row = await reads.tracking_event_of(event)
        return None if row is None else present(row, shipment_id)

    return load


async def _per_shipment(event: Event) -> Any:
    raise AssertionError("a tracking stream is opened with its shipment's load (_for_shipment)")


async def _open_shipment_tracking(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    key = decode_id(arguments["shipmentId"], "Shipment", ["shipmentId"])
    await find_shipment(viewer, key, ["shipmentId"])
    opened = Opened.of(viewer, shipment_topic(key), after=seq_after(arguments.get("after")))
    return replace(opened, load=_for_shipment(key, TrackingEvent.from_model), load_key=key)


async def _open_container_loading(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    key = decode_id(arguments["containerId"], "Container", ["containerId"])
    await find_container(viewer, key, ["containerId"])
    return Opened.of(viewer, container_topic(key), after=seq_after(arguments.get("after")))


async def _open_waybill_tracking(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    if caller.allow is not None and not await caller.allow("waybill"):
        raise DomainError(
            ErrorCode.LIMIT_EXCEEDED, "too many waybill look-ups: wait a minute", ["waybill"]
        )
    shipment = await tracking.shipment_by_waybill(arguments["waybill"], ["waybill"])
    return Opened(
        topic=shipment_topic(shipment.id),
        scope="public",  # the public view is the same for everyone: one rendering for all
        visible=visible_to(None, public=True),
        after=seq_after(arguments.get("after")),
        load=_for_shipment(shipment.id, PublicTrackingEvent.from_model),
        load_key=shipment.id,
    )


SHIPMENT_TRACKING = register(
    Stream(
        name="shipmentTracking",
        kinds=TRACKING,
        open=_open_shipment_tracking,
        load=_per_shipment,
    )
)
CONTAINER_LOADING = register(
    Stream(
        name="containerLoading",
        kinds=frozenset({EventKind.LOADING}),
        open=_open_container_loading,
        load=_container_update,
    )
)
WAYBILL_TRACKING = register(
    Stream(
        name="waybillTracking",
        kinds=TRACKING,
        open=_open_waybill_tracking,
        load=_per_shipment,
    )
)


@strawberry.type
class ShipmentsSubscription:
    @strawberry.subscription(
        description="Every tracking event of one shipment, its container's included"
    )
    async def shipment_tracking(
        self, info: Info, shipment_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[TrackingEvent, None]:
        arguments = {"shipmentId": shipment_id, "after": after}
        async for event in subscribe(SHIPMENT_TRACKING, info.context, arguments):
            yield event

    @strawberry.subscription(description="Every loading-status change of one container")
    async def container_loading(
        self, info: Info, container_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[ContainerUpdate, None]:
        arguments = {"containerId": container_id, "after": after}
        async for update in subscribe(CONTAINER_LOADING, info.context, arguments):
            yield update

    @strawberry.subscription(description="Anonymous: the public view of one waybill's events")
    async def waybill_tracking(
        self, info: Info, waybill: str, after: str | None = None
    ) -> AsyncGenerator[PublicTrackingEvent, None]:
        arguments = {"waybill": waybill, "after": after}
        async for event in subscribe(WAYBILL_TRACKING, info.context, arguments):
            yield event
