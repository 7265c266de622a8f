"""Cancellations and disputes: the payloads and the Mutation part."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from models.disputes import tables
from resolvers.disputes import agreements, decisions, fraud
from resolvers.disputes import cancellations as disputes
from schema.base import MoneyInput, UserError, run_payload
from schema.context import Info
from schema.convert import amount
from schema.disputes.types import CancellationReason, Dispute
from schema.ids import decode_id
from schema.shipments.types import Shipment


@strawberry.type
class DisputePayload:
    dispute: Dispute | None = None
    errors: list[UserError]


@strawberry.type
class CancellationPayload:
    dispute: Dispute | None = strawberry.field(
        default=None, description="Set when the cancellation opened a dispute"
    )
    shipment: Shipment | None = None
    errors: list[UserError]


def _dispute(row: tables.Dispute) -> dict[str, Any]:
    return {"dispute": Dispute.from_model(row)}


def _calendar(info: Info) -> dict[str, Any]:
    """The deployment's working days, for reviewDueAt (30 working days)."""
    settings = info.context.settings
    return {"holidays": frozenset(settings.holidays), "zone": settings.zone}


def _dispute_id(value: strawberry.ID) -> int:
    return decode_id(value, "Dispute", ["disputeId"])


@strawberry.type
class CancellationsMutation:
    @strawberry.mutation
    async def request_cancellation(
        self,
        info: Info,
        shipment_id: strawberry.ID,
        reason: CancellationReason,
        explanation: str,
    ) -> CancellationPayload:
        async def action() -> dict[str, Any]:
            done = await disputes.request_cancellation(
                viewer=info.context.viewer,
                shipment_id=decode_id(shipment_id, "Shipment", ["shipmentId"]),
                reason=reason,
                explanation=explanation,
                **_calendar(info),
            )
            return {
                "shipment": Shipment.from_model(done.shipment),
                "dispute": Dispute.from_model(done.dispute) if done.dispute else None,
            }

        return await run_payload(CancellationPayload, action)

    @strawberry.mutation
    async def post_dispute_message(
        self, info: Info, dispute_id: strawberry.ID, body: str
    ) -> DisputePayload:
        async def action() -> dict[str, Any]:
            row = await disputes.post_message(
                viewer=info.context.viewer, dispute_id=_dispute_id(dispute_id), body=body
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)

    @strawberry.mutation
    async def propose_agreement(
        self,
        info: Info,
        dispute_id: strawberry.ID,
        terms: str,
        pickup_scheduled_at: dt.datetime | None = None,
        price: MoneyInput | None = None,
    ) -> DisputePayload:
        async def action() -> dict[str, Any]:
            row = await agreements.propose_agreement(
                viewer=info.context.viewer,
                dispute_id=_dispute_id(dispute_id),
                terms=terms,
                pickup_scheduled_at=pickup_scheduled_at,
                price=amount(price),
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)

    @strawberry.mutation
    async def respond_to_proposal(
        self, info: Info, proposal_id: strawberry.ID, accept: bool
    ) -> DisputePayload:
        async def action() -> dict[str, Any]:
            row = await agreements.respond_to_proposal(
                viewer=info.context.viewer,
                proposal_id=decode_id(proposal_id, "AgreementProposal", ["proposalId"]),
                accept=accept,
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)

    @strawberry.mutation(
        description="Carrier: no agreement was found; cancel, refunding the deposit "
        "(less any penalty) or not"
    )
    async def decide_cancellation(
        self, info: Info, dispute_id: strawberry.ID, refund: bool
    ) -> DisputePayload:
        async def action() -> dict[str, Any]:
            row = await decisions.decide_cancellation(
                viewer=info.context.viewer, dispute_id=_dispute_id(dispute_id), refund=refund
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)

    @strawberry.mutation
    async def escalate_dispute(
        self, info: Info, dispute_id: strawberry.ID, reason: str
    ) -> DisputePayload:
        async def action() -> dict[str, Any]:
            row = await decisions.escalate_dispute(
                viewer=info.context.viewer,
                dispute_id=_dispute_id(dispute_id),
                reason=reason,
                **_calendar(info),
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)

    @strawberry.mutation
    async def remind_carrier(self, info: Info, dispute_id: strawberry.ID) -> DisputePayload:
        async def action() -> dict[str, Any]:
            row = await fraud.remind_carrier(
                viewer=info.context.viewer, dispute_id=_dispute_id(dispute_id), **_calendar(info)
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)

    @strawberry.mutation(
        description="Support: carrier silent after the required reminders, within 7 days of "
        "acceptance; refunds and blocks the carrier"
    )
    async def refund_for_fraud(self, info: Info, dispute_id: strawberry.ID) -> DisputePayload:
        async def action() -> dict[str, Any]:
            row = await fraud.refund_for_fraud(
                viewer=info.context.viewer,
                dispute_id=_dispute_id(dispute_id),
                reminders_required=info.context.settings.fraud_reminders_required,
                **_calendar(info),
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)

    @strawberry.mutation
    async def resolve_escalation(
        self, info: Info, dispute_id: strawberry.ID, refund: MoneyInput, note: str
    ) -> DisputePayload:
        async def action() -> dict[str, Any]:
            value = amount(refund)
            assert value is not None
            row = await decisions.resolve_escalation(
                viewer=info.context.viewer,
                dispute_id=_dispute_id(dispute_id),
                refund=value,
                note=note,
            )
            return _dispute(row)

        return await run_payload(DisputePayload, action)
