"""Organizations, users, sign-in and ADMIN onboarding."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.accounts import tables
from models.enums import ErrorCode
from models.enums import OrganizationKind as OrganizationKindEnum
from models.enums import Role as RoleEnum
from models.support.tables import SupportGroup as SupportGroupRow
from resolvers.accounts import access, blocking, reads
from resolvers.accounts import users as accounts
from resolvers.disputes import reads as dispute_reads
from resolvers.errors import DomainError
from resolvers.support import reads as support_reads
from schema.base import Node, UserError, run_payload
from schema.context import Info
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher

if TYPE_CHECKING:
    from schema.accounts.blocking import BlockChange
    from schema.support.types import SupportGroup

OrganizationKind = OrganizationKindEnum
strawberry.enum(OrganizationKind, name="OrganizationKind")
Role = RoleEnum
strawberry.enum(Role, name="Role")
# A customer's standing is for its members and the staff (resolvers.accounts.access.sees_internals).
HIDDEN = "Outside a customer's own members and the staff (a carrier's view of it): "


@strawberry.type
class Organization(Node):
    name: str
    kind: OrganizationKind
    _row: strawberry.Private[tables.Organization]

    @classmethod
    def from_model(cls, row: tables.Organization) -> Organization:
        return cls(
            id=strawberry.ID(to_global_id("Organization", row.pk)),
            name=row.name,
            kind=row.kind,
            _row=row,
        )

    def _internal(self, info: Info) -> bool:
        return access.sees_internals(info.context.viewer, self._row)

    @strawberry.field(description=f"{HIDDEN}false")
    def blocked(self, info: Info) -> bool:
        return self._row.blocked if self._internal(info) else False

    @strawberry.field(description=f"{HIDDEN}0")
    def penalty_points(self, info: Info) -> int:
        return self._row.penalty_points if self._internal(info) else 0

    @strawberry.field(
        description="Customers: cancelled at their request / accepted, over their last 100 "
        f"accepted shipments, 0..1. {HIDDEN}0"
    )
    async def cancellation_rate(self, info: Info) -> float:
        if not self._internal(info):
            return 0.0
        return float(await dispute_reads.rates_of(info.context.loaders).load(self._row.id))

    @strawberry.field(description="ADMIN: every blocking and unblocking, oldest first")
    async def block_changes(
        self, info: Info
    ) -> list[Annotated[BlockChange, strawberry.lazy("schema.accounts.blocking")]] | None:
        from schema.accounts.blocking import BlockChange

        if info.context.require_viewer().role is not RoleEnum.ADMIN:
            return None
        rows = await blocking.block_changes_of(info.context.loaders).load(self._row.id)
        return [BlockChange.from_model(row) for row in rows]

    @strawberry.field(description=f"The group that serves a dealer organization. {HIDDEN}null")
    async def support_group(
        self, info: Info
    ) -> Annotated[SupportGroup, strawberry.lazy("schema.support.types")] | None:
        from schema.support.types import SupportGroup

        if not self._internal(info):
            return None
        desk = await support_reads.desk_of(info.context.loaders).load(self._row.id)
        if desk is None or desk.group_id is None:
            return None
        row = await info.context.loaders.load(SupportGroupRow, desk.group_id)
        return SupportGroup.from_model(row) if row else None

    @strawberry.field(description=f"A dealer organization's ACCOUNT_MANAGER. {HIDDEN}null")
    async def account_manager(self, info: Info) -> User | None:
        if not self._internal(info):
            return None
        desk = await support_reads.desk_of(info.context.loaders).load(self._row.id)
        if desk is None or desk.account_manager_id is None:
            return None
        row = await info.context.loaders.load(tables.User, desk.account_manager_id)
        return User.from_model(row) if row else None


@strawberry.type
class User(Node):
    email: str
    name: str
    role: Role
    _row: strawberry.Private[tables.User]

    @classmethod
    def from_model(cls, row: tables.User) -> User:
        return cls(
            id=strawberry.ID(to_global_id("User", row.pk)),
            email=row.email,
            name=row.name,
            role=row.role,
            _row=row,
        )

    @strawberry.field
    async def organization(self, info: Info) -> Organization:
        row = await info.context.loaders.load(tables.Organization, self._row.organization_id)
        assert row is not None  # a user's organization is RESTRICT on delete
        return Organization.from_model(row)


@strawberry.input
class CreateOrganizationInput:
    name: str
    kind: OrganizationKind


@strawberry.input
class CreateUserInput:
    email: str
    name: str
    password: str
    role: Role
    organization_id: strawberry.ID


@strawberry.type
class OrganizationPayload:
    organization: Organization | None = None
    errors: list[UserError]


@strawberry.type
class UserPayload:
    user: User | None = None
    errors: list[UserError]


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(
        default=None,
        description="Bearer token for the Authorization header and the websocket "
        "connection_init payload",
    )
    user: User | None = None
    errors: list[UserError]


@node_fetcher("Organization")
async def _organization_node(info: Info, key: int) -> Organization | None:
    row = await reads.organization(info.context.require_viewer(), key)
    return Organization.from_model(row) if row else None


@node_fetcher("User")
async def _user_node(info: Info, key: int) -> User | None:
    row = await reads.user(info.context.require_viewer(), key)
    return User.from_model(row) if row else None


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="Null when the request carries no valid token")
    async def viewer(self, info: Info) -> User | None:
        if info.context.viewer is None:
            return None
        row = await info.context.loaders.load(tables.User, info.context.viewer.user_id)
        return User.from_model(row) if row else None


@strawberry.type
class AccountsMutation:
    @strawberry.mutation
    async def login(self, info: Info, email: str, password: str) -> LoginPayload:
        async def action() -> dict[str, object]:
            allow = info.context.allow
            if allow is not None and not await allow("login"):
                raise DomainError(
                    ErrorCode.LIMIT_EXCEEDED, "too many sign-in attempts: wait a minute"
                )
            ttl = dt.timedelta(seconds=info.context.settings.token_ttl_seconds)
            session = await accounts.login(email=email, password=password, ttl=ttl)
            return {"token": session.token, "user": User.from_model(session.user)}

        return await run_payload(LoginPayload, action)

    @strawberry.mutation(description="ADMIN: onboard a dealer, carrier or platform organization")
    async def create_organization(
        self, info: Info, input: CreateOrganizationInput
    ) -> OrganizationPayload:
        async def action() -> dict[str, object]:
            row = await accounts.create_organization(
                viewer=info.context.viewer, name=input.name, kind=input.kind
            )
            return {"organization": Organization.from_model(row)}

        return await run_payload(OrganizationPayload, action)

    @strawberry.mutation(
        description="ADMIN: a user of an organization; the role must fit the organization's kind"
    )
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        async def action() -> dict[str, object]:
            row = await accounts.create_user(
                viewer=info.context.viewer,
                email=input.email,
                name=input.name,
                password=input.password,
                role=input.role,
                organization_id=decode_id(
                    input.organization_id, "Organization", ["input", "organizationId"]
                ),
            )
            return {"user": User.from_model(row)}

        return await run_payload(UserPayload, action)
