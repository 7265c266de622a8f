"""requestCancellation: a booking and a carrier cancel at once, a customer opens a dispute."""

from __future__ import annotations

from decimal import Decimal

from models.accounts.tables import Organization
from models.disputes.tables import Dispute, Refund, RefundKind
from models.enums import Role
from models.shipments.tables import CancelledBy, Shipment, ShipmentStatus, TrackingEvent
from tests.disputing import (
    ORGANIZATION,
    REQUEST_CANCELLATION,
    accepted_shipment,
    ask,
    open_dispute,
)
from tests.graphql import gql
from tests.shipping import SHIPMENT_EVENTS, book, gid, payload

S = ShipmentStatus


async def _events(client, party, shipment_id: int) -> list[str]:
    events = await payload(client, SHIPMENT_EVENTS, {"id": gid("Shipment", shipment_id)}, party)
    return [edge["node"]["type"] for edge in events["events"]["edges"]]


async def _points(organization_id: int) -> int:
    return (await Organization.get(id=organization_id)).penalty_points


async def test_a_booking_no_carrier_took_is_cancelled_at_once(client, dealer):
    booked = await book(client, dealer, deposit={"amount": "250.00", "currency": "USD"})
    shipment = await Shipment.get(waybill=booked["waybill"])
    key = shipment.id

    result = await ask(client, dealer, shipment, "CUSTOMER_CHANGED_PLANS")

    assert result["errors"] == []
    assert result["dispute"] is None
    assert result["shipment"]["status"] == "CANCELLED"
    stored = await Shipment.get(id=key)
    assert (stored.cancelled_by, stored.accepted_at) == (CancelledBy.CUSTOMER, None)
    assert stored.cancelled_at is not None
    assert await Dispute.all().count() == 0
    assert await _points(dealer.organization_id) == 0
    (refund,) = await Refund.all()
    assert (refund.kind, refund.penalty_percent) == (RefundKind.CUSTOMER_CANCELLED, 0)
    assert (refund.amount, refund.currency) == (Decimal("250.00"), "USD")
    assert await _events(client, dealer, key) == ["BOOKED", "CANCELLATION_CONFIRMED"]


async def test_a_carrier_cancelling_refunds_the_whole_deposit_and_costs_both_a_point(
    client, make, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")

    result = await ask(client, carrier, shipment, "CARGO_NOT_READY", "No truck this week")

    assert result["errors"] == [] and result["dispute"] is None
    assert result["shipment"]["status"] == "CANCELLED"
    stored = await Shipment.get(id=shipment.id)
    assert stored.cancelled_by is CancelledBy.CARRIER
    (refund,) = await Refund.all()
    assert refund.kind is RefundKind.CARRIER_CANCELLED
    assert (refund.amount, refund.penalty_amount, refund.penalty_percent) == (
        Decimal("10.00"),
        Decimal("0.00"),
        0,
    )
    assert await _points(dealer.organization_id) == 1
    assert await _points(carrier.organization_id) == 1
    (event,) = await TrackingEvent.filter(shipment_id=shipment.id)
    assert event.type == "CANCELLATION_CONFIRMED"
    assert "No truck this week" in (event.description or "")
    shown = await payload(
        client, ORGANIZATION, {"id": gid("Organization", dealer.organization_id)}, dealer
    )
    assert shown == {
        "id": gid("Organization", dealer.organization_id),
        "penaltyPoints": 1,
        "cancellationRate": 0.0,  # a carrier's cancellation never counts against the customer
        "blocked": False,
    }


async def test_a_customers_request_on_an_accepted_shipment_opens_a_dispute(
    client, make, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier)

    dispute = await open_dispute(client, dealer, shipment, "PRICE_DISAGREEMENT")

    assert dispute["status"] == "NEGOTIATING"
    assert dispute["reason"] == "PRICE_DISAGREEMENT"
    assert dispute["explanation"] == "The pickup keeps slipping"
    assert dispute["openedBy"] == {"id": gid("Organization", dealer.organization_id)}
    assert dispute["outcome"] is None and dispute["refund"] is None
    assert dispute["shipment"]["status"] == "ACCEPTED"  # it goes on while they talk
    assert await _events(client, dealer, shipment.id) == ["CANCELLATION_RECEIVED"]
    assert await _points(dealer.organization_id) == 0


async def test_one_dispute_at_a_time_and_none_on_a_finished_shipment(client, make, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    await open_dispute(client, dealer, shipment)

    again = await ask(client, dealer, shipment)
    by_carrier = await ask(client, carrier, shipment)
    delivered = await accepted_shipment(make, dealer, carrier, status=S.DELIVERED)
    late = await ask(client, dealer, delivered)

    assert again["errors"][0]["code"] == by_carrier["errors"][0]["code"] == "CONFLICT"
    assert late["errors"][0]["code"] == "INVALID_TRANSITION"
    assert await Dispute.all().count() == 1


async def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    client, make, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier)

    blank = await ask(client, dealer, shipment, explanation="   ")
    fraud_by_carrier = await ask(client, carrier, shipment, "FRAUD", "They are the fraud")
    unknown = await gql(
        client,
        REQUEST_CANCELLATION,
        {"shipmentId": gid("Shipment", shipment.id), "reason": "BORED", "explanation": "x"},
        token=dealer.token,
    )
    wrong_id = await gql(
        client,
        REQUEST_CANCELLATION,
        {"shipmentId": gid("Vehicle", 1), "reason": "OTHER", "explanation": "x"},
        token=dealer.token,
    )

    assert (blank["errors"][0]["field"], blank["errors"][0]["code"]) == (
        ["explanation"],
        "INVALID_INPUT",
    )
    assert fraud_by_carrier["errors"][0]["field"] == ["reason"]
    assert "BORED" in unknown["errors"][0]["message"]  # the enum refuses it before any resolver
    assert wrong_id["data"]["requestCancellation"]["errors"][0]["field"] == ["shipmentId"]
    assert await Dispute.all().count() == 0
    assert await TrackingEvent.all().count() == 0
    assert (await Shipment.get(id=shipment.id)).status is S.ACCEPTED


async def test_only_the_parties_ask_and_others_find_nothing(
    client, make, dealer, other_dealer, carrier, other_carrier, admin
):
    shipment = await accepted_shipment(make, dealer, carrier)
    offer = await make.shipment(customer=dealer.organization_id)  # BOOKED: carriers see it
    agent = await make.party(Role.SUPPORT_AGENT)

    stranger = await ask(client, other_dealer, shipment)
    rival = await ask(client, other_carrier, shipment)
    staff = await ask(client, admin, shipment)
    support = await ask(client, agent, shipment)
    offered = await ask(client, other_carrier, offer)

    assert stranger["errors"][0]["code"] == rival["errors"][0]["code"] == "NOT_FOUND"
    assert staff["errors"][0]["code"] == support["errors"][0]["code"] == "FORBIDDEN"
    assert offered["errors"][0]["code"] == "FORBIDDEN"
    assert await Dispute.all().count() == 0
    assert (await Shipment.get(id=offer.id)).status is S.BOOKED


async def test_a_blocked_carrier_cannot_cancel(client, make, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    await make.block(carrier.organization_id)

    result = await ask(client, carrier, shipment)

    assert result["errors"][0]["code"] == "ACCOUNT_BLOCKED"
    assert (await Shipment.get(id=shipment.id)).status is S.ACCEPTED
