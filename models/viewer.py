"""Who is asking: the identity every use case and subscription checks access against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.enums import STAFF_ROLES, OrganizationKind, Role


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    organization_id: int
    organization_kind: OrganizationKind
    role: Role
    blocked: bool = False
    token_id: int | None = None
    expires_at: dt.datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_dealer(self) -> bool:
        return self.organization_kind is OrganizationKind.DEALER

    @property
    def is_carrier(self) -> bool:
        return self.organization_kind is OrganizationKind.CARRIER

    def has_role(self, *roles: Role) -> bool:
        return self.role is Role.ADMIN or self.role in roles
