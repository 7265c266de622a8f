"""Disputes over cancellations: types, the Query part, and the nodes they answer as."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.accounts.tables import Organization as OrganizationRow
from models.accounts.tables import User as UserRow
from models.disputes import tables
from models.shipments.tables import Shipment as ShipmentRow
from resolvers.disputes import reads
from resolvers.disputes.refunds import Quote, cancellation_quote
from resolvers.pagination import encode_cursor
from schema.accounts.types import Organization, User
from schema.base import Money, Node, PageInfo, edges, page_info
from schema.context import Info
from schema.convert import money
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher

if TYPE_CHECKING:
    from schema.shipments.types import Shipment

CancellationReason = tables.CancellationReason
strawberry.enum(CancellationReason, name="CancellationReason")
DisputeStatus = tables.DisputeStatus
strawberry.enum(DisputeStatus, name="DisputeStatus")
DisputeOutcome = tables.DisputeOutcome
strawberry.enum(DisputeOutcome, name="DisputeOutcome")
RefundKind = tables.RefundKind
strawberry.enum(RefundKind, name="RefundKind", description="Why a deposit went back")


@strawberry.type
class Refund:
    deposit: Money
    penalty_percent: int
    penalty: Money
    amount: Money
    kind: RefundKind
    created_at: dt.datetime

    @classmethod
    def from_model(cls, row: tables.Refund) -> Refund:
        def amount(value: object) -> Money:
            shown = money(value, row.currency)  # type: ignore[arg-type]
            assert shown is not None  # NOT NULL columns
            return shown

        return cls(
            deposit=amount(row.deposit_amount),
            penalty_percent=row.penalty_percent,
            penalty=amount(row.penalty_amount),
            amount=amount(row.amount),
            kind=row.kind,
            created_at=row.created_at,
        )


@strawberry.type
class DisputeMessage(Node):
    cursor: str
    body: str
    created_at: dt.datetime
    _row: strawberry.Private[tables.DisputeMessage]

    @classmethod
    def from_model(cls, row: tables.DisputeMessage) -> DisputeMessage:
        assert row.seq is not None  # set in the transaction that wrote the message
        return cls(
            id=strawberry.ID(to_global_id("DisputeMessage", row.pk)),
            cursor=encode_cursor(row.seq),
            body=row.body,
            created_at=row.created_at,
            _row=row,
        )

    @strawberry.field
    async def author(self, info: Info) -> User:
        # A party of the dispute, or the staff member who reminded or decided.
        row = await info.context.loaders.load(UserRow, self._row.author_id)
        assert row is not None  # RESTRICT on delete
        return User.from_model(row)


@strawberry.type
class AgreementProposal(Node):
    terms: str
    pickup_scheduled_at: dt.datetime | None
    price: Money | None
    accepted: bool | None
    created_at: dt.datetime
    _row: strawberry.Private[tables.AgreementProposal]

    @classmethod
    def from_model(cls, row: tables.AgreementProposal) -> AgreementProposal:
        return cls(
            id=strawberry.ID(to_global_id("AgreementProposal", row.pk)),
            terms=row.terms,
            pickup_scheduled_at=row.pickup_scheduled_at,
            price=money(row.price_amount, row.price_currency),
            accepted=row.accepted,
            created_at=row.created_at,
            _row=row,
        )

    @strawberry.field
    async def proposed_by(self, info: Info) -> Organization:
        row = await info.context.loaders.load(OrganizationRow, self._row.proposed_by_id)
        assert row is not None
        return Organization.from_model(row)


@strawberry.type
class Dispute(Node):
    reason: CancellationReason
    explanation: str
    status: DisputeStatus
    outcome: DisputeOutcome | None
    carrier_reminders: int
    unanswered_reminders: int = strawberry.field(
        description="Reminders since the carrier last wrote: a reply breaks its silence"
    )
    fraud_refund_deadline: dt.datetime | None = strawberry.field(
        description="acceptedAt + 7 days: the last moment support may refund a fraud report"
    )
    escalated_at: dt.datetime | None
    review_due_at: dt.datetime | None = strawberry.field(
        description="escalatedAt + 30 working days"
    )
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    _row: strawberry.Private[tables.Dispute]

    @classmethod
    def from_model(cls, row: tables.Dispute) -> Dispute:
        return cls(
            id=strawberry.ID(to_global_id("Dispute", row.pk)),
            reason=row.reason,
            explanation=row.explanation,
            status=row.status,
            outcome=row.outcome,
            carrier_reminders=row.carrier_reminders,
            unanswered_reminders=row.unanswered_reminders,
            fraud_refund_deadline=row.fraud_refund_deadline,
            escalated_at=row.escalated_at,
            review_due_at=row.review_due_at,
            opened_at=row.opened_at,
            resolved_at=row.resolved_at,
            _row=row,
        )

    @strawberry.field
    async def shipment(
        self, info: Info
    ) -> Annotated[Shipment, strawberry.lazy("schema.shipments.types")]:
        from schema.shipments.types import Shipment

        # Whoever sees the dispute sees its shipment (the same two parties, and staff).
        row = await info.context.loaders.load(ShipmentRow, self._row.shipment_id)
        assert row is not None  # RESTRICT on delete
        return Shipment.from_model(row)

    @strawberry.field
    async def opened_by(self, info: Info) -> Organization:
        row = await info.context.loaders.load(OrganizationRow, self._row.opened_by_id)
        assert row is not None
        return Organization.from_model(row)

    @strawberry.field
    async def messages(self, info: Info) -> list[DisputeMessage]:
        rows = await reads.messages_of(info.context.loaders).load(self._row.id)
        return [DisputeMessage.from_model(row) for row in rows]

    @strawberry.field
    async def proposals(self, info: Info) -> list[AgreementProposal]:
        rows = await reads.proposals_of(info.context.loaders).load(self._row.id)
        return [AgreementProposal.from_model(row) for row in rows]

    @strawberry.field(description="The latest refund this dispute led to")
    async def refund(self, info: Info) -> Refund | None:
        rows = await reads.refunds_of(info.context.loaders).load(self._row.id)
        return Refund.from_model(rows[-1]) if rows else None

    @strawberry.field(description="Every refund this dispute led to, oldest first")
    async def refunds(self, info: Info) -> list[Refund]:
        rows = await reads.refunds_of(info.context.loaders).load(self._row.id)
        return [Refund.from_model(row) for row in rows]


@strawberry.type
class DisputeEdge:
    node: Dispute
    cursor: str


@strawberry.type
class DisputeConnection:
    edges: list[DisputeEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class DisputeFilter:
    status: list[DisputeStatus] | None = None


@strawberry.type(description="A dry run of a customer's cancellation: what would be refunded now")
class CancellationQuote:
    cancellation_rate: float
    penalty_percent: int
    deposit: Money | None
    refund: Money | None
    penalty: Money | None

    @classmethod
    def from_quote(cls, quote: Quote) -> CancellationQuote:
        split = quote.split
        return cls(
            cancellation_rate=float(quote.cancellation_rate),
            penalty_percent=quote.penalty_percent,
            deposit=money(split.deposit, split.currency) if split else None,
            refund=money(split.refund, split.currency) if split else None,
            penalty=money(split.penalty, split.currency) if split else None,
        )


@node_fetcher("Dispute")
async def _dispute_node(info: Info, key: int) -> Dispute | None:
    row = await reads.dispute(info.context.require_viewer(), key)
    return Dispute.from_model(row) if row else None


@node_fetcher("DisputeMessage")
async def _message_node(info: Info, key: int) -> DisputeMessage | None:
    row = await reads.message(info.context.require_viewer(), key)
    return DisputeMessage.from_model(row) if row else None


@node_fetcher("AgreementProposal")
async def _proposal_node(info: Info, key: int) -> AgreementProposal | None:
    row = await reads.proposal(info.context.require_viewer(), key)
    return AgreementProposal.from_model(row) if row else None


@strawberry.type
class DisputesQuery:
    @strawberry.field
    async def dispute(self, info: Info, id: strawberry.ID) -> Dispute | None:
        key = decode_id(id, "Dispute", ["id"])
        row = await reads.dispute(info.context.require_viewer(), key)
        return Dispute.from_model(row) if row else None

    @strawberry.field
    async def disputes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: DisputeFilter | None = None,
    ) -> DisputeConnection:
        wanted = filter or DisputeFilter()
        page = await reads.dispute_page(
            info.context.require_viewer(), first=first, after=after, statuses=wanted.status
        )
        return DisputeConnection(
            edges=edges(page, DisputeEdge, Dispute.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )

    @strawberry.field
    async def cancellation_quote(self, info: Info, shipment_id: strawberry.ID) -> CancellationQuote:
        key = decode_id(shipment_id, "Shipment", ["shipmentId"])
        quote = await cancellation_quote(viewer=info.context.require_viewer(), shipment_id=key)
        return CancellationQuote.from_quote(quote)
