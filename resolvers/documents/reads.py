"""Reads of documents: by id, and the DataLoaders of the lists on shipments and claims (one
query for every shipment or claim of a request), paged by keyset in the viewer's sight."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models.documents.tables import Document, DocumentChange
from models.viewer import Viewer
from resolvers.documents.access import visible_documents
from resolvers.loaders import Loaders, group_rows
from resolvers.pagination import Page, decode_cursor, page_size


async def document(viewer: Viewer, key: int) -> Document | None:
    return await visible_documents(viewer).get_or_none(id=key)


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
