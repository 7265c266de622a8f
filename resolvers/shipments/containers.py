"""Containers: creating them and consolidating shipments into them (loading: loading.py)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from models import clock
from models.enums import ErrorCode, Role
from models.shipments.containers import (
    MAX_VEHICLES,
    VEHICLES_PER_TYPE,
    Container,
    ContainerType,
)
from models.shipments.rules import (
    JOINABLE,
    assignable,
    unaccepted,
)
from models.shipments.tables import Shipment, ShipmentStatus, Vehicle
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.checks import Place
from resolvers.errors import DomainError, conflict, forbidden, invalid, invalid_transition
from resolvers.shipments.access import find_container, find_shipment
from resolvers.shipments.events import (
    log_container_joined,
    position,
)
from subscriptions.log import recording

LOADERS = (Role.WAREHOUSE, Role.DISPATCHER)  # and ADMIN


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


async def planned_vehicles(container_id: int) -> int:
    """The places planned in the container: the vehicles of its shipments not cancelled."""
    return (
        await Vehicle.filter(shipment__container_id=container_id)
        .exclude(shipment__status=ShipmentStatus.CANCELLED)
        .count()
    )


async def _check_room(container: Container, vehicles: int) -> None:
    planned = await planned_vehicles(container.id)
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
    if unaccepted(position(shipment)):
        raise invalid_transition(
            "a shipment joins a container once a carrier has accepted it; no carrier has",
            ["shipmentId"],
        )
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
    async with recording() as log:
        locked = await Container.filter(id=container.id).select_for_update().get()
        _joinable(locked)
        await _check_room(locked, vehicles)
        moved = await Shipment.filter(
            id=shipment.id, version=shipment.version, container_id=None
        ).update(container_id=locked.id, version=shipment.version + 1, updated_at=now)
        if not moved:
            raise conflict("the shipment changed meanwhile: load it again and retry")
        await Container.filter(id=locked.id).update(version=locked.version + 1, updated_at=now)
        await log_container_joined(log, shipment, locked)
    await locked.refresh_from_db()
    return locked
