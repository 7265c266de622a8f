"""`disputeUpdates`: every status change and message of one dispute, to its parties and staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import strawberry

from models.disputes.tables import DisputeUpdateKind as DisputeUpdateKindEnum
from models.events import Event, EventKind
from resolvers.disputes import reads
from resolvers.disputes.access import find_dispute
from resolvers.disputes.events import dispute_topic
from resolvers.pagination import encode_cursor, seq_after
from schema.context import Info
from schema.disputes.types import (
    AgreementProposal,
    Dispute,
    DisputeMessage,
    DisputeOutcome,
    DisputeStatus,
)
from schema.ids import decode_id
from subscriptions.streams import Caller, Opened, Stream, register, subscribe

DisputeUpdateKind = DisputeUpdateKindEnum
strawberry.enum(
    DisputeUpdateKind, name="DisputeUpdateKind", description="What one dispute update records"
)


@strawberry.type
class DisputeUpdate:
    cursor: str
    kind: DisputeUpdateKind
    dispute: Dispute
    status: DisputeStatus = strawberry.field(description="The dispute's status after this update")
    outcome: DisputeOutcome | None
    message: DisputeMessage | None
    proposal: AgreementProposal | None
    occurred_at: dt.datetime


async def _update(event: Event) -> DisputeUpdate | None:
    rows = await reads.update_of(event)
    if rows is None:
        return None
    return DisputeUpdate(
        cursor=encode_cursor(event.seq),
        kind=rows.update.kind,
        dispute=Dispute.from_model(rows.dispute),
        status=rows.update.status,
        outcome=rows.update.outcome,
        message=DisputeMessage.from_model(rows.message) if rows.message else None,
        proposal=AgreementProposal.from_model(rows.proposal) if rows.proposal else None,
        occurred_at=rows.update.occurred_at,
    )


async def _open(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    key = decode_id(arguments["disputeId"], "Dispute", ["disputeId"])
    await find_dispute(viewer, key, ["disputeId"])  # hidden: NOT_FOUND, like a missing one
    return Opened.of(viewer, dispute_topic(key), after=seq_after(arguments.get("after")))


DISPUTE_UPDATES = register(
    Stream(name="disputeUpdates", kinds=frozenset({EventKind.DISPUTE}), open=_open, load=_update)
)


@strawberry.type
class DisputesSubscription:
    @strawberry.subscription
    async def dispute_updates(
        self, info: Info, dispute_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[DisputeUpdate, None]:
        arguments = {"disputeId": dispute_id, "after": after}
        async for update in subscribe(DISPUTE_UPDATES, info.context, arguments):
            yield update
