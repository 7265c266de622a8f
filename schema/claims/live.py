"""`insuranceClaimUpdates`: every step of the claims of one shipment, to its customer and the
staff who handle claims."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import strawberry

from models.events import Event, EventKind
from resolvers.claims import reads
from resolvers.claims.access import staff_reads
from resolvers.errors import forbidden
from resolvers.pagination import encode_cursor, seq_after
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import shipment_topic
from schema.claims.types import ClaimChange, InsuranceClaim
from schema.context import Info
from schema.ids import decode_id
from subscriptions.streams import Caller, Opened, Stream, register, subscribe


@strawberry.type(description="A claim's step, as the shipment's subscribers receive it")
class InsuranceClaimUpdate:
    cursor: str
    claim: InsuranceClaim = strawberry.field(description="The claim as it is now")
    change: ClaimChange


async def load_update(event: Event) -> InsuranceClaimUpdate | None:
    root = await reads.change_root(event.subject_id)
    if root is None:
        return None
    change, claim = root
    return InsuranceClaimUpdate(
        cursor=encode_cursor(event.seq),
        claim=InsuranceClaim.from_model(claim),
        change=ClaimChange.from_model(change),
    )


async def open_claim_updates(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    key = decode_id(arguments["shipmentId"], "Shipment", ["shipmentId"])
    await find_shipment(viewer, key, ["shipmentId"])
    if viewer.is_carrier or not staff_reads(viewer):
        raise forbidden("insurance claims are for the customer and the staff who handle them")
    return Opened.of(viewer, shipment_topic(key), after=seq_after(arguments.get("after")))


CLAIM_UPDATES = register(
    Stream(
        name="insuranceClaimUpdates",
        kinds=frozenset({EventKind.INSURANCE_CLAIM}),
        open=open_claim_updates,
        load=load_update,
    )
)


@strawberry.type
class ClaimsSubscription:
    @strawberry.subscription(description="Every step of the shipment's insurance claims")
    async def insurance_claim_updates(
        self, info: Info, shipment_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[InsuranceClaimUpdate, None]:
        arguments = {"shipmentId": shipment_id, "after": after}
        async for update in subscribe(CLAIM_UPDATES, info.context, arguments):
            yield update
