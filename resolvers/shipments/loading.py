"""A container's loading status: each step forward, its tracking event on the cargo, and the
warehouse's confirmation of the stuffing.

Decisions (DOMAIN.md, issue 15):

- `loadedVehicles` never exceeds the vehicles planned into the container (the vehicles of its
  shipments not cancelled), nor its capacity: a count above what was planned is a miscount.
- A step may say when it happened (`occurredAt`: not in the future, not before the previous
  step). Warehouse loading is confirmed the same day it happens (001 B: "completed on the same
  day, with written confirmation"): the first step from STUFFED on records who confirmed the
  stuffing and when (`stuffingConfirmedBy`, `stuffingConfirmedAt`), and a confirmation on a
  later day than the stuffing, in the deployment's time zone, raises a STUFFING_CONFIRMED_LATE
  staff alert. The change is still recorded: the confirmation is a fact too.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models import clock
from models.alerts.tables import StaffAlertKind
from models.shipments.containers import Container, LoadingChange, LoadingStatus
from models.shipments.rules import (
    EVENT_BY_LOADING,
    STATUS_BY_LOADING,
    Refused,
    loading_step,
    needs_seal,
    reaches_stuffed,
)
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.alerts.events import raise_staff_alert
from resolvers.checks import Place
from resolvers.errors import conflict, forbidden, invalid, invalid_transition
from resolvers.shipments.access import find_container
from resolvers.shipments.containers import LOADERS, planned_vehicles
from resolvers.shipments.events import (
    log_loading_change,
    record_on_container,
    shipments_inside,
)
from subscriptions.log import Recorder, recording

UTC = ZoneInfo("UTC")
AT_LOADING_PORT = frozenset({LoadingStatus.GATED_IN, LoadingStatus.LOADED, LoadingStatus.DEPARTED})
AT_DISCHARGE_PORT = frozenset(
    {
        LoadingStatus.ARRIVED,
        LoadingStatus.DISCHARGED,
        LoadingStatus.AVAILABLE_FOR_PICKUP,
        LoadingStatus.GATED_OUT,
        LoadingStatus.STRIPPED,
    }
)


def _port(container: Container, status: LoadingStatus) -> Place | None:
    """Where a loading step happens, as far as the container knows its ports."""
    if status in AT_LOADING_PORT:
        return Place.stored(container, "port_of_loading")
    if status in AT_DISCHARGE_PORT:
        return Place.stored(container, "port_of_discharge")
    return None


async def _loaded(container: Container, loaded_vehicles: int | None) -> int:
    loaded = container.loaded_vehicles if loaded_vehicles is None else loaded_vehicles
    if loaded_vehicles is None:
        return loaded
    planned = await planned_vehicles(container.id)
    most = min(planned, container.vehicle_capacity)
    if not 0 <= loaded <= most:
        raise invalid(
            ["loadedVehicles"],
            f"must be 0 to {most}: {planned} vehicles are planned into the container,"
            f" which takes {container.vehicle_capacity}",
        )
    return loaded


async def _when(container: Container, occurred_at: dt.datetime | None) -> dt.datetime:
    if occurred_at is None:
        return clock.now()
    occurred_at = checks.not_future(occurred_at, ["occurredAt"])
    last = await LoadingChange.filter(container_id=container.id).order_by("-id").first()
    if last is not None and occurred_at < last.occurred_at:
        raise invalid(
            ["occurredAt"],
            f"must not be before the previous step ({last.status.value} at"
            f" {last.occurred_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC)",
        )
    return occurred_at


async def _alert_if_confirmed_late(
    log: Recorder, container: Container, stuffed: dt.datetime, now: dt.datetime, zone: ZoneInfo
) -> None:
    day, confirmed = stuffed.astimezone(zone).date(), now.astimezone(zone).date()
    if confirmed <= day:
        return
    await raise_staff_alert(
        log,
        kind=StaffAlertKind.STUFFING_CONFIRMED_LATE,
        message=f"Stuffing of container {container.number} on {day} ({zone.key}) was confirmed"
        f" only on {confirmed}: 001 B asks for written confirmation the same day",
        occurred_at=now,
    )


async def update_loading_status(
    *,
    viewer: Viewer | None,
    container_id: int,
    status: LoadingStatus,
    loaded_vehicles: int | None = None,
    seal_number: str | None = None,
    occurred_at: dt.datetime | None = None,
    zone: ZoneInfo = UTC,
) -> Container:
    """A step forward: a LoadingChange for the container's subscribers and, where a tracking
    event has the step's name, that event on the container, applied to every shipment inside."""
    viewer = writer(viewer)
    container = await find_container(viewer, container_id, ["containerId"])
    if not viewer.has_role(*LOADERS):
        raise forbidden("only WAREHOUSE, DISPATCHER or ADMIN change a container's loading")
    seal = checks.optional_text(seal_number, ["sealNumber"], limit=40) or container.seal_number
    loaded = await _loaded(container, loaded_vehicles)
    if needs_seal(status) and seal is None:
        raise invalid(["sealNumber"], f"{status.value} needs a seal number")
    try:
        loading_step(container.loading_status, status)
    except Refused as refused:
        raise invalid_transition(str(refused), ["status"]) from None
    happened = await _when(container, occurred_at)

    now = clock.now()
    previous = container.loading_status
    changes = {
        "loading_status": status,
        "loaded_vehicles": loaded,
        "seal_number": seal,
        "version": container.version + 1,
        "updated_at": now,
    }
    confirms = reaches_stuffed(status) and container.stuffed_confirmed_at is None
    if confirms:
        # 001 B: the STUFFED change records who confirmed the loading and when.
        changes |= {"stuffed_confirmed_by_id": viewer.user_id, "stuffed_confirmed_at": now}
    async with recording() as log:
        written = await Container.filter(
            id=container.id, version=container.version, loading_status=previous
        ).update(**changes)
        if not written:
            raise conflict("the container changed meanwhile: load it again and retry")
        for name, value in changes.items():
            setattr(container, name, value)
        inside = await shipments_inside(container)
        change = await LoadingChange.create(
            container=container,
            previous_status=previous,
            status=status,
            loaded_vehicles=loaded,
            occurred_at=happened,
            recorded_by_id=viewer.user_id,
        )
        await log_loading_change(log, change, container, inside)
        event = EVENT_BY_LOADING.get(status)
        if event is not None:
            await record_on_container(
                log,
                container,
                event=event,
                occurred_at=happened,
                location=_port(container, status),
                recorded_by=viewer.user_id,
                inside=inside,
                target=STATUS_BY_LOADING.get(status),
            )
        if confirms:
            await _alert_if_confirmed_late(log, container, happened, now, zone)
    return container
