"""Unblocking an organization (ADMIN, audited) and the audit of its block changes."""

from __future__ import annotations

import datetime as dt

import strawberry

from models.accounts import tables
from resolvers.accounts import blocking
from schema.accounts.types import Organization, OrganizationPayload, User
from schema.base import run_payload
from schema.context import Info
from schema.ids import decode_id


@strawberry.type(description="One blocking or unblocking of an organization: who, when and why")
class BlockChange:
    blocked: bool
    reason: str
    changed_at: dt.datetime
    _row: strawberry.Private[tables.BlockChange]

    @classmethod
    def from_model(cls, row: tables.BlockChange) -> BlockChange:
        return cls(blocked=row.blocked, reason=row.reason, changed_at=row.changed_at, _row=row)

    @strawberry.field(description="Null for a change the system made")
    async def changed_by(self, info: Info) -> User | None:
        row = await info.context.loaders.load(tables.User, self._row.changed_by_id)
        return User.from_model(row) if row else None


@strawberry.type
class BlockingMutation:
    @strawberry.mutation(
        description="ADMIN: lift an organization's block, with a reason kept in its audit"
    )
    async def unblock_organization(
        self, info: Info, organization_id: strawberry.ID, reason: str
    ) -> OrganizationPayload:
        async def action() -> dict[str, object]:
            row = await blocking.unblock_organization(
                viewer=info.context.viewer,
                organization_id=decode_id(organization_id, "Organization", ["organizationId"]),
                reason=reason,
            )
            return {"organization": Organization.from_model(row)}

        return await run_payload(OrganizationPayload, action)
