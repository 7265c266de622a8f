"""Reads of shipments, containers, vehicles and tracking events, always through visibility:
pages, and the DataLoaders of their relations (one query per relation per request).

Each loader lives in the request's Loaders registry, under a name that includes what changes
its answers (the viewer, the page asked for), so that a cache is never shared across them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from strawberry.dataloader import DataLoader
from tortoise.queryset import QuerySet

from models import sql, validators
from models.events import Event
from models.shipments.containers import Container, LoadingChange, LoadingStatus
from models.shipments.reassignments import CarrierReassignment
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent, Vehicle
from models.validators import MAX_SEQ
from models.viewer import Viewer
from resolvers.loaders import Loaders, group_rows
from resolvers.pagination import (
    Page,
    SeqPage,
    Window,
    keyset_page,
    seq_pages,
    seq_pages_sql,
    updated_page,
    window,
)
from resolvers.shipments.access import (
    visible_containers,
    visible_shipments,
    visible_tracking_events,
    visible_vehicles,
)
from subscriptions.topics import Topic


def _nothing(queryset: QuerySet) -> QuerySet:
    return queryset.filter(id__in=[])


async def shipment_page(
    viewer: Viewer,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    statuses: Sequence[ShipmentStatus] | None = None,
    waybill: str | None = None,
    container_id: int | None = None,
    updated_after: dt.datetime | None = None,
    by_update: bool = False,
) -> Page[Shipment]:
    """Newest first, or (`by_update`) oldest change first, the order that resynchronises a
    client. A mistyped waybill simply matches nothing here (only trackWaybill says so)."""
    queryset = visible_shipments(viewer)
    if statuses:
        queryset = queryset.filter(status__in=list(statuses))
    if waybill is not None:
        try:
            queryset = queryset.filter(waybill=validators.waybill(waybill))
        except validators.WaybillTypo:
            queryset = _nothing(queryset)
    if container_id is not None:
        queryset = queryset.filter(container_id=container_id)
    if updated_after is not None:
        queryset = queryset.filter(updated_at__gte=updated_after)
    pages = updated_page if by_update else keyset_page
    return await pages(queryset, first=first, after=after, last=last, before=before)


async def container_page(
    viewer: Viewer,
    *,
    first: int | None,
    after: str | None,
    statuses: Sequence[LoadingStatus] | None = None,
    number: str | None = None,
) -> Page[Container]:
    queryset = visible_containers(viewer)
    if statuses:
        queryset = queryset.filter(loading_status__in=list(statuses))
    if number is not None:
        try:
            queryset = queryset.filter(number=validators.container_number(number))
        except ValueError:
            queryset = _nothing(queryset)
    return await keyset_page(queryset, first=first, after=after)


async def shipment(viewer: Viewer, key: int) -> Shipment | None:
    return await visible_shipments(viewer).get_or_none(id=key)


async def container(viewer: Viewer, key: int) -> Container | None:
    return await visible_containers(viewer).get_or_none(id=key)


async def vehicle(viewer: Viewer, key: int) -> Vehicle | None:
    return await visible_vehicles(viewer).get_or_none(id=key)


async def tracking_event(viewer: Viewer, key: int) -> TrackingEvent | None:
    return await visible_tracking_events(viewer).get_or_none(id=key)


def vehicles_of(loaders: Loaders) -> DataLoader[int, list[Vehicle]]:
    """A shipment's vehicles, by shipment id (seeing the shipment is seeing its vehicles)."""

    async def batch(ids: Sequence[int]) -> list[list[Vehicle]]:
        rows = await Vehicle.filter(shipment_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "shipment_id")

    return loaders.get("vehicles_of", batch)


def shipments_in(loaders: Loaders, viewer: Viewer) -> DataLoader[int, list[Shipment]]:
    """The shipments of a container that this viewer may see, by container id."""

    async def batch(ids: Sequence[int]) -> list[list[Shipment]]:
        rows = await visible_shipments(viewer).filter(container_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "container_id")

    return loaders.get(("shipments_in", viewer), batch)


def visible_shipment(loaders: Loaders, viewer: Viewer) -> DataLoader[int, Shipment | None]:
    """A shipment by id, or None where this viewer may not see it."""

    async def batch(ids: Sequence[int]) -> list[Shipment | None]:
        rows = {row.id: row for row in await visible_shipments(viewer).filter(id__in=list(ids))}
        return [rows.get(key) for key in ids]

    return loaders.get(("visible_shipment", viewer), batch)


async def _pages(topics: Sequence[str], asked: Window) -> list[SeqPage[TrackingEvent]]:
    """One statement for every topic's page (resolvers/pagination.py, `seq_pages_sql`)."""
    connection, p = sql.default()
    text = seq_pages_sql(
        p,
        topics,
        asked,
        columns="te.*",
        rows_of=lambda topic: (
            "FROM event_topic et JOIN tracking_event te ON te.seq = et.seq "
            f"WHERE et.topic = {p(topic)}"
        ),
        seq="et.seq",
    )
    rows = await connection.execute_query_dict(text, p.values)
    return seq_pages(TrackingEvent, rows, topics, asked)


async def events_page(
    loaders: Loaders,
    topic: Topic,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> SeqPage[TrackingEvent]:
    """The tracking events of a topic (`shipment:7`, `container:3`), oldest first by seq."""
    asked = window(first, after, last, before)
    asked.key(limit=MAX_SEQ)  # a bad cursor is refused before the batch

    async def batch(topics: Sequence[str]) -> list[SeqPage[TrackingEvent]]:
        return await _pages(topics, asked)

    return await loaders.get(("events_page", asked), batch).load(topic.name)


async def tracking_event_of(event: Event) -> TrackingEvent | None:
    """The root of a TRACKING event (None once gone)."""
    return await TrackingEvent.get_or_none(id=event.subject_id)


async def loading_change_of(event: Event) -> tuple[LoadingChange, Container] | None:
    """The root of a LOADING event: the change and its container as they are now."""
    change = await LoadingChange.get_or_none(id=event.subject_id)
    if change is None:
        return None
    return change, await Container.get(id=change.container_id)


def timeline_of(loaders: Loaders) -> DataLoader[str, list[TrackingEvent]]:
    """Every tracking event of a topic as a timeline shows them: by `occurredAt`, ties by seq
    (facts arrive late and out of order; the log order of `events_page` is the cursors')."""

    async def batch(topics: Sequence[str]) -> list[list[TrackingEvent]]:
        connection, p = sql.default()
        text = f"""
            SELECT te.*, et.topic AS page_topic
            FROM event_topic et JOIN tracking_event te ON te.seq = et.seq
            WHERE et.topic IN ({", ".join(p(topic) for topic in topics)})
            ORDER BY te.occurred_at, te.seq
        """
        rows = await connection.execute_query_dict(text, p.values)
        by_topic: dict[str, list[TrackingEvent]] = {topic: [] for topic in topics}
        for row in rows:
            topic = row.pop("page_topic")
            by_topic[topic].append(TrackingEvent._init_from_db(**row))
        return [by_topic[topic] for topic in topics]

    return loaders.get("timeline_of", batch)


def reassignment_of(loaders: Loaders) -> DataLoader[int, CarrierReassignment | None]:
    """A shipment's latest carrier reassignment (seeing the shipment is seeing it)."""

    async def batch(ids: Sequence[int]) -> list[CarrierReassignment | None]:
        rows = await CarrierReassignment.filter(shipment_id__in=list(ids)).order_by("id")
        latest = {row.shipment_id: row for row in rows}
        return [latest.get(key) for key in ids]

    return loaders.get("reassignment_of", batch)
