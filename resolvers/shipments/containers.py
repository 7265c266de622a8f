"""Containers: creating them, consolidating shipments into them, and their loading status."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import clock
from models.enums import ErrorCode, Role
from models.shipments.containers import (
    MAX_VEHICLES,
    VEHICLES_PER_TYPE,
    Container,
    ContainerType,
    LoadingChange,
    LoadingStatus,
)
from models.shipments.rules import (
    EVENT_BY_LOADING,
    JOINABLE,
    Refused,
    assignable,
    loading_step,
    needs_seal,
    reaches_stuffed,
)
from models.shipments.tables import Shipment, Vehicle
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.checks import Place
from resolvers.errors import DomainError, conflict, forbidden, invalid, invalid_transition
from resolvers.shipments.access import find_container, find_shipment
from resolvers.shipments.events import (
    log_loading_change,
    position,
    record_on_container,
    shipments_inside,
)
from subscriptions.log import recording

LOADERS = (Role.WAREHOUSE, Role.DISPATCHER)  # and ADMIN
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


def _duplicate(number: str) -> DomainError:
    return conflict(f"container {number} exists already", ["input", "number"])


def _capacity(kind: ContainerType, vehicles: int) -> int:
    field = ["input", "vehicleCapacity"]
    if not 1 <= vehicles <= MAX_VEHICLES:
        raise invalid(field, f"must be 1 to {MAX_VEHICLES} vehicles")
    if vehicles > VEHICLES_PER_TYPE[kind]:
        raise invalid(field, f"a {kind.value} takes at most {VEHICLES_PER_TYPE[kind]} vehicles")
    return vehicles


async def create_container(
    *,
    viewer: Viewer | None,
    number: str,
    kind: ContainerType,
    vehicle_capacity: int,
    vessel_name: str | None = None,
    voyage: str | None = None,
    bill_of_lading: str | None = None,
    port_of_loading: Place | None = None,
    port_of_discharge: Place | None = None,
) -> Container:
    viewer = writer(viewer, *LOADERS)
    number = checks.container_number(number, ["input", "number"])
    vehicle_capacity = _capacity(kind, vehicle_capacity)
    vessel_name = checks.optional_text(vessel_name, ["input", "vesselName"], limit=100)
    voyage = checks.optional_text(voyage, ["input", "voyage"], limit=40)
    bill_of_lading = checks.optional_text(bill_of_lading, ["input", "billOfLading"], limit=40)
    loading = checks.optional_place(port_of_loading, ["input", "portOfLoading"])
    discharge = checks.optional_place(port_of_discharge, ["input", "portOfDischarge"])
    if await Container.exists(number=number):
        raise _duplicate(number)
    now = clock.now()
    try:
        return await Container.create(
            number=number,
            type=kind,
            vehicle_capacity=vehicle_capacity,
            vessel_name=vessel_name,
            voyage=voyage,
            bill_of_lading=bill_of_lading,
            **Place.columns("port_of_loading", loading),
            **Place.columns("port_of_discharge", discharge),
            created_at=now,
            updated_at=now,
        )
    except IntegrityError:  # created by someone else since the check above
        raise _duplicate(number) from None


def _joinable(container: Container) -> None:
    if container.loading_status not in JOINABLE:
        raise invalid_transition(
            f"shipments join a container before it is STUFFED; it is "
            f"{container.loading_status.value}",
            ["containerId"],
        )


async def _check_room(container: Container, vehicles: int) -> None:
    planned = await Vehicle.filter(shipment__container_id=container.id).count()
    if planned + vehicles > container.vehicle_capacity:
        raise DomainError(
            ErrorCode.LIMIT_EXCEEDED,
            f"{vehicles} more vehicles do not fit: {planned} of "
            f"{container.vehicle_capacity} places are planned already",
            ["shipmentId"],
        )


async def assign_to_container(
    *, viewer: Viewer | None, shipment_id: int, container_id: int
) -> Container:
    """Consolidation: the shipment joins a container that is not STUFFED and has room for it.

    Two assignments that each fit alone but not together cannot both land: the room is
    counted again inside the transaction after locking the container row (PostgreSQL; SQLite
    runs one write transaction at a time).
    """
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["shipmentId"])
    container = await find_container(viewer, container_id, ["containerId"])
    if not viewer.has_role(*LOADERS):
        raise forbidden("only WAREHOUSE, DISPATCHER or ADMIN plan containers")
    if not assignable(position(shipment)):
        raise invalid_transition(
            f"a {shipment.status.value} shipment cannot join a container", ["shipmentId"]
        )
    if shipment.container_id is not None:
        raise conflict("the shipment is in a container already", ["shipmentId"])
    _joinable(container)
    vehicles = await Vehicle.filter(shipment_id=shipment.id).count()
    await _check_room(container, vehicles)

    now = clock.now()
    async with in_transaction():
        locked = await Container.filter(id=container.id).select_for_update().get()
        _joinable(locked)
        await _check_room(locked, vehicles)
        moved = await Shipment.filter(
            id=shipment.id, version=shipment.version, container_id=None
        ).update(container_id=locked.id, version=shipment.version + 1, updated_at=now)
        if not moved:
            raise conflict("the shipment changed meanwhile: load it again and retry")
        await Container.filter(id=locked.id).update(version=locked.version + 1, updated_at=now)
    await locked.refresh_from_db()
    return locked


def _port(container: Container, status: LoadingStatus) -> Place | None:
    """Where a loading step happens, as far as the container knows its ports."""
    if status in AT_LOADING_PORT:
        return Place.stored(container, "port_of_loading")
    if status in AT_DISCHARGE_PORT:
        return Place.stored(container, "port_of_discharge")
    return None


async def update_loading_status(
    *,
    viewer: Viewer | None,
    container_id: int,
    status: LoadingStatus,
    loaded_vehicles: int | None = None,
    seal_number: str | None = None,
) -> Container:
    """A step forward: a LoadingChange for the container's subscribers and, where a tracking
    event has the step's name, that event on the container, applied to every shipment inside."""
    viewer = writer(viewer)
    container = await find_container(viewer, container_id, ["containerId"])
    if not viewer.has_role(*LOADERS):
        raise forbidden("only WAREHOUSE, DISPATCHER or ADMIN change a container's loading")
    seal = checks.optional_text(seal_number, ["sealNumber"], limit=40) or container.seal_number
    loaded = container.loaded_vehicles if loaded_vehicles is None else loaded_vehicles
    if not 0 <= loaded <= container.vehicle_capacity:
        raise invalid(["loadedVehicles"], f"must be 0 to {container.vehicle_capacity}")
    if needs_seal(status) and seal is None:
        raise invalid(["sealNumber"], f"{status.value} needs a seal number")
    try:
        loading_step(container.loading_status, status)
    except Refused as refused:
        raise invalid_transition(str(refused), ["status"]) from None

    now = clock.now()
    previous = container.loading_status
    changes = {
        "loading_status": status,
        "loaded_vehicles": loaded,
        "seal_number": seal,
        "version": container.version + 1,
        "updated_at": now,
    }
    if reaches_stuffed(status) and container.stuffed_confirmed_at is None:
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
            occurred_at=now,
            recorded_by_id=viewer.user_id,
        )
        await log_loading_change(log, change, container, inside)
        event = EVENT_BY_LOADING.get(status)
        if event is not None:
            await record_on_container(
                log,
                container,
                event=event,
                occurred_at=now,
                location=_port(container, status),
                recorded_by=viewer.user_id,
                inside=inside,
            )
    return container
