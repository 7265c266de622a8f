"""Reads of service requests: by id, a kind's requests by status, every kind's by due time, a
request's history and parcels, a thread's or a shipment's requests, the root of one event."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models.documents.tables import Document
from models.services.rules import RequestStatus, ServiceKind
from models.services.tables import (
    CreditLine,
    ServiceParcel,
    ServiceRequest,
    ServiceRequestChange,
)
from models.viewer import Viewer
from resolvers.documents.access import visible_documents
from resolvers.loaders import Loaders, group_rows
from resolvers.pagination import DuePage, Page, due_page, keyset_page
from resolvers.services.access import staff_reads, visible_requests


async def request(viewer: Viewer, key: int, kind: ServiceKind) -> ServiceRequest | None:
    return await visible_requests(viewer).get_or_none(id=key, kind=kind)


async def kind_page(
    viewer: Viewer,
    kind: ServiceKind,
    *,
    first: int | None,
    after: str | None,
    statuses: Sequence[RequestStatus] = (),
) -> Page[ServiceRequest]:
    """One kind's requests the viewer sees, newest first."""
    queryset = visible_requests(viewer).filter(kind=kind)
    if statuses:
        queryset = queryset.filter(status__in=list(statuses))
    return await keyset_page(queryset, first=first, after=after)


async def request_page(
    viewer: Viewer,
    *,
    first: int | None,
    after: str | None,
    kinds: Sequence[ServiceKind] = (),
    statuses: Sequence[RequestStatus] = (),
    open_only: bool = False,
) -> DuePage[ServiceRequest]:
    """Every kind's requests the viewer sees, the soonest due first ("my requests", queues)."""
    queryset = visible_requests(viewer)
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    if statuses:
        queryset = queryset.filter(status__in=list(statuses))
    if open_only:
        queryset = queryset.filter(closed_at=None)
    return await due_page(queryset, first=first, after=after)


def visible_request(loaders: Loaders, viewer: Viewer) -> DataLoader[int, ServiceRequest | None]:
    async def batch(keys: Sequence[int]) -> list[ServiceRequest | None]:
        rows = {row.id: row for row in await visible_requests(viewer).filter(id__in=list(keys))}
        return [rows.get(key) for key in keys]

    return loaders.get(("visible_service_request", viewer), batch)


def requests_of(
    loaders: Loaders, viewer: Viewer, column: str
) -> DataLoader[int, list[ServiceRequest]]:
    """Each thread's (column "thread_id") or shipment's requests the viewer sees, newest first."""

    async def batch(keys: Sequence[int]) -> list[list[ServiceRequest]]:
        found = visible_requests(viewer).filter(**{f"{column}__in": list(keys)})
        return group_rows(keys, await found.order_by("-id"), column)

    return loaders.get(("service_requests_of", column, viewer), batch)


def changes_of(loaders: Loaders) -> DataLoader[int, list[ServiceRequestChange]]:
    async def batch(keys: Sequence[int]) -> list[list[ServiceRequestChange]]:
        rows = await ServiceRequestChange.filter(request_id__in=list(keys)).order_by("id")
        return group_rows(keys, rows, "request_id")

    return loaders.get("service_request_changes", batch)


def parcels_of(loaders: Loaders) -> DataLoader[int, list[ServiceParcel]]:
    async def batch(keys: Sequence[int]) -> list[list[ServiceParcel]]:
        rows = await ServiceParcel.filter(request_id__in=list(keys)).order_by("id")
        return group_rows(keys, rows, "request_id")

    return loaders.get("service_parcels", batch)


async def credit_line_of(viewer: Viewer, dealer_id: int) -> CreditLine | None:
    """A dealer's credit line, for the dealer itself and staff who read requests."""
    if not staff_reads(viewer) or viewer.is_carrier:
        return None
    if viewer.is_dealer and viewer.organization_id != dealer_id:
        return None
    return await CreditLine.get_or_none(organization_id=dealer_id)


async def change_root(change_id: int) -> tuple[ServiceRequestChange, ServiceRequest] | None:
    """The root of one SERVICE_REQUEST event: the change, and its request as it is now."""
    change = await ServiceRequestChange.get_or_none(id=change_id)
    if change is None:
        return None
    return change, await ServiceRequest.get(id=change.request_id)


def linked_document(loaders: Loaders, viewer: Viewer) -> DataLoader[int, Document | None]:
    """A document a request links to, where the viewer may see it."""

    async def batch(keys: Sequence[int]) -> list[Document | None]:
        rows = {row.id: row for row in await visible_documents(viewer).filter(id__in=list(keys))}
        return [rows.get(key) for key in keys]

    return loaders.get(("service_linked_document", viewer), batch)
