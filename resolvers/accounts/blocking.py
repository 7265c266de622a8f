"""Blocking and unblocking organizations, each change audited (who, when, why).

Decisions (issue 15): support blocks a carrier through a fraud refund (resolvers/disputes/
fraud.py); only an ADMIN unblocks, with a reason. Both write a BlockChange in the change's
transaction, and an access event: the next request, open sockets and remembered viewers
(resolvers/integrations/credentials.py) learn of it at once. Two unblocks at once: the
conditional UPDATE lets one through, the other gets INVALID_TRANSITION (not blocked any more).
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models import clock
from models.accounts.tables import BlockChange, Organization
from models.enums import Role
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.accounts.events import organization_access_changed
from resolvers.errors import forbidden, invalid_transition, not_found
from resolvers.loaders import Loaders, group_rows
from subscriptions.log import Recorder, recording

REASON_LIMIT = 2000


async def block_organization(
    log: Recorder, organization_id: int, *, reason: str, by: int | None
) -> None:
    """Blocks the organization, in the caller's transaction: the flag, its audit row and the
    access event by which every process learns of it."""
    await Organization.filter(id=organization_id).update(blocked=True)
    await record_block_change(organization_id, blocked=True, reason=reason, by=by)
    await organization_access_changed(log, organization_id)


async def record_block_change(
    organization_id: int, *, blocked: bool, reason: str, by: int | None
) -> BlockChange:
    """The audit row, in the caller's transaction."""
    return await BlockChange.create(
        organization_id=organization_id,
        blocked=blocked,
        reason=reason,
        changed_by_id=by,
        changed_at=clock.now(),
    )


async def unblock_organization(
    *, viewer: Viewer | None, organization_id: int, reason: str
) -> Organization:
    viewer = writer(viewer)
    if viewer.role is not Role.ADMIN:
        raise forbidden("only an ADMIN unblocks an organization")
    organization = await Organization.get_or_none(id=organization_id)
    if organization is None:
        raise not_found(["organizationId"], "organization")
    reason = checks.text(reason, ["reason"], limit=REASON_LIMIT)
    async with recording() as log:
        changed = await Organization.filter(id=organization.id, blocked=True).update(blocked=False)
        if not changed:
            raise invalid_transition(f"{organization.name} is not blocked", ["organizationId"])
        await record_block_change(organization.id, blocked=False, reason=reason, by=viewer.user_id)
        await organization_access_changed(log, organization.id)  # open sockets learn at once
    organization.blocked = False
    return organization


def block_changes_of(loaders: Loaders) -> DataLoader[int, list[BlockChange]]:
    """An organization's block changes, oldest first, by organization id (for ADMIN)."""

    async def batch(ids: Sequence[int]) -> list[list[BlockChange]]:
        rows = await BlockChange.filter(organization_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "organization_id")

    return loaders.get("block_changes_of", batch)
