"""`documentUpdates`: every change of the documents of one shipment that the viewer may see."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import strawberry

from models.events import Event, EventKind
from resolvers.documents import reads
from resolvers.documents.access import stream_topic
from resolvers.pagination import encode_cursor, seq_after
from resolvers.shipments.access import find_shipment
from schema.context import Info
from schema.documents.types import Document, DocumentChange
from schema.ids import decode_id
from subscriptions.streams import Caller, Opened, Stream, register, subscribe


@strawberry.type(description="A document's change, as the shipment's subscribers receive it")
class DocumentUpdate:
    cursor: str
    document: Document = strawberry.field(description="The document as it is now")
    change: DocumentChange


async def load_update(event: Event) -> DocumentUpdate | None:
    root = await reads.change_root(event.subject_id)
    if root is None:
        return None
    change, document = root
    return DocumentUpdate(
        cursor=encode_cursor(event.seq),
        document=Document.from_model(document),
        change=DocumentChange.from_model(change),
    )


async def open_document_updates(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    key = decode_id(arguments["shipmentId"], "Shipment", ["shipmentId"])
    await find_shipment(viewer, key, ["shipmentId"])
    return Opened.of(viewer, stream_topic(viewer, key), after=seq_after(arguments.get("after")))


DOCUMENT_UPDATES = register(
    Stream(
        name="documentUpdates",
        kinds=frozenset({EventKind.DOCUMENT}),
        open=open_document_updates,
        load=load_update,
    )
)


@strawberry.type
class DocumentsSubscription:
    @strawberry.subscription(
        description="Every change of the shipment's documents that the viewer may see"
    )
    async def document_updates(
        self, info: Info, shipment_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[DocumentUpdate, None]:
        arguments = {"shipmentId": shipment_id, "after": after}
        async for update in subscribe(DOCUMENT_UPDATES, info.context, arguments):
            yield update
