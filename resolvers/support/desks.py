"""Who serves each dealer: its group and account manager, and a dealer's request to move.

Decisions: a dealer asks to move with a reason only (it sees its own group, not the others);
the approver, an ADMIN or the dealer's own ACCOUNT_MANAGER, picks the new group. One request
may be pending per dealer (a unique key held while PENDING refuses a second, also in a race).
Threads already open stay with the group that has them; new ones go to the new group.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import clock
from models.accounts.tables import Organization, User
from models.enums import OrganizationKind, Role
from models.support.tables import DealerDesk, GroupMove, MoveStatus
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.accounts.events import staff_access_changed
from resolvers.errors import conflict, forbidden, invalid, invalid_transition, not_found
from resolvers.pagination import Page, keyset_page
from resolvers.support.access import find_group, visible_moves
from subscriptions.log import recording


async def _dealer(organization_id: int) -> Organization:
    organization = await Organization.get_or_none(id=organization_id)
    if organization is None:
        raise not_found(["organizationId"], "organization")
    if organization.kind is not OrganizationKind.DEALER:
        raise invalid(["organizationId"], f"must be a DEALER, not a {organization.kind.value}")
    return organization


async def desk_of(organization_id: int) -> DealerDesk:
    desk, _ = await DealerDesk.get_or_create(organization_id=organization_id)
    return desk


async def set_dealer_group(
    *, viewer: Viewer | None, organization_id: int, group_id: int | None
) -> Organization:
    """ADMIN: the group that serves a dealer (None: no group; threads fall back, see routing)."""
    viewer = writer(viewer, Role.ADMIN)
    organization = await _dealer(organization_id)
    if group_id is not None:
        await find_group(viewer, group_id, ["groupId"])
    desk = await desk_of(organization.id)
    await DealerDesk.filter(id=desk.id).update(group_id=group_id)
    return organization


async def set_account_manager(
    *, viewer: Viewer | None, organization_id: int, user_id: int | None
) -> Organization:
    """ADMIN: the dealer's account manager, an ACCOUNT_MANAGER user (None: none)."""
    writer(viewer, Role.ADMIN)
    organization = await _dealer(organization_id)
    if user_id is not None:
        user = await User.get_or_none(id=user_id)
        if user is None:
            raise not_found(["userId"], "user")
        if user.role is not Role.ACCOUNT_MANAGER:
            raise invalid(["userId"], f"must be an ACCOUNT_MANAGER, not a {user.role.value}")
    desk = await desk_of(organization.id)
    async with recording() as log:
        await DealerDesk.filter(id=desk.id).update(account_manager_id=user_id)
        await staff_access_changed(log)  # the old manager's streams of the dealer end
    return organization


async def request_group_move(*, viewer: Viewer | None, reason: str) -> GroupMove:
    viewer = writer(viewer, Role.DEALER)
    if not viewer.is_dealer:
        raise forbidden("only a dealer asks to be served by another group")
    reason = checks.text(reason, ["reason"], limit=2000)
    desk = await desk_of(viewer.organization_id)
    try:
        return await GroupMove.create(
            organization_id=viewer.organization_id,
            from_group_id=desk.group_id,
            reason=reason,
            requested_by_id=viewer.user_id,
            pending_key=viewer.organization_id,
            requested_at=clock.now(),
        )
    except IntegrityError:
        raise conflict("a request to move is pending already: wait for its answer") from None


async def decide_group_move(
    *, viewer: Viewer | None, move_id: int, approve: bool, group_id: int | None = None
) -> GroupMove:
    """ACCOUNT_MANAGER (of that dealer) or ADMIN: approve into `group_id`, or decline."""
    viewer = writer(viewer, Role.ACCOUNT_MANAGER)
    move = await visible_moves(viewer).get_or_none(id=move_id)
    if move is None:
        raise not_found(["moveId"], "group move request")
    if move.status is not MoveStatus.PENDING:
        raise invalid_transition(f"the request was {move.status.value} already", ["moveId"])
    desk = await desk_of(move.organization_id)
    if approve:
        if group_id is None:
            raise invalid(["groupId"], "approving a move names the group to move to")
        await find_group(viewer, group_id, ["groupId"])
        if group_id == desk.group_id:
            raise invalid(["groupId"], "the dealer is served by this group already")
    now = clock.now()
    changes = {
        "status": MoveStatus.APPROVED if approve else MoveStatus.DECLINED,
        "to_group_id": group_id if approve else None,
        "decided_by_id": viewer.user_id,
        "decided_at": now,
        "pending_key": None,
    }
    async with in_transaction():
        decided = await GroupMove.filter(id=move.id, status=MoveStatus.PENDING).update(**changes)
        if not decided:
            raise conflict("the request was decided meanwhile: load it again")
        if approve:
            await DealerDesk.filter(id=desk.id).update(group_id=group_id)
    await move.refresh_from_db()
    return move


async def move_page(
    viewer: Viewer, *, first: int | None, after: str | None, pending_only: bool = False
) -> Page[GroupMove]:
    queryset = visible_moves(viewer)
    if pending_only:
        queryset = queryset.filter(status=MoveStatus.PENDING)
    return await keyset_page(queryset, first=first, after=after)
