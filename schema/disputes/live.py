"""`disputeUpdates`: every status change and message of one dispute, to its parties and staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from models.disputes.tables import AgreementProposal as ProposalRow
from models.disputes.tables import Dispute as DisputeRow
from models.disputes.tables import DisputeMessage as MessageRow
from models.disputes.tables import DisputeUpdate as UpdateRow
from models.disputes.tables import DisputeUpdateKind as DisputeUpdateKindEnum
from models.events import Event, EventKind
from resolvers.disputes.access import find_dispute
from resolvers.disputes.events import dispute_topic
from resolvers.pagination import encode_cursor
from schema.context import Context
from schema.disputes.types import (
    AgreementProposal,
    Dispute,
    DisputeMessage,
    DisputeOutcome,
    DisputeStatus,
)
from schema.ids import decode_id
from schema.streams import Stream, audience_check, cursor_seq, scope_of, stream

DISPUTE = frozenset({EventKind.DISPUTE})
DisputeUpdateKind = strawberry.enum(
    DisputeUpdateKindEnum, name="DisputeUpdateKind", description="What one dispute update records"
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


async def load_update(event: Event) -> DisputeUpdate | None:
    """The root of one event, loaded once per process and shared by every subscriber."""
    update = await UpdateRow.get_or_none(id=event.subject_id)
    if update is None:
        return None
    dispute = await DisputeRow.get(id=update.dispute_id)
    message = await MessageRow.get(id=update.message_id) if update.message_id else None
    proposal = await ProposalRow.get(id=update.proposal_id) if update.proposal_id else None
    return DisputeUpdate(
        cursor=encode_cursor(event.seq),
        kind=update.kind,
        dispute=Dispute.from_model(dispute),
        status=update.status,
        outcome=update.outcome,
        message=DisputeMessage.from_model(message) if message else None,
        proposal=AgreementProposal.from_model(proposal) if proposal else None,
        occurred_at=update.occurred_at,
    )


@stream("disputeUpdates")
async def open_dispute_updates(context: Context, arguments: dict[str, Any]) -> Stream:
    viewer = context.require_viewer()
    key = decode_id(arguments["disputeId"], "Dispute", ["disputeId"])
    await find_dispute(
        viewer, key, ["disputeId"]
    )  # a hidden dispute: NOT_FOUND, like a missing one
    return Stream(
        topic=dispute_topic(key),
        kinds=DISPUTE,
        scope=scope_of(viewer),
        visible=audience_check(viewer),
        load=load_update,
        after=cursor_seq(arguments.get("after")),
    )
