"""Who is asking: the identity every use case and subscription checks access against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.enums import STAFF_ROLES, OrganizationKind, Role
from models.integrations.tables import ApiScope


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    organization_id: int
    organization_kind: OrganizationKind
    role: Role
    blocked: bool = False
    token_id: int | None = None
    expires_at: dt.datetime | None = None
    # An API key: it acts as its organization (through its own user) within these scopes.
    api_key_id: int | None = None
    scopes: frozenset[ApiScope] | None = None  # None: a person, with every right of the role

    @property
    def is_api_key(self) -> bool:
        return self.api_key_id is not None

    def may(self, scope: ApiScope) -> bool:
        """A person may do all its role allows; a key only what its scopes name too."""
        return self.scopes is None or scope in self.scopes

    @property
    def credential(self) -> tuple[str, int] | None:
        """What a socket signed in with this viewer lives by: ("key", id) or ("token", id)."""
        if self.api_key_id is not None:
            return ("key", self.api_key_id)
        if self.token_id is not None:
            return ("token", self.token_id)
        return None

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
