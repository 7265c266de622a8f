"""Reads of documents: by id, and the DataLoaders of the lists on shipments and claims (one
query for every shipment or claim of a request), paged by keyset in the viewer's sight."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q

from models import clock
from models.documents.rules import AWAITED, DocumentKind, DocumentStatus
from models.documents.tables import Document, DocumentChange
from models.enums import Role
from models.viewer import Viewer
from resolvers.documents.access import visible_documents
from resolvers.loaders import Loaders, group_rows
from resolvers.pagination import Page, decode_cursor, keyset_page, page_size


async def document(viewer: Viewer, key: int) -> Document | None:
    return await visible_documents(viewer).get_or_none(id=key)


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    statuses: Sequence[DocumentStatus] = ()
    kinds: Sequence[DocumentKind] = ()
    holder: Role | None = None
    overdue: bool | None = None


async def document_page(
    viewer: Viewer, wanted: DocumentFilter, *, first: int | None, after: str | None
) -> Page[Document]:
    """The documents the viewer sees across shipments, newest first: a desk's work queue."""
    queryset = visible_documents(viewer)
    if wanted.statuses:
        queryset = queryset.filter(status__in=list(wanted.statuses))
    if wanted.kinds:
        queryset = queryset.filter(kind__in=list(wanted.kinds))
    if wanted.holder is not None:
        queryset = queryset.filter(holder=wanted.holder)
    if wanted.overdue is not None:
        late = Q(due_at__lt=clock.now(), status__in=list(AWAITED))
        queryset = queryset.filter(late if wanted.overdue else ~late)
    return await keyset_page(queryset, first=first, after=after)


def documents_of(loaders: Loaders, viewer: Viewer, owner: str) -> DataLoader[int, list[Document]]:
    """The visible documents of each shipment (`owner="shipment_id"`) or claim, oldest first."""

    async def batch(keys: Sequence[int]) -> list[list[Document]]:
        rows = await visible_documents(viewer).filter(**{f"{owner}__in": list(keys)}).order_by("id")
        return group_rows(keys, rows, owner)

    return loaders.get(("documents_of", owner, viewer), batch)


def changes_of(loaders: Loaders) -> DataLoader[int, list[DocumentChange]]:
    async def batch(keys: Sequence[int]) -> list[list[DocumentChange]]:
        rows = await DocumentChange.filter(document_id__in=list(keys)).order_by("id")
        return group_rows(keys, rows, "document_id")

    return loaders.get("document_changes", batch)


def page_of(rows: list[Document], *, first: int | None, after: str | None) -> Page[Document]:
    """A keyset page of one owner's rows (a shipment holds tens of papers, not thousands)."""
    size = page_size(first)
    following = rows
    if after is not None:
        key = decode_cursor(after)
        following = [row for row in rows if row.id > key]
    return Page(
        items=following[:size],
        has_next=len(following) > size,
        has_previous=after is not None,
        total=len(rows),
    )


async def change_root(change_id: int) -> tuple[DocumentChange, Document] | None:
    """The root of one DOCUMENT event: the change, and its document as it is now."""
    change = await DocumentChange.get_or_none(id=change_id)
    if change is None:
        return None
    return change, await Document.get(id=change.document_id)
