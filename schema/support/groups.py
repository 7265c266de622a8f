"""Support groups, their members and shifts, each dealer's desk, and its moves to another group."""

from __future__ import annotations

import datetime as dt

import strawberry

from models.accounts.tables import Organization as OrganizationRow
from models.accounts.tables import User as UserRow
from models.support import tables
from models.support.tables import MoveStatus as MoveStatusEnum
from models.support.tables import SupportShift as SupportShiftEnum
from resolvers.support import desks as support_desks
from resolvers.support import groups as support_groups
from resolvers.support import reads as support_reads
from schema.accounts.types import Organization, OrganizationPayload, User
from schema.base import Node, PageInfo, UserError, edges, page_info, run_payload
from schema.context import Info
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher

SupportShift = SupportShiftEnum
strawberry.enum(SupportShift, name="SupportShift", description="DAY 10:00-18:00, NIGHT 16:00-02:00")
GroupMoveStatus = MoveStatusEnum
strawberry.enum(GroupMoveStatus, name="GroupMoveStatus")


@strawberry.type
class SupportGroupMembership:
    shift: SupportShift
    _row: strawberry.Private[tables.SupportGroupMember]

    @strawberry.field
    async def user(self, info: Info) -> User:
        row = await info.context.loaders.load(UserRow, self._row.user_id)
        assert row is not None  # CASCADE on delete
        return User.from_model(row)


@strawberry.type
class SupportGroup(Node):
    name: str
    _row: strawberry.Private[tables.SupportGroup]

    @classmethod
    def from_model(cls, row: tables.SupportGroup) -> SupportGroup:
        return cls(id=strawberry.ID(to_global_id("SupportGroup", row.pk)), name=row.name, _row=row)

    @strawberry.field
    async def members(self, info: Info) -> list[User]:
        rows = await support_reads.members_of(info.context.loaders).load(self._row.id)
        users = await info.context.loaders.by_id(UserRow).load_many([r.user_id for r in rows])
        return [User.from_model(user) for user in users if user is not None]

    @strawberry.field(description="Each member with the shift it works")
    async def memberships(self, info: Info) -> list[SupportGroupMembership]:
        rows = await support_reads.members_of(info.context.loaders).load(self._row.id)
        return [SupportGroupMembership(shift=row.shift, _row=row) for row in rows]


async def group_of(info: Info, key: int | None) -> SupportGroup | None:
    row = await info.context.loaders.load(tables.SupportGroup, key)
    return SupportGroup.from_model(row) if row else None


async def user_of(info: Info, key: int | None) -> User | None:
    row = await info.context.loaders.load(UserRow, key)
    return User.from_model(row) if row else None


@strawberry.type(description="A dealer's request to be served by another support group")
class GroupMove(Node):
    reason: str
    status: GroupMoveStatus
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    _row: strawberry.Private[tables.GroupMove]

    @classmethod
    def from_model(cls, row: tables.GroupMove) -> GroupMove:
        return cls(
            id=strawberry.ID(to_global_id("GroupMove", row.pk)),
            reason=row.reason,
            status=row.status,
            requested_at=row.requested_at,
            decided_at=row.decided_at,
            _row=row,
        )

    @strawberry.field
    async def organization(self, info: Info) -> Organization:
        row = await info.context.loaders.load(OrganizationRow, self._row.organization_id)
        assert row is not None
        return Organization.from_model(row)

    @strawberry.field
    async def from_group(self, info: Info) -> SupportGroup | None:
        return await group_of(info, self._row.from_group_id)

    @strawberry.field
    async def to_group(self, info: Info) -> SupportGroup | None:
        return await group_of(info, self._row.to_group_id)

    @strawberry.field
    async def decided_by(self, info: Info) -> User | None:
        return await user_of(info, self._row.decided_by_id)


@strawberry.type
class GroupMoveEdge:
    node: GroupMove
    cursor: str


