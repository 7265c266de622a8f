"""Reads of disputes: pages, and the DataLoaders of their relations (one query per relation).

Seeing a dispute is seeing its messages, proposals and refunds; the disputes of a shipment
are filtered by the viewer like every other list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from strawberry.dataloader import DataLoader
from tortoise.expressions import Subquery

from models.disputes.tables import (
    AgreementProposal,
    Dispute,
    DisputeMessage,
    DisputeStatus,
    DisputeUpdate,
    Refund,
)
from models.events import Event
from models.viewer import Viewer
from resolvers.disputes.access import visible_disputes
from resolvers.disputes.refunds import cancellation_rates
from resolvers.loaders import Loaders, group_rows
from resolvers.pagination import Page, keyset_page


async def dispute_page(
    viewer: Viewer,
    *,
    first: int | None,
    after: str | None,
    statuses: Sequence[DisputeStatus] | None = None,
) -> Page[Dispute]:
    """Newest first."""
    queryset = visible_disputes(viewer)
    if statuses:
        queryset = queryset.filter(status__in=list(statuses))
    return await keyset_page(queryset, first=first, after=after)


async def dispute(viewer: Viewer, key: int) -> Dispute | None:
    return await visible_disputes(viewer).get_or_none(id=key)


def visible_dispute(loaders: Loaders, viewer: Viewer) -> DataLoader[int, Dispute | None]:
    """A dispute by id, or None where this viewer may not see it."""

    async def batch(ids: Sequence[int]) -> list[Dispute | None]:
        rows = {row.id: row for row in await visible_disputes(viewer).filter(id__in=list(ids))}
        return [rows.get(key) for key in ids]

    return loaders.get(("visible_dispute", viewer), batch)


def _visible_dispute_ids(viewer: Viewer) -> Subquery:
    return Subquery(visible_disputes(viewer).values("id"))


async def message(viewer: Viewer, key: int) -> DisputeMessage | None:
    return await DisputeMessage.filter(id=key, dispute_id__in=_visible_dispute_ids(viewer)).first()


async def proposal(viewer: Viewer, key: int) -> AgreementProposal | None:
    return await AgreementProposal.filter(
        id=key, dispute_id__in=_visible_dispute_ids(viewer)
    ).first()


def disputes_of(loaders: Loaders, viewer: Viewer) -> DataLoader[int, list[Dispute]]:
    """The disputes of a shipment that this viewer may see, oldest first, by shipment id."""

    async def batch(ids: Sequence[int]) -> list[list[Dispute]]:
        rows = await visible_disputes(viewer).filter(shipment_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "shipment_id")

    return loaders.get(("disputes_of", viewer), batch)


def messages_of(loaders: Loaders) -> DataLoader[int, list[DisputeMessage]]:
    async def batch(ids: Sequence[int]) -> list[list[DisputeMessage]]:
        rows = await DisputeMessage.filter(dispute_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "dispute_id")

    return loaders.get("dispute_messages_of", batch)


def proposals_of(loaders: Loaders) -> DataLoader[int, list[AgreementProposal]]:
    async def batch(ids: Sequence[int]) -> list[list[AgreementProposal]]:
        rows = await AgreementProposal.filter(dispute_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "dispute_id")

    return loaders.get("proposals_of", batch)


def refunds_of(loaders: Loaders) -> DataLoader[int, list[Refund]]:
    """A dispute's ledger rows, oldest first (a carrier's decision, then the centre's)."""

    async def batch(ids: Sequence[int]) -> list[list[Refund]]:
        rows = await Refund.filter(dispute_id__in=list(ids)).order_by("id")
        return group_rows(ids, rows, "dispute_id")

    return loaders.get("refunds_of", batch)


def rates_of(loaders: Loaders) -> DataLoader[int, Fraction]:
    """Customers' cancellation rates, by organization id, all in one query."""

    async def batch(ids: Sequence[int]) -> list[Fraction]:
        rates = await cancellation_rates(ids)
        return [rates[key] for key in ids]

    return loaders.get("cancellation_rates", batch)


@dataclass(frozen=True, slots=True)
class UpdateRows:
    """The root of a DISPUTE event: the update, its dispute now, its message or proposal."""

    update: DisputeUpdate
    dispute: Dispute
    message: DisputeMessage | None
    proposal: AgreementProposal | None


async def update_of(event: Event) -> UpdateRows | None:
    update = await DisputeUpdate.get_or_none(id=event.subject_id)
    if update is None:
        return None
    return UpdateRows(
        update=update,
        dispute=await Dispute.get(id=update.dispute_id),
        message=await DisputeMessage.get(id=update.message_id) if update.message_id else None,
        proposal=(
            await AgreementProposal.get(id=update.proposal_id) if update.proposal_id else None
        ),
    )
