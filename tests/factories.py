"""Small factories for test data, named after what they make."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import lru_cache

from argon2 import PasswordHasher

from models.accounts import Organization, User
from models.enums import OrganizationKind, Role
from resolvers.accounts import issue_token

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


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
