"""Support groups (at most 10) and their members on the two shifts: ADMIN's to shape.

The limit holds under races without a lock: each group takes one of the slots 1 to 10, and
the slot column is unique, so of two creations that both saw one slot free, the database
refuses the second; it looks again, finds none, and answers LIMIT_EXCEEDED.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import clock
from models.accounts.tables import User
from models.enums import STAFF_ROLES, ErrorCode, Role
from models.support.tables import MAX_GROUPS, SupportGroup, SupportGroupMember, SupportShift
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.accounts.events import user_access_changed
from resolvers.checks import Path
from resolvers.errors import DomainError, conflict, invalid, not_found
from resolvers.support.access import find_group, visible_groups
from subscriptions.log import recording

MAX_MEMBERS = 100


def _limit() -> DomainError:
    return DomainError(
        ErrorCode.LIMIT_EXCEEDED, f"there are {MAX_GROUPS} support groups already, the most allowed"
    )


async def staff_user(user_id: int, field: Path) -> User:
    """A platform staff user, or NOT_FOUND / INVALID_INPUT naming `field`."""
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise not_found(field, "user")
    if user.role not in STAFF_ROLES:
        raise invalid(field, f"must be a staff user, not a {user.role.value}")
    return user


async def _members(member_ids: Sequence[int]) -> list[User]:
    if len(member_ids) > MAX_MEMBERS:
        raise invalid(["memberIds"], f"must list at most {MAX_MEMBERS} users")
    first_at: dict[int, int] = {}
    users = []
    for index, key in enumerate(member_ids):
        if key in first_at:
            raise invalid(["memberIds", index], f"is listed twice (member {first_at[key]} is it)")
        first_at[key] = index
        users.append(await staff_user(key, ["memberIds", index]))
    return users


async def create_support_group(
    *, viewer: Viewer | None, name: str, member_ids: Sequence[int] = ()
) -> SupportGroup:
    """ADMIN: a new group, its members on the DAY shift (addSupportGroupMember moves them)."""
    writer(viewer, Role.ADMIN)
    name = checks.text(name, ["name"], limit=100)
    members = await _members(member_ids)
    duplicate = conflict(f"a support group named {name} exists already", ["name"])
    if await SupportGroup.exists(name=name):
        raise duplicate
    for _ in range(MAX_GROUPS + 1):  # each retry means another group took the slot meanwhile
        taken = set(await SupportGroup.all().values_list("slot", flat=True))
        free = [slot for slot in range(1, MAX_GROUPS + 1) if slot not in taken]
        if not free:
            raise _limit()
        try:
            async with in_transaction():
                group = await SupportGroup.create(name=name, slot=free[0], created_at=clock.now())
                await SupportGroupMember.bulk_create(
                    [SupportGroupMember(group_id=group.id, user_id=user.id) for user in members]
                )
            return group
        except IntegrityError:
            if await SupportGroup.exists(name=name):
                raise duplicate from None
    raise _limit()


async def add_group_member(
    *, viewer: Viewer | None, group_id: int, user_id: int, shift: SupportShift
) -> SupportGroup:
    """ADMIN: puts a staff user in the group on `shift`, or moves a member to it."""
    viewer = writer(viewer, Role.ADMIN)
    group = await find_group(viewer, group_id, ["groupId"])
    user = await staff_user(user_id, ["userId"])
    updated = await SupportGroupMember.filter(group_id=group.id, user_id=user.id).update(
        shift=shift
    )
    if not updated:
        try:
            async with recording() as log:
                await SupportGroupMember.create(group_id=group.id, user_id=user.id, shift=shift)
                await user_access_changed(log, user.id)
        except IntegrityError:  # added meanwhile by another request: set its shift
            await SupportGroupMember.filter(group_id=group.id, user_id=user.id).update(shift=shift)
    return group


async def remove_group_member(
    *, viewer: Viewer | None, group_id: int, user_id: int
) -> SupportGroup:
    viewer = writer(viewer, Role.ADMIN)
    group = await find_group(viewer, group_id, ["groupId"])
    async with recording() as log:
        removed = await SupportGroupMember.filter(group_id=group.id, user_id=user_id).delete()
        if not removed:
            raise not_found(["userId"], "member of this group")
        # its open streams of the group's threads end before the group's next message
        await user_access_changed(log, user_id)
    return group


async def groups(viewer: Viewer) -> list[SupportGroup]:
    """Staff: every group (10 at most). A dealer: its own group."""
    return list(await visible_groups(viewer).order_by("slot"))


async def group(viewer: Viewer, key: int) -> SupportGroup | None:
    return await visible_groups(viewer).get_or_none(id=key)
