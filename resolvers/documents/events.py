"""Writing a document's changes: the guarded update, the history row and its event.

Runs inside a use case's `recording()` transaction: the change, its history row and its entry
in the event log (DOCUMENT, on the shipment's topic) commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.documents.rules import DocumentStatus, holder_after
from models.documents.tables import Document, DocumentChange
from models.events import EventKind
from models.shipments.tables import Shipment
from resolvers.documents.access import document_audience, document_topics
from resolvers.steps import log_step, write_version
from subscriptions.log import Recorder


async def update_document(document: Document, **changes: Any) -> None:
    await write_version(document, "document", **changes)


def moved_to(document: Document, status: DocumentStatus, at: dt.datetime) -> dict[str, Any]:
    """The columns of a move to `status`: the status, and who holds the paper now, since when."""
    holder = holder_after(status, document.provider)
    changes: dict[str, Any] = {"status": status, "holder": holder}
    if holder != document.holder or status != document.status:
        changes["held_since"] = at if holder is not None else None
    return changes


async def log_change(
    log: Recorder,
    document: Document,
    shipment: Shipment,
    *,
    previous: DocumentStatus | None,
    by: int | None,
    note: str | None,
    at: dt.datetime,
) -> DocumentChange:
    """The history row of the document as it is now, and its event for who may see it."""
    return await log_step(
        log,
        DocumentChange,
        kind=EventKind.DOCUMENT,
        topics=document_topics(document, shipment.id),
        audience=document_audience(document, shipment),
        at=at,
        document_id=document.id,
        previous_status=previous,
        status=document.status,
        by_id=by,
        note=note,
    )
