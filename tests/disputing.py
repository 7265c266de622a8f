"""GraphQL documents and helpers shared by the cancellation and dispute tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx2

from models import clock
from models.shipments.tables import CancelledBy, Shipment, ShipmentStatus
from models.validators import new_waybill
from schema.ids import parse_global_id
from tests.factories import Factory, Party
from tests.shipping import gid, payload

DISPUTE_FIELDS = """
fragment DisputeFields on Dispute {
  id reason explanation status outcome carrierReminders unansweredReminders
  fraudRefundDeadline escalatedAt reviewDueAt openedAt resolvedAt
  openedBy { id }
  shipment { id status pickupScheduledAt price { amount currency } }
  messages { id cursor body author { id role } }
  proposals { id terms pickupScheduledAt price { amount currency } accepted proposedBy { id } }
  refund { deposit { amount currency } penaltyPercent penalty { amount currency }
           amount { amount currency } kind }
}
"""
ERRORS = "errors { field message code }"

REQUEST_CANCELLATION = (
    """
mutation ($shipmentId: ID!, $reason: CancellationReason!, $explanation: String!) {
  requestCancellation(shipmentId: $shipmentId, reason: $reason, explanation: $explanation) {
    shipment { id status }
    dispute { ...DisputeFields }
    """
    + ERRORS
    + "}}"
    + DISPUTE_FIELDS
)


def _dispute_mutation(signature: str, call: str) -> str:
    return (
        f"mutation ({signature}) {{ {call} {{ dispute {{ ...DisputeFields }} {ERRORS} }} }}"
        + DISPUTE_FIELDS
    )


POST_MESSAGE = _dispute_mutation(
    "$disputeId: ID!, $body: String!", "postDisputeMessage(disputeId: $disputeId, body: $body)"
)
PROPOSE = _dispute_mutation(
    "$disputeId: ID!, $terms: String!, $pickupScheduledAt: DateTime, $price: MoneyInput",
    "proposeAgreement(disputeId: $disputeId, terms: $terms,"
    " pickupScheduledAt: $pickupScheduledAt, price: $price)",
)
RESPOND = _dispute_mutation(
    "$proposalId: ID!, $accept: Boolean!",
    "respondToProposal(proposalId: $proposalId, accept: $accept)",
)
DECIDE = _dispute_mutation(
    "$disputeId: ID!, $refund: Boolean!",
    "decideCancellation(disputeId: $disputeId, refund: $refund)",
)
ESCALATE = _dispute_mutation(
    "$disputeId: ID!, $reason: String!", "escalateDispute(disputeId: $disputeId, reason: $reason)"
)
REMIND = _dispute_mutation("$disputeId: ID!", "remindCarrier(disputeId: $disputeId)")
REFUND_FOR_FRAUD = _dispute_mutation("$disputeId: ID!", "refundForFraud(disputeId: $disputeId)")
RESOLVE = _dispute_mutation(
    "$disputeId: ID!, $refund: MoneyInput!, $note: String!",
    "resolveEscalation(disputeId: $disputeId, refund: $refund, note: $note)",
)
DISPUTE = "query ($id: ID!) { dispute(id: $id) { ...DisputeFields } }" + DISPUTE_FIELDS
DISPUTES = """
query ($first: Int, $after: String, $filter: DisputeFilter) {
  disputes(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""
QUOTE = """
query ($shipmentId: ID!) {
  cancellationQuote(shipmentId: $shipmentId) {
    cancellationRate penaltyPercent
    deposit { amount currency } refund { amount currency } penalty { amount currency }
  }
}
"""
ORGANIZATION = """
query ($id: ID!) {
  node(id: $id) { ... on Organization { id penaltyPoints cancellationRate blocked } }
}
"""


def key_of(global_id: str) -> int:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


async def accepted_shipment(
    make: Factory,
    dealer: Party,
    carrier: Party,
    *,
    deposit: str | None = "10.00",
    currency: str = "EUR",
    accepted_at: dt.datetime | None = None,
    status: ShipmentStatus = ShipmentStatus.ACCEPTED,
    **fields: Any,
) -> Shipment:
    """A shipment the carrier took (at `accepted_at`, by default an hour ago)."""
    return await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=status,
        accepted_at=accepted_at or clock.now() - dt.timedelta(hours=1),
        deposit_amount=Decimal(deposit) if deposit is not None else None,
        deposit_currency=currency if deposit is not None else None,
        **fields,
    )


async def history(customer: int, *, accepted: int, cancelled: int, days_ago: int = 200) -> None:
    """`accepted` past shipments of `customer` from `days_ago` on, an hour apart, the last
    `cancelled` of them at its request."""
    start = clock.now() - dt.timedelta(days=days_ago)
    rows = []
    for index in range(accepted):
        mine = index >= accepted - cancelled
        at = start + dt.timedelta(hours=index)
        rows.append(
            Shipment(
                waybill=new_waybill(),
                status=ShipmentStatus.CANCELLED if mine else ShipmentStatus.DELIVERED,
                customer_id=customer,
                origin_name="Port Newark",
                origin_country="US",
                destination_name="Poti",
                destination_country="GE",
                accepted_at=at,
                cancelled_at=at + dt.timedelta(hours=1) if mine else None,
                cancelled_by=CancelledBy.CUSTOMER if mine else None,
                created_at=at,
                updated_at=at,
            )
        )
    await Shipment.bulk_create(rows)


async def ask(
    client: httpx2.AsyncClient,
    party: Party,
    shipment: Shipment,
    reason: str = "CUSTOMER_CHANGED_PLANS",
    explanation: str = "Plans changed",
) -> dict[str, Any]:
    return await payload(
        client,
        REQUEST_CANCELLATION,
        {"shipmentId": gid("Shipment", shipment.id), "reason": reason, "explanation": explanation},
        party,
    )


async def open_dispute(
    client: httpx2.AsyncClient, dealer: Party, shipment: Shipment, reason: str = "PICKUP_DELAYED"
) -> dict[str, Any]:
    """The customer's request on an accepted shipment: the dispute it opened."""
    result = await ask(client, dealer, shipment, reason, "The pickup keeps slipping")
    assert result["errors"] == [], result
    return result["dispute"]


async def act(
    client: httpx2.AsyncClient, document: str, party: Party | None, **variables: Any
) -> dict[str, Any]:
    return await payload(client, document, variables, party)


async def ok(
    client: httpx2.AsyncClient, document: str, party: Party | None, **variables: Any
) -> dict[str, Any]:
    """A mutation that must succeed: its dispute."""
    result = await act(client, document, party, **variables)
    assert result["errors"] == [], result
    return result["dispute"]


async def refused(
    client: httpx2.AsyncClient, document: str, party: Party | None, **variables: Any
) -> dict[str, Any]:
    """A mutation that must fail: its one error."""
    result = await act(client, document, party, **variables)
    assert result.get("dispute") is None, result
    (error,) = result["errors"]
    return error
