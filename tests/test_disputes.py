"""Negotiation: messages, proposals, an agreement the shipment goes on under, or the carrier's
decision with or without refund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models import clock
from models.accounts.tables import Organization
from models.disputes.tables import Dispute, DisputeMessage, Refund
from models.enums import Role
from models.shipments.tables import CancelledBy, Shipment, ShipmentStatus
from tests.disputing import (
    DECIDE,
    POST_MESSAGE,
    PROPOSE,
    RESPOND,
    accepted_shipment,
    eur,
    ok,
    open_dispute,
    refused,
)
from tests.shipping import SHIPMENT_EVENTS, gid, later, payload

S = ShipmentStatus


async def _types(client, party, shipment_id: int) -> list[tuple[str, str]]:
    events = await payload(client, SHIPMENT_EVENTS, {"id": gid("Shipment", shipment_id)}, party)
    return [(e["node"]["type"], e["node"]["classifier"]) for e in events["events"]["edges"]]


async def _points(*parties) -> list[int]:
    return [(await Organization.get(id=p.organization_id)).penalty_points for p in parties]


async def test_both_parties_write_and_read_the_same_thread(client, make, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)

    await ok(client, POST_MESSAGE, carrier, disputeId=dispute["id"], body="Truck is booked Monday")
    seen = await ok(client, POST_MESSAGE, dealer, disputeId=dispute["id"], body=" Too late ")

    assert [(m["body"], m["author"]["role"]) for m in seen["messages"]] == [
        ("Truck is booked Monday", "CARRIER"),
        ("Too late", "DEALER"),
    ]
    first, second = (m["cursor"] for m in seen["messages"])
    assert first != second
    assert seen["status"] == "NEGOTIATING"


async def test_an_accepted_proposal_ends_the_dispute_and_the_shipment_goes_on(
    client, make, dealer, carrier
):
    shipment = await accepted_shipment(
        make, dealer, carrier, price_amount=Decimal("1450"), price_currency="EUR"
    )
    dispute = await open_dispute(client, dealer, shipment, "PRICE_DISAGREEMENT")
    pickup = (clock.now() + dt.timedelta(days=2)).replace(microsecond=0)

    proposed = await ok(
        client,
        PROPOSE,
        carrier,
        disputeId=dispute["id"],
        terms="Pickup Thursday, 100 off",
        pickupScheduledAt=pickup.isoformat(),
        price=eur("1350.00"),
    )
    (proposal,) = proposed["proposals"]
    assert proposal["accepted"] is None
    assert proposal["proposedBy"] == {"id": gid("Organization", carrier.organization_id)}

    agreed = await ok(client, RESPOND, dealer, proposalId=proposal["id"], accept=True)

    assert (agreed["status"], agreed["outcome"]) == ("RESOLVED", "ALTERNATIVE_AGREEMENT")
    assert agreed["resolvedAt"] is not None and agreed["refund"] is None
    assert agreed["proposals"][0]["accepted"] is True
    assert agreed["shipment"]["status"] == "PICKUP_SCHEDULED"
    assert agreed["shipment"]["price"] == eur("1350.00")
    stored = await Shipment.get(id=shipment.id)
    assert stored.pickup_scheduled_at == pickup
    assert stored.cancelled_at is None and stored.cancelled_by is None
    assert await _types(client, dealer, shipment.id) == [
        ("CANCELLATION_RECEIVED", "ACTUAL"),
        ("CANCELLATION_DECLINED", "ACTUAL"),
        ("PICKUP_SCHEDULED", "PLANNED"),
    ]
    assert await _points(dealer, carrier) == [0, 0]
    assert await Refund.all().count() == 0


async def test_a_declined_proposal_keeps_them_talking(client, make, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    proposed = await ok(client, PROPOSE, dealer, disputeId=dispute["id"], terms="Half the price")
    proposal = proposed["proposals"][0]["id"]

    own = await refused(client, RESPOND, dealer, proposalId=proposal, accept=True)
    declined = await ok(client, RESPOND, carrier, proposalId=proposal, accept=False)
    twice = await refused(client, RESPOND, carrier, proposalId=proposal, accept=True)

    assert own["code"] == "FORBIDDEN"
    assert declined["status"] == "NEGOTIATING"
    assert declined["proposals"][0]["accepted"] is False
    assert twice["code"] == "INVALID_TRANSITION"
    assert (await Shipment.get(id=shipment.id)).status is S.ACCEPTED


async def test_a_proposal_needs_terms_and_sound_values(client, make, dealer, carrier):
    shipment = await accepted_shipment(
        make, dealer, carrier, price_amount=Decimal("900"), price_currency="EUR"
    )
    dispute = await open_dispute(client, dealer, shipment)
    key = dispute["id"]

    cases = [
        ({"terms": "  "}, ["terms"]),
        ({"terms": "x", "price": {"amount": "10.001", "currency": "EUR"}}, ["price", "amount"]),
        ({"terms": "x", "price": {"amount": "10", "currency": "USD"}}, ["price", "currency"]),
        ({"terms": "x", "price": {"amount": "-1", "currency": "EUR"}}, ["price", "amount"]),
        ({"terms": "x", "pickupScheduledAt": later(hours=-1)}, ["pickupScheduledAt"]),
    ]
    for variables, field in cases:
        error = await refused(client, PROPOSE, dealer, disputeId=key, **variables)
        assert (error["field"], error["code"]) == (field, "INVALID_INPUT"), variables
    assert (await Dispute.get()).version == 0  # nothing was written
    picked = await accepted_shipment(make, dealer, carrier, status=S.PICKED_UP)
    on_its_way = await open_dispute(client, dealer, picked)
    error = await refused(
        client,
        PROPOSE,
        dealer,
        disputeId=on_its_way["id"],
        terms="x",
        pickupScheduledAt=later(days=1),
    )
    assert error["field"] == ["pickupScheduledAt"]


async def test_a_proposal_whose_pickup_time_passed_cannot_be_accepted(
    client, make, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    pickup = clock.now() + dt.timedelta(minutes=20)  # within the tokens' hour
    proposed = await ok(
        client,
        PROPOSE,
        carrier,
        disputeId=dispute["id"],
        terms="Later",
        pickupScheduledAt=pickup.isoformat(),
    )

    with clock.travel(pickup + dt.timedelta(seconds=1)):
        error = await refused(
            client, RESPOND, dealer, proposalId=proposed["proposals"][0]["id"], accept=True
        )

    assert error["code"] == "DEADLINE_PASSED"
    assert (await Dispute.get()).status == "NEGOTIATING"


async def test_the_carrier_decides_without_refund_and_each_party_gets_a_point(
    client, make, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)

    decided = await ok(client, DECIDE, carrier, disputeId=dispute["id"], refund=False)

    assert (decided["status"], decided["outcome"]) == ("RESOLVED", "CANCELLED_WITHOUT_REFUND")
    assert decided["refund"] is None
    assert decided["shipment"]["status"] == "CANCELLED"
    stored = await Shipment.get(id=shipment.id)
    assert stored.cancelled_by is CancelledBy.CUSTOMER
    assert await Refund.all().count() == 0
    assert await _points(dealer, carrier) == [1, 1]
    types = [t for t, _ in await _types(client, carrier, shipment.id)]
    assert types == ["CANCELLATION_RECEIVED", "CANCELLATION_CONFIRMED"]
    closed = await refused(client, POST_MESSAGE, dealer, disputeId=dispute["id"], body="Hey")
    assert closed["code"] == "INVALID_TRANSITION"


async def test_the_carrier_decides_with_refund_the_whole_deposit_at_a_low_rate(
    client, make, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="250.00", currency="USD")
    dispute = await open_dispute(client, dealer, shipment)

    decided = await ok(client, DECIDE, carrier, disputeId=dispute["id"], refund=True)

    assert decided["refund"]["amount"] == {"amount": "250.00", "currency": "USD"}
    assert decided["refund"]["penaltyPercent"] == 0
    assert await _points(dealer, carrier) == [1, 1]


async def test_only_the_carrier_decides_and_only_the_parties_speak(
    client, make, dealer, carrier, admin
):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    key = dispute["id"]
    officer = await make.party(Role.DISPUTE_OFFICER)
    colleague = await make.party(Role.DEALER, await Organization.get(id=dealer.organization_id))

    by_dealer = await refused(client, DECIDE, dealer, disputeId=key, refund=False)
    by_admin = await refused(client, DECIDE, admin, disputeId=key, refund=False)
    officer_post = await refused(client, POST_MESSAGE, officer, disputeId=key, body="Hello")
    officer_proposal = await refused(client, PROPOSE, officer, disputeId=key, terms="Deal")
    by_colleague = await ok(client, POST_MESSAGE, colleague, disputeId=key, body="Same firm")

    assert by_dealer["code"] == by_admin["code"] == "FORBIDDEN"
    assert officer_post["code"] == officer_proposal["code"] == "FORBIDDEN"
    assert by_colleague["messages"][-1]["body"] == "Same firm"
    assert await DisputeMessage.all().count() == 1
