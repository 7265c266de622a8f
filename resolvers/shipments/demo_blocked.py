"""Demo: a blocked carrier's booking waiting for the dealer's consent to a new carrier, on a
classic car (a 1967 Mustang: its VIN is the maker's 11-character serial)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models import clock
from models.accounts.tables import Organization, User
from models.viewer import Viewer
from resolvers.accounts.blocking import block_organization
from resolvers.checks import Amount
from resolvers.shipments import bookings, reassignments
from resolvers.shipments.bookings import VehicleSpec
from resolvers.shipments.demo import PORTS, YARDS
from subscriptions.log import recording

MUSTANG = VehicleSpec("7R02C179544", "Ford", "Mustang", 1967, "Mecum", "F112")


def _viewer(users: dict[str, User], organizations: dict[str, Organization], email: str) -> Viewer:
    user = users[email]
    organization = next(o for o in organizations.values() if o.id == user.organization_id)
    return Viewer(user.id, organization.id, organization.kind, user.role)


async def seed_blocked_carrier(
    users: dict[str, User], organizations: dict[str, Organization]
) -> None:
    dealer = _viewer(users, organizations, "dealer2@cargolive.test")
    danube = _viewer(users, organizations, "carrier3@cargolive.test")
    admin = _viewer(users, organizations, "admin@cargolive.test")
    booked_at = clock.now() - dt.timedelta(days=2)
    with clock.travel(booked_at):
        shipment = await bookings.create_shipment(
            viewer=dealer,
            origin=YARDS["USHOU"],
            destination=PORTS["LTKLJ"],
            vehicles=[MUSTANG],
            reference="CA-0931",
            deposit=Amount(Decimal("400.00"), "USD"),
            price=Amount(Decimal("2900"), "USD"),
            pickup_scheduled_at=(booked_at + dt.timedelta(days=3)).replace(
                minute=0, second=0, microsecond=0
            ),
        )
    with clock.travel(booked_at + dt.timedelta(hours=5)):
        await bookings.accept_shipment(viewer=danube, shipment_id=shipment.id)
    with clock.travel(clock.now() - dt.timedelta(hours=20)):
        async with recording() as log:
            await block_organization(
                log,
                danube.organization_id,
                reason="Fraud refund on CA-0902: three reminders went unanswered",
                by=admin.user_id,
            )
    with clock.travel(clock.now() - dt.timedelta(hours=2)):
        await reassignments.propose_reassignment(
            viewer=admin,
            shipment_id=shipment.id,
            to_carrier_id=organizations["Baltic Haulage"].id,
            reason="Danube Trucking is blocked; Baltic Haulage can collect on the day you chose",
        )
