"""`documentUpdates`: every change of the documents of one shipment that the viewer may see."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from models.events import Event, EventKind
from resolvers.documents import reads
from resolvers.documents.access import stream_topic
from resolvers.pagination import encode_cursor
from resolvers.shipments.access import find_shipment
from schema.context import Context, Info
from schema.documents.types import Document, DocumentChange
from schema.ids import decode_id
from schema.streams import Stream, audience_check, cursor_seq, iterate, scope_of, stream

DOCUMENT = frozenset({EventKind.DOCUMENT})


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


@stream("documentUpdates")
async def open_document_updates(context: Context, arguments: dict[str, Any]) -> Stream:
    viewer = context.require_viewer()
    key = decode_id(arguments["shipmentId"], "Shipment", ["shipmentId"])
    await find_shipment(viewer, key, ["shipmentId"])
    return Stream(
        topic=stream_topic(viewer, key),
        kinds=DOCUMENT,
        scope=scope_of(viewer),
        visible=audience_check(viewer),
        load=load_update,
        after=cursor_seq(arguments.get("after")),
    )


@strawberry.type
class DocumentsSubscription:
    @strawberry.subscription(
        description="Every change of the shipment's documents that the viewer may see"
    )
    async def document_updates(
        self, info: Info, shipment_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[DocumentUpdate, None]:
        opened = await open_document_updates(
            info.context, {"shipmentId": shipment_id, "after": after}
        )
        async for update in iterate(opened):
            yield update
