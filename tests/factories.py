"""Small factories for test data, named after what they make."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher

from models import clock, validators
from models.accounts.tables import Organization, User
from models.enums import OrganizationKind, Role
from models.shipments.containers import Container, ContainerType, LoadingStatus
from models.shipments.tables import Shipment, ShipmentStatus, Vehicle
from models.validators import new_waybill
from resolvers.accounts.blocking import block_organization
from resolvers.accounts.users import issue_token
from subscriptions.log import recording

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


def valid_vin(serial: int, prefix: str = "1HGCM826") -> str:
    """A North American VIN whose 9th character is the right check digit."""
    for check in "0123456789X":
        candidate = f"{prefix}{check}3A{serial % 1_000_000:06d}"
        try:
            return validators.vin(candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: one check character always fits")


def valid_container_number(serial: int, owner: str = "CLV") -> str:
    """An ISO 6346 number whose 11th character is the right check digit."""
    for check in "0123456789":
        try:
            return validators.container_number(f"{owner}U{serial % 1_000_000:06d}{check}")
        except ValueError:
            continue
    raise AssertionError("unreachable: one check digit always fits")


@dataclass(frozen=True)
class Party:
    """A signed-in user of some role, with the token to call the API as them."""

    user: User
    token: str

    @property
    def organization_id(self) -> int:
        return self.user.organization_id


class Factory:
    async def organization(
        self, kind: OrganizationKind = OrganizationKind.DEALER, **fields: object
    ) -> Organization:
        fields.setdefault("name", f"{kind.value.title()} {next(_counter)}")
        return await Organization.create(kind=kind, **fields)

    async def user(self, role: Role, organization: Organization | None = None, **fields) -> User:
        if organization is None:
            kind = {Role.DEALER: OrganizationKind.DEALER, Role.CARRIER: OrganizationKind.CARRIER}
            organization = await self.organization(kind.get(role, OrganizationKind.PLATFORM))
        fields.setdefault("email", f"{role.value.lower()}{next(_counter)}@example.com")
        fields.setdefault("name", role.value.title())
        return await User.create(
            role=role, organization=organization, password_hash=password_hash(), **fields
        )

    async def token(self, user: User, ttl: dt.timedelta = dt.timedelta(hours=1)) -> str:
        return await issue_token(user, ttl)

    async def block(self, organization_id: int) -> None:
        """As support's fraud refund blocks a carrier: the flag, its audit row, its event."""
        async with recording() as log:
            await block_organization(log, organization_id, reason="a test", by=None)

    # Shipments and containers, written straight to the tables in the state a test needs.

    async def party(self, role: Role, organization: Organization | None = None) -> Party:
        user = await self.user(role, organization)
        return Party(user=user, token=await self.token(user))

    async def shipment(
        self,
        *,
        customer: int,
        status: ShipmentStatus = ShipmentStatus.BOOKED,
        carrier: int | None = None,
        vehicles: int = 1,
        container: Container | None = None,
        **fields: object,
    ) -> Shipment:
        now = clock.now()
        fields = {
            "origin_name": "Port Newark",
            "origin_unlocode": "USNYC",
            "origin_country": "US",
            "destination_name": "Poti",
            "destination_unlocode": "GEPTI",
            "destination_country": "GE",
            "created_at": now,
            "updated_at": now,
        } | fields
        shipment = await Shipment.create(
            waybill=new_waybill(),
            status=status,
            customer_id=customer,
            carrier_id=carrier,
            container=container,
            **fields,
        )
        await Vehicle.bulk_create(
            [
                Vehicle(
                    shipment=shipment,
                    vin=valid_vin(next(_counter)),
                    make="Honda",
                    model="Accord",
                    year=2019,
                )
                for _ in range(vehicles)
            ]
        )
        return shipment

    async def container(
        self,
        *,
        capacity: int = 4,
        kind: ContainerType = ContainerType.GP40,
        status: LoadingStatus = LoadingStatus.EMPTY,
        **fields: object,
    ) -> Container:
        now = clock.now()
        return await Container.create(
            number=valid_container_number(next(_counter)),
            type=kind,
            vehicle_capacity=capacity,
            loading_status=status,
            created_at=now,
            updated_at=now,
            **fields,
        )