@strawberry.type
class GroupMoveConnection:
    edges: list[GroupMoveEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class SupportGroupPayload:
    group: SupportGroup | None = None
    errors: list[UserError]


@strawberry.type
class GroupMovePayload:
    move: GroupMove | None = None
    errors: list[UserError]


@node_fetcher("SupportGroup")
async def _group_node(info: Info, key: int) -> SupportGroup | None:
    row = await support_groups.group(info.context.require_viewer(), key)
    return SupportGroup.from_model(row) if row else None


@node_fetcher("GroupMove")
async def _move_node(info: Info, key: int) -> GroupMove | None:
    viewer = info.context.require_viewer()
    row = await support_reads.move(viewer, key)
    return GroupMove.from_model(row) if row else None


def _group(row: tables.SupportGroup) -> dict[str, object]:
    return {"group": SupportGroup.from_model(row)}


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return None if value is None else decode_id(value, type_name, [field])


@strawberry.type
class SupportGroupsQuery:
    @strawberry.field
    async def support_groups(self, info: Info) -> list[SupportGroup]:
        rows = await support_groups.groups(info.context.require_viewer())
        return [SupportGroup.from_model(row) for row in rows]

    @strawberry.field(
        description="Requests to move to another group: ADMIN all, an ACCOUNT_MANAGER its "
        "dealers', a dealer its own"
    )
    async def support_group_moves(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        pending_only: bool = False,
    ) -> GroupMoveConnection:
        page = await support_desks.move_page(
            info.context.require_viewer(), first=first, after=after, pending_only=pending_only
        )
        return GroupMoveConnection(
            edges=edges(page, GroupMoveEdge, GroupMove.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.type
class SupportGroupsMutation:
    @strawberry.mutation(description="ADMIN: at most 10 groups")
    async def create_support_group(
        self, info: Info, name: str, member_ids: list[strawberry.ID] | None = None
    ) -> SupportGroupPayload:
        async def action() -> dict[str, object]:
            keys = [
                decode_id(key, "User", ["memberIds", index])
                for index, key in enumerate(member_ids or [])
            ]
            row = await support_groups.create_support_group(
                viewer=info.context.viewer, name=name, member_ids=keys
            )
            return _group(row)

        return await run_payload(SupportGroupPayload, action)

    @strawberry.mutation(
        description="ADMIN: a staff user joins a group on a shift, or changes shift"
    )
    async def add_support_group_member(
        self, info: Info, group_id: strawberry.ID, user_id: strawberry.ID, shift: SupportShift
    ) -> SupportGroupPayload:
        async def action() -> dict[str, object]:
            row = await support_groups.add_group_member(
                viewer=info.context.viewer,
                group_id=decode_id(group_id, "SupportGroup", ["groupId"]),
                user_id=decode_id(user_id, "User", ["userId"]),
                shift=shift,
            )
            return _group(row)

        return await run_payload(SupportGroupPayload, action)

    @strawberry.mutation(description="ADMIN")
    async def remove_support_group_member(
        self, info: Info, group_id: strawberry.ID, user_id: strawberry.ID
    ) -> SupportGroupPayload:
        async def action() -> dict[str, object]:
            row = await support_groups.remove_group_member(
                viewer=info.context.viewer,
                group_id=decode_id(group_id, "SupportGroup", ["groupId"]),
                user_id=decode_id(user_id, "User", ["userId"]),
            )
            return _group(row)

        return await run_payload(SupportGroupPayload, action)

    @strawberry.mutation(description="ADMIN: the group that serves a dealer organization")
    async def set_dealer_support_group(
        self, info: Info, organization_id: strawberry.ID, group_id: strawberry.ID | None
    ) -> OrganizationPayload:
        async def action() -> dict[str, object]:
            row = await support_desks.set_dealer_group(
                viewer=info.context.viewer,
                organization_id=decode_id(organization_id, "Organization", ["organizationId"]),
                group_id=_optional_id(group_id, "SupportGroup", "groupId"),
            )
            return {"organization": Organization.from_model(row)}

        return await run_payload(OrganizationPayload, action)

    @strawberry.mutation(description="ADMIN: a dealer organization's ACCOUNT_MANAGER")
    async def set_account_manager(
        self, info: Info, organization_id: strawberry.ID, user_id: strawberry.ID | None
    ) -> OrganizationPayload:
        async def action() -> dict[str, object]:
            row = await support_desks.set_account_manager(
                viewer=info.context.viewer,
                organization_id=decode_id(organization_id, "Organization", ["organizationId"]),
                user_id=_optional_id(user_id, "User", "userId"),
            )
            return {"organization": Organization.from_model(row)}

        return await run_payload(OrganizationPayload, action)

    @strawberry.mutation(description="DEALER: ask to be served by another group")
    async def request_support_group_move(self, info: Info, reason: str) -> GroupMovePayload:
        async def action() -> dict[str, object]:
            row = await support_desks.request_group_move(viewer=info.context.viewer, reason=reason)
            return {"move": GroupMove.from_model(row)}

        return await run_payload(GroupMovePayload, action)

    @strawberry.mutation(
        description="ACCOUNT_MANAGER (of that dealer) or ADMIN: approve into groupId, or decline"
    )
    async def decide_support_group_move(
        self,
        info: Info,
        move_id: strawberry.ID,
        approve: bool,
        group_id: strawberry.ID | None = None,
    ) -> GroupMovePayload:
        async def action() -> dict[str, object]:
            row = await support_desks.decide_group_move(
                viewer=info.context.viewer,
                move_id=decode_id(move_id, "GroupMove", ["moveId"]),
                approve=approve,
                group_id=_optional_id(group_id, "SupportGroup", "groupId"),
            )
            return {"move": GroupMove.from_model(row)}

        return await run_payload(GroupMovePayload, action)
