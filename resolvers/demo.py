"""Demo data: a small, living business (`cargolive seed`, or `serve` on an empty database)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from models.accounts.tables import Organization, User
from models.enums import OrganizationKind, Role
from resolvers.accounts.users import hash_password
from resolvers.calculations.demo import seed_rates
from resolvers.claims.demo import seed_claims
from resolvers.disputes.demo import seed_disputes
from resolvers.documents.demo import seed_documents
from resolvers.services.demo import seed_services
from resolvers.shipments.demo import cast_of, seed_shipments, showcase
from resolvers.shipments.demo_blocked import seed_blocked_carrier
from resolvers.support.demo import seed_support

DEMO_PASSWORD = "demo"
ORGANIZATIONS = [
    ("Cargolive", OrganizationKind.PLATFORM),
    ("Blue Harbor Motors", OrganizationKind.DEALER),
    ("Caspian Auto Import", OrganizationKind.DEALER),
    ("Atlas Freight", OrganizationKind.CARRIER),
    ("Baltic Haulage", OrganizationKind.CARRIER),
    ("Danube Trucking", OrganizationKind.CARRIER),  # blocked: resolvers/shipments/demo_blocked.py
]
USERS = [
    ("admin@cargolive.test", "Ada Admin", Role.ADMIN, "Cargolive"),
    ("agent@cargolive.test", "Sam Support", Role.SUPPORT_AGENT, "Cargolive"),
    ("agent2@cargolive.test", "Nina Night", Role.SUPPORT_AGENT, "Cargolive"),
    ("agent3@cargolive.test", "Lina Baltic", Role.SUPPORT_AGENT, "Cargolive"),
    ("manager@cargolive.test", "Mia Manager", Role.ACCOUNT_MANAGER, "Cargolive"),
    ("officer@cargolive.test", "Otto Officer", Role.DISPUTE_OFFICER, "Cargolive"),
    ("warehouse@cargolive.test", "Wendy Warehouse", Role.WAREHOUSE, "Cargolive"),
    ("backoffice@cargolive.test", "Bea Backoffice", Role.BACK_OFFICE, "Cargolive"),
    ("bidder@cargolive.test", "Bo Bidder", Role.BIDDER, "Cargolive"),
    ("dealer@cargolive.test", "Dan Dealer", Role.DEALER, "Blue Harbor Motors"),
    ("dealer2@cargolive.test", "Dina Dealer", Role.DEALER, "Caspian Auto Import"),
    ("carrier@cargolive.test", "Carl Carrier", Role.CARRIER, "Atlas Freight"),
    ("carrier2@cargolive.test", "Cora Carrier", Role.CARRIER, "Baltic Haulage"),
    ("carrier3@cargolive.test", "Dora Danube", Role.CARRIER, "Danube Trucking"),
]


async def database_is_empty() -> bool:
    return not await Organization.exists()


async def welcome() -> tuple[list[tuple[str, Role]], list[tuple[str, str, str]]]:
    """What `serve` shows on every start: the demo logins still in this database (password
    DEMO_PASSWORD) and the demo waybills to track (waybill, reference, what it shows); both
    empty on a database without the demo."""
    present = set(
        await User.filter(email__in=[email for email, *_ in USERS]).values_list("email", flat=True)
    )
    logins = [(email, role) for email, _, role, _ in USERS if email in present]
    return logins, await showcase()


async def seed(
    *,
    zone: ZoneInfo,
    holidays: Collection[dt.date],
    files_url: str,
    claim_window_days: int = 14,
) -> list[tuple[str, Role]]:
    """Adds the demo data (the caller checks the database is empty); returns the logins.

    `zone` and `holidays` are the deployment's business calendar, `files_url` where documents'
    bytes go and `claim_window_days` how long after delivery claims are taken, as in its
    settings.
    """
    hashes = await asyncio.gather(*(hash_password(DEMO_PASSWORD) for _ in USERS))
    async with in_transaction():
        organizations = {
            name: await Organization.create(name=name, kind=kind) for name, kind in ORGANIZATIONS
        }
        users = {}
        for (email, name, role, organization), password_hash in zip(USERS, hashes, strict=True):
            users[email] = await User.create(
                email=email,
                name=name,
                role=role,
                password_hash=password_hash,
                organization=organizations[organization],
            )
        await seed_rates()
        cast = cast_of(users, organizations)
        await seed_shipments(cast, zone=zone)
        await seed_blocked_carrier(users, organizations)
        await seed_disputes(cast, zone=zone, holidays=holidays)
        await seed_support(users, organizations, zone=zone, holidays=holidays)
        await seed_documents(files_url)
        await seed_claims(claim_window_days)
        await seed_services(zone=zone, holidays=holidays)
    return [(email, role) for email, _, role, _ in USERS]
