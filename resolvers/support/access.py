"""Who sees which support threads, messages and groups: one queryset each, used everywhere.

- ADMIN: everything.
- A dealer: its own organization's threads, without internal notes; its own group.
- SUPPORT_AGENT: the queues of its groups, the threads assigned to it, and unrouted threads
  (no group and no assignee: models/support/rules.py). ACCOUNT_MANAGER: the same, plus every
  thread of the dealers it manages.
- Other staff (back office, warehouse, dispatch, bidding, disputes): the threads assigned to
  them. Staff see every group.
- Carriers: nothing.

A thread outside these answers exactly like a missing one (NOT_FOUND), in queries, `node`,
mutations and subscriptions.
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models.enums import Role
from models.support.tables import (
    DealerDesk,
    GroupMove,
    SupportGroup,
    SupportGroupMember,
    SupportMessage,
)
from models.support.tables import SupportThread as Thread
from models.viewer import Viewer
from resolvers.checks import Path
from resolvers.errors import not_found

DESK_ROLES = (Role.SUPPORT_AGENT, Role.ACCOUNT_MANAGER)  # and ADMIN: who works the queues


def _my_groups(viewer: Viewer) -> Subquery:
    return Subquery(SupportGroupMember.filter(user_id=viewer.user_id).values("group_id"))


def visible_threads(viewer: Viewer) -> QuerySet[Thread]:
    if viewer.is_admin:
        return Thread.all()
    if viewer.is_dealer:
        return Thread.filter(dealer_id=viewer.organization_id)
    if not viewer.is_staff:
        return Thread.filter(id__in=[])
    seen = Q(assignee_id=viewer.user_id)
    if viewer.role in DESK_ROLES:
        unrouted = Q(group_id=None, assignee_id=None)
        seen |= Q(group_id__in=_my_groups(viewer)) | unrouted
    if viewer.role is Role.ACCOUNT_MANAGER:
        managed = DealerDesk.filter(account_manager_id=viewer.user_id).values("organization_id")
        seen |= Q(dealer_id__in=Subquery(managed))
    return Thread.filter(seen)


def visible_messages(viewer: Viewer) -> QuerySet[SupportMessage]:
    """Messages of visible threads; a dealer never gets an internal note."""
    if viewer.is_admin:
        return SupportMessage.all()
    threads = Subquery(visible_threads(viewer).values("id"))
    messages = SupportMessage.filter(thread_id__in=threads)
    return messages if viewer.is_staff else messages.filter(internal=False)


def visible_groups(viewer: Viewer) -> QuerySet[SupportGroup]:
    if viewer.is_staff:
        return SupportGroup.all()
    if viewer.is_dealer:
        mine = DealerDesk.filter(organization_id=viewer.organization_id).values("group_id")
        return SupportGroup.filter(id__in=Subquery(mine))
    return SupportGroup.filter(id__in=[])


async def find_thread(viewer: Viewer, key: int, field: Path) -> Thread:
    row = await visible_threads(viewer).get_or_none(id=key)
    if row is None:
        raise not_found(field, "support thread")
    return row


async def find_group(viewer: Viewer, key: int, field: Path) -> SupportGroup:
    row = await visible_groups(viewer).get_or_none(id=key)
    if row is None:
        raise not_found(field, "support group")
    return row


def visible_moves(viewer: Viewer) -> QuerySet[GroupMove]:
    """ADMIN: all. ACCOUNT_MANAGER: its dealers'. A dealer: its own."""
    if viewer.is_admin:
        return GroupMove.all()
    if viewer.role is Role.ACCOUNT_MANAGER:
        managed = DealerDesk.filter(account_manager_id=viewer.user_id).values("organization_id")
        return GroupMove.filter(organization_id__in=Subquery(managed))
    if viewer.is_dealer:
        return GroupMove.filter(organization_id=viewer.organization_id)
    return GroupMove.filter(id__in=[])
