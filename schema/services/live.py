"""`serviceRequestUpdates`: every step of the service requests of one shipment, or (without a
shipment) of the dealer's own requests, or, for staff who read requests, of every request."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import strawberry

from models.events import Event, EventKind
from resolvers.errors import forbidden
from resolvers.pagination import encode_cursor, seq_after
from resolvers.services import reads
from resolvers.services.access import staff_reads
from resolvers.services.events import SERVICES_TOPIC
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import shipment_topic
from schema.context import Info
from schema.ids import decode_id
from schema.services.types import ServiceRequest, ServiceRequestChange, present
from subscriptions.log import organization_topic
from subscriptions.streams import Caller, Opened, Stream, register, subscribe


@strawberry.type(description="A request's step, as its subscribers receive it")
class ServiceRequestUpdate:
    cursor: str
    request: ServiceRequest = strawberry.field(description="The request as it is now")
    change: ServiceRequestChange


async def load_update(event: Event) -> ServiceRequestUpdate | None:
    root = await reads.change_root(event.subject_id)
    if root is None:
        return None
    change, request = root
    return ServiceRequestUpdate(
        cursor=encode_cursor(event.seq),
        request=present(request),
        change=ServiceRequestChange.from_model(change),
    )


async def open_updates(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    if viewer.is_carrier or not staff_reads(viewer):
        raise forbidden("service requests are for the dealer and the staff who work them")
    after = seq_after(arguments.get("after"))
    if arguments.get("shipmentId") is not None:
        key = decode_id(arguments["shipmentId"], "Shipment", ["shipmentId"])
        await find_shipment(viewer, key, ["shipmentId"])
        return Opened.of(viewer, shipment_topic(key), after=after)
    topic = SERVICES_TOPIC if viewer.is_staff else organization_topic(viewer.organization_id)
    return Opened.of(viewer, topic, after=after)


REQUEST_UPDATES = register(
    Stream(
        name="serviceRequestUpdates",
        kinds=frozenset({EventKind.SERVICE_REQUEST}),
        open=open_updates,
        load=load_update,
    )
)


@strawberry.type
class ServicesSubscription:
    @strawberry.subscription(
        description="Every step of the service requests of a shipment, or of all the viewer's"
    )
    async def service_request_updates(
        self, info: Info, shipment_id: strawberry.ID | None = None, after: str | None = None
    ) -> AsyncGenerator[ServiceRequestUpdate, None]:
        arguments = {"shipmentId": shipment_id, "after": after}
        async for update in subscribe(REQUEST_UPDATES, info.context, arguments):
            yield update
