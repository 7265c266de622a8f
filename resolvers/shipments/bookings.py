"""Shipments: a dealer's booking, a carrier's acceptance and the pickup schedule.

Each use case checks (access: a hidden shipment is NOT_FOUND; then role: FORBIDDEN; then the
input; then the state: INVALID_TRANSITION), then writes the change and its tracking event in
one `recording()` transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from models import clock
from models.accounts.tables import Organization
from models.enums import ErrorCode, OrganizationKind, Role
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEventType, Vehicle
from models.validators import new_waybill
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.checks import Amount, Place
from resolvers.errors import DomainError, forbidden, invalid, invalid_transition, not_found
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import record_on_shipment
from subscriptions.log import recording

MAX_VEHICLES = 100
BOOKERS = (Role.DEALER, Role.DISPATCHER, Role.BACK_OFFICE)  # and ADMIN, as everywhere


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    vin: str
    make: str
    model: str
    year: int
    auction: str | None = None
    lot_number: str | None = None


def _vehicles(specs: Sequence[VehicleSpec]) -> list[VehicleSpec]:
    if not 1 <= len(specs) <= MAX_VEHICLES:
        raise invalid(["input", "vehicles"], f"must list 1 to {MAX_VEHICLES} vehicles")
    first_at: dict[str, int] = {}
    clean = []
    for index, spec in enumerate(specs):
        path: list[str | int] = ["input", "vehicles", index]
        year = checks.model_year(spec.year, [*path, "year"])
        vin = checks.vin(spec.vin, [*path, "vin"], year)
        if vin in first_at:
            raise invalid([*path, "vin"], f"is listed twice (vehicle {first_at[vin]} has it)")
        first_at[vin] = index
        clean.append(
            VehicleSpec(
                vin=vin,
                make=checks.text(spec.make, [*path, "make"], limit=100),
                model=checks.text(spec.model, [*path, "model"], limit=100),
                year=spec.year,
                auction=checks.optional_text(spec.auction, [*path, "auction"], limit=100),
                lot_number=checks.optional_text(spec.lot_number, [*path, "lotNumber"], limit=50),
            )
        )
    return clean


async def _customer(viewer: Viewer, customer_id: int | None) -> int:
    field = ["input", "customerId"]
    if viewer.is_dealer:
        if customer_id not in (None, viewer.organization_id):
            raise DomainError(
                ErrorCode.FORBIDDEN, "a dealer books for its own organization only", field
            )
        return viewer.organization_id
    if customer_id is None:
        raise invalid(field, "staff booking a shipment must name the customer organization")
    customer = await Organization.get_or_none(id=customer_id)
    if customer is None:
        raise not_found(field, "organization")
    if customer.kind is not OrganizationKind.DEALER:
        raise invalid(field, f"must be a DEALER organization, not a {customer.kind.value} one")
    return customer.id


async def create_shipment(
    *,
    viewer: Viewer | None,
    origin: Place,
    destination: Place,
    vehicles: Sequence[VehicleSpec],
    reference: str | None = None,
    deposit: Amount | None = None,
    price: Amount | None = None,
    pickup_scheduled_at: dt.datetime | None = None,
    customer_id: int | None = None,
) -> Shipment:
    """A dealer books for itself; ADMIN, DISPATCHER and BACK_OFFICE book for a named dealer."""
    viewer = writer(viewer, *BOOKERS)
    customer = await _customer(viewer, customer_id)
    reference = checks.optional_text(reference, ["input", "reference"], limit=100)
    origin = checks.place(origin, ["input", "origin"])
    destination = checks.place(destination, ["input", "destination"])
    specs = _vehicles(vehicles)
    deposit = checks.money(deposit, ["input", "deposit"])
    price = checks.money(price, ["input", "price"])
    if pickup_scheduled_at is not None:
        pickup_scheduled_at = checks.not_past(pickup_scheduled_at, ["input", "pickupScheduledAt"])

    now = clock.now()
    async with recording() as log:
        shipment = await Shipment.create(
            waybill=new_waybill(),
            reference=reference,
            status=ShipmentStatus.BOOKED,
            customer_id=customer,
            **Place.columns("origin", origin),
            **Place.columns("destination", destination),
            pickup_scheduled_at=pickup_scheduled_at,
            pickup_designated_at=pickup_scheduled_at,
            deposit_amount=deposit.amount if deposit else None,
            deposit_currency=deposit.currency if deposit else None,
            price_amount=price.amount if price else None,
            price_currency=price.currency if price else None,
            created_at=now,
            updated_at=now,
        )
        await Vehicle.bulk_create(
            [
                Vehicle(
                    shipment_id=shipment.id,
                    vin=spec.vin,
                    make=spec.make,
                    model=spec.model,
                    year=spec.year,
                    auction=spec.auction,
                    lot_number=spec.lot_number,
                )
                for spec in specs
            ]
        )
        await record_on_shipment(
            log,
            shipment,
            event=TrackingEventType.BOOKED,
            occurred_at=now,
            location=origin,
            recorded_by=viewer.user_id,
        )
    return shipment


async def accept_shipment(*, viewer: Viewer | None, shipment_id: int) -> Shipment:
    """A carrier takes a BOOKED offer. Of two carriers racing, the second gets CONFLICT."""
    viewer = writer(viewer)  # a blocked carrier's organization: ACCOUNT_BLOCKED
    shipment = await find_shipment(viewer, shipment_id, ["id"])
    if viewer.role is not Role.CARRIER:
        raise forbidden("only a CARRIER accepts shipments")
    if shipment.status is not ShipmentStatus.BOOKED or shipment.carrier_id is not None:
        raise invalid_transition(
            f"only a BOOKED shipment can be accepted; this one is {shipment.status.value}"
        )
    now = clock.now()
    async with recording() as log:
        await record_on_shipment(
            log,
            shipment,
            event=TrackingEventType.ACCEPTED,
            occurred_at=now,
            recorded_by=viewer.user_id,
            status=ShipmentStatus.ACCEPTED,
            carrier_id=viewer.organization_id,
            accepted_at=now,
        )
    return shipment
