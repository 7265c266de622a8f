"""Reads of shipments, containers, vehicles and tracking events, always through visibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tortoise.queryset import QuerySet

from models import validators
from models.containers import Container, LoadingStatus
from models.shipments import Shipment, ShipmentStatus, TrackingEvent, Vehicle
from models.viewer import Viewer
from resolvers.pagination import Page, keyset_page, updated_page
from resolvers.visibility import (
    visible_containers,
    visible_shipments,
    visible_tracking_events,
    visible_vehicles,
)


def _nothing(queryset: QuerySet) -> QuerySet:
    return queryset.filter(id__in=[])


async def shipment_page(
    viewer: Viewer,
    *,
    first: int | None,
    after: str | None,
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
    if by_update:
        return await updated_page(queryset, first=first, after=after)
    return await keyset_page(queryset, first=first, after=after)


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
