"""Reads of insurance claims: by id, a shipment's claims, a claim's history."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models.claims.rules import ClaimStatus
from models.claims.tables import ClaimChange, InsuranceClaim
from models.viewer import Viewer
from resolvers.claims.access import visible_claims
from resolvers.loaders import Loaders, group_rows
from resolvers.pagination import Page, keyset_page


async def claim(viewer: Viewer, key: int) -> InsuranceClaim | None:
    return await visible_claims(viewer).get_or_none(id=key)


async def claim_page(
    viewer: Viewer, *, first: int | None, after: str | None, statuses: Sequence[ClaimStatus] = ()
) -> Page[InsuranceClaim]:
    """The claims the viewer sees, newest first (back office's queue, a customer's own)."""
    queryset = visible_claims(viewer)
    if statuses:
        queryset = queryset.filter(status__in=list(statuses))
    return await keyset_page(queryset, first=first, after=after)


def visible_claim(loaders: Loaders, viewer: Viewer) -> DataLoader[int, InsuranceClaim | None]:
    """A claim by id, or None where this viewer may not see it."""

    async def batch(keys: Sequence[int]) -> list[InsuranceClaim | None]:
        rows = {row.id: row for row in await visible_claims(viewer).filter(id__in=list(keys))}
        return [rows.get(key) for key in keys]

    return loaders.get(("visible_claim", viewer), batch)


def claims_of(loaders: Loaders, viewer: Viewer) -> DataLoader[int, list[InsuranceClaim]]:
    """Each shipment's claims that the viewer may see, newest first."""

    async def batch(keys: Sequence[int]) -> list[list[InsuranceClaim]]:
        rows = await visible_claims(viewer).filter(shipment_id__in=list(keys)).order_by("-id")
        return group_rows(keys, rows, "shipment_id")

    return loaders.get(("claims_of", viewer), batch)


def changes_of(loaders: Loaders) -> DataLoader[int, list[ClaimChange]]:
    async def batch(keys: Sequence[int]) -> list[list[ClaimChange]]:
        rows = await ClaimChange.filter(claim_id__in=list(keys)).order_by("id")
        return group_rows(keys, rows, "claim_id")

    return loaders.get("claim_changes", batch)


async def change_root(change_id: int) -> tuple[ClaimChange, InsuranceClaim] | None:
    """The root of one INSURANCE_CLAIM event: the change, and its claim as it is now."""
    change = await ClaimChange.get_or_none(id=change_id)
    if change is None:
        return None
    return change, await InsuranceClaim.get(id=change.claim_id)
