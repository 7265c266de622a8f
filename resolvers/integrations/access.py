"""Who reads an organization feed, and which of its events' subjects a viewer may see now."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tortoise.queryset import QuerySet

from models.viewer import Viewer
from resolvers.claims.access import visible_claims
from resolvers.disputes.access import visible_disputes
from resolvers.documents.access import visible_documents
from resolvers.errors import forbidden
from resolvers.shipments.access import visible_containers, visible_shipments
from resolvers.support.access import visible_threads


def feed_organization(viewer: Viewer) -> int:
    """The organization whose feed the viewer reads: its own, when a DEALER or CARRIER one."""
    if not (viewer.is_dealer or viewer.is_carrier):
        raise forbidden("the organization feed is for DEALER and CARRIER organizations")
    return viewer.organization_id


VISIBLE: dict[str, Callable[[Viewer], QuerySet[Any]]] = {
    "Shipment": visible_shipments,
    "Container": visible_containers,
    "Dispute": visible_disputes,
    "SupportThread": visible_threads,
    "Document": visible_documents,
    "InsuranceClaim": visible_claims,
}


async def subjects(viewer: Viewer, refs: Sequence[tuple[str, int]]) -> list[Any]:
    """The subjects of feed events as the viewer may see them now (None where it may not), one
    query per type."""
    keys: dict[str, set[int]] = {}
    for type_name, key in refs:
        keys.setdefault(type_name, set()).add(key)
    found: dict[tuple[str, int], Any] = {}
    for type_name, wanted in keys.items():
        visible = VISIBLE.get(type_name)
        if visible is not None:
            for row in await visible(viewer).filter(id__in=sorted(wanted)):
                found[(type_name, row.id)] = row
    return [found.get(ref) for ref in refs]
