"""Tracking events, their connections, the public waybill view, and recording an event."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.enums import ErrorCode
from models.shipments import tables
from models.shipments.containers import Container as ContainerRow
from models.shipments.tables import EventClassifier as EventClassifierEnum
from models.shipments.tables import TrackingEventType as TrackingEventTypeEnum
from resolvers.errors import DomainError
from resolvers.pagination import SeqPage, encode_cursor
from resolvers.shipments import reads, tracking
from schema.base import Location, LocationInput, Node, PageInfo, UserError, page_info, run_payload
from schema.caching import records_topics
from schema.context import Info
from schema.convert import location, optional_place
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher
from schema.shipments.types import Shipment, ShipmentStatus
from subscriptions.topics import Topic

if TYPE_CHECKING:
    from schema.shipments.containers import Container, PublicLoading

TrackingEventType = TrackingEventTypeEnum
strawberry.enum(
    TrackingEventType,
    name="TrackingEventType",
    description="DCSA Track & Trace names where DCSA has one",
)
EventClassifier = EventClassifierEnum
strawberry.enum(EventClassifier, name="EventClassifier")


def status_after(row: tables.TrackingEvent, shipment_id: int | None) -> ShipmentStatus | None:
    value = (row.statuses_after or {}).get(str(shipment_id)) if shipment_id else None
    return ShipmentStatus(value) if value else None


def _cursor(row: tables.TrackingEvent) -> str:
    assert row.seq is not None  # set in the transaction that wrote the row
    return encode_cursor(row.seq)


@strawberry.type
class TrackingEvent(Node):
    cursor: str
    type: TrackingEventType
    classifier: EventClassifier
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    location: Location | None
    description: str | None
    late: bool = strawberry.field(
        description="An ACTUAL milestone behind where the shipment already was: recorded as a "
        "fact, the status unchanged"
    )
    _row: strawberry.Private[tables.TrackingEvent]
    # The shipment it is read for: its own, or the one whose events list or stream carried a
    # container's event there (None: a container's event read through the container or by id).
    _shipment_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: tables.TrackingEvent, shipment_id: int | None = None) -> TrackingEvent:
        return cls(
            id=strawberry.ID(to_global_id("TrackingEvent", row.pk)),
            cursor=_cursor(row),
            type=row.type,
            classifier=row.classifier,
            occurred_at=row.occurred_at,
            recorded_at=row.recorded_at,
            location=location(row, "location"),
            description=row.description,
            late=row.late,
            _row=row,
            _shipment_id=row.shipment_id or shipment_id,
        )

    @strawberry.field(
        description="The shipment it concerns; for a container's event, the shipment whose "
        "events or stream it was read in (null through the container itself)"
    )
    async def shipment(self, info: Info) -> Shipment | None:
        if self._shipment_id is None:
            return None
        loader = reads.visible_shipment(info.context.loaders, info.context.require_viewer())
        row = await loader.load(self._shipment_id)
        return Shipment.from_model(row) if row else None

    @strawberry.field(
        description="The status `shipment` had right after this event, as it was recorded: "
        "a replay draws the history, not today's status (null without a shipment, and for "
        "events older than this field whose status was no longer known)"
    )
    def status_after(self) -> ShipmentStatus | None:
        return status_after(self._row, self._shipment_id)

    @strawberry.field
    async def container(
        self, info: Info
    ) -> Annotated[Container, strawberry.lazy("schema.shipments.containers")] | None:
        from schema.shipments.containers import Container

        # The event was reached through its container or a shipment inside: both show it.
        row = await info.context.loaders.load(ContainerRow, self._row.container_id)
        return Container.from_model(row) if row else None


@strawberry.type
class TrackingEventEdge:
    node: TrackingEvent
    cursor: str


@strawberry.type
class TrackingEventConnection:
    edges: list[TrackingEventEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    async def of_topic(
        cls,
        info: Info,
        topic: Topic,
        shipment_id: int | None,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> TrackingEventConnection:
        """A page of the events of a shipment's or a container's topic, read for the shipment
        (None: for the container itself)."""
        page = await reads.events_page(
            info.context.loaders, topic, first=first, after=after, last=last, before=before
        )
        return cls.from_page(page, shipment_id)

    @classmethod
    def from_page(
        cls, page: SeqPage[tables.TrackingEvent], shipment_id: int | None = None
    ) -> TrackingEventConnection:
        return cls(
            edges=[
                TrackingEventEdge(
                    node=TrackingEvent.from_model(row, shipment_id), cursor=_cursor(row)
                )
                for row in page.items
            ],
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.input
class RecordTrackingEventInput:
    shipment_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Exactly one of shipmentId and containerId; an event on a container "
        "applies to every shipment in it",
    )
    container_id: strawberry.ID | None = None
    type: TrackingEventType
    classifier: EventClassifier | None = EventClassifierEnum.ACTUAL
    occurred_at: dt.datetime | None = None
    location: LocationInput | None = None
    description: str | None = None


@strawberry.type
class TrackingEventPayload:
    event: TrackingEvent | None = None
    errors: list[UserError]


@strawberry.type(description="What anyone holding a waybill number may see: no names, no money")
class PublicTrackingEvent:
    cursor: str
    type: TrackingEventType
    classifier: EventClassifier
    occurred_at: dt.datetime
    location: Location | None
    late: bool = strawberry.field(description="Reported after a later milestone")
    status_after: ShipmentStatus | None = strawberry.field(
        description="The shipment's status right after this event (null when not known)"
    )

    @classmethod
    def from_model(cls, row: tables.TrackingEvent, shipment_id: int) -> PublicTrackingEvent:
        return cls(
            cursor=_cursor(row),
            type=row.type,
            classifier=row.classifier,
            occurred_at=row.occurred_at,
            location=location(row, "location"),
            late=row.late,
            status_after=status_after(row, shipment_id),
        )


@strawberry.type
class PublicTracking:
    is_type_of = records_topics("PublicTracking")  # the result cache learns what it read
    waybill: str
    status: ShipmentStatus
    origin: Location
    destination: Location
    eta: dt.datetime | None
    events: list[PublicTrackingEvent] = strawberry.field(
        description="In `occurredAt` order, ties in log order; each keeps its log `cursor`"
    )
    _container_id: strawberry.Private[int | None]
    _shipment_id: strawberry.Private[int]

    @strawberry.field(description="The loading of the container carrying it; null before one")
    async def loading(
        self, info: Info
    ) -> Annotated[PublicLoading, strawberry.lazy("schema.shipments.containers")] | None:
        from schema.shipments.containers import PublicLoading

        row = await info.context.loaders.load(ContainerRow, self._container_id)
        return PublicLoading.from_model(row) if row else None

    @classmethod
    def from_view(cls, view: tracking.PublicTracking) -> PublicTracking:
        row = view.shipment
        origin, destination = location(row, "origin"), location(row, "destination")
        assert origin is not None and destination is not None  # NOT NULL columns
        return cls(
            waybill=row.waybill,
            status=row.status,
            origin=origin,
            destination=destination,
            eta=row.eta,
            events=[PublicTrackingEvent.from_model(event, row.id) for event in view.events],
            _container_id=row.container_id,
            _shipment_id=row.id,
        )


@node_fetcher("TrackingEvent")
async def _tracking_event_node(info: Info, key: int) -> TrackingEvent | None:
    row = await reads.tracking_event(info.context.require_viewer(), key)
    return TrackingEvent.from_model(row) if row else None


@strawberry.type
class TrackingQuery:
    @strawberry.field(description="Anonymous callers allowed; unknown waybill gives null")
    async def track_waybill(self, info: Info, waybill: str) -> PublicTracking | None:
        allow = info.context.allow
        if allow is not None and not await allow("waybill"):
            raise DomainError(
                ErrorCode.LIMIT_EXCEEDED, "too many waybill look-ups: wait a minute", ["waybill"]
            )
        view = await tracking.public_tracking(waybill)
        return PublicTracking.from_view(view) if view else None


@strawberry.type
class TrackingMutation:
    @strawberry.mutation
    async def record_tracking_event(
        self, info: Info, input: RecordTrackingEventInput
    ) -> TrackingEventPayload:
        async def action() -> dict[str, object]:
            shipment_id = container_id = None
            if input.shipment_id is not None:
                shipment_id = decode_id(input.shipment_id, "Shipment", ["input", "shipmentId"])
            if input.container_id is not None:
                container_id = decode_id(input.container_id, "Container", ["input", "containerId"])
            row = await tracking.record_tracking_event(
                viewer=info.context.viewer,
                event=input.type,
                shipment_id=shipment_id,
                container_id=container_id,
                classifier=input.classifier or EventClassifierEnum.ACTUAL,
                occurred_at=input.occurred_at,
                location=optional_place(input.location),
                description=input.description,
            )
            return {"event": TrackingEvent.from_model(row)}

        return await run_payload(TrackingEventPayload, action)
